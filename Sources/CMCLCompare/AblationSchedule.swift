/// One ablation operator of a comparative-loss setup: `cmpcrop(n)` (n nested input crops) or
/// `cmpdrop(n)` (n nested dropout steps).
public struct AblationSpec: Sendable, Hashable, CustomStringConvertible {
    /// The kind of ablation.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Input cropping (remove tokens or distractor segments).
        case crop
        /// Nested dropout of neurons.
        case drop
    }

    /// Crop or drop.
    public let kind: Kind
    /// Number of nested steps this operator contributes (`>= 0`).
    public let count: Int

    /// Creates a spec.
    /// - Throws: `CompareError.invalidCount` when `count < 0`.
    public init(kind: Kind, count: Int) throws(CompareError) {
        if count < 0 || count > AblationSpec.maxSteps {
            throw .invalidCount(operation: "ablation \(kind.rawValue)", name: "count", value: count,
                                requirement: "it must lie in 0...\(AblationSpec.maxSteps)")
        }
        self.kind = kind
        self.count = count
    }

    /// Creates a spec from its name: `cmpcrop` | `crop` | `cmpdrop` | `drop` (case-insensitive).
    /// - Throws: `CompareError.unknownName` with did-you-mean candidates, or `invalidCount`.
    public init(name: String, count: Int) throws(CompareError) {
        let kind = try CompareError.resolve(
            name, in: [("cmpcrop", Kind.crop), ("crop", .crop), ("cmpdrop", .drop), ("drop", .drop)],
            kind: "ablation", operation: "ablation schedule")
        try self.init(kind: kind, count: count)
    }

    public var description: String { "cmp\(kind.rawValue)(\(count))" }

    /// Upper bound on the number of nested steps any ablation operator or plan accepts.
    public static let maxSteps = 4096
}

/// One model variant in an ablation schedule: the full model (step 0) or ablation step `1...c`.
public struct AblationVariant: Sendable, Hashable, CustomStringConvertible {
    /// Position in the comparison: 0 is the full model, `1...c` successively ablated variants.
    public let step: Int
    /// Number of crop steps applied (index into the nested crop levels; 0 = uncropped input).
    public let cropLevel: Int
    /// Dropout power `k` (rate `1 - (1 - p)^k`; 0 = dropout off).
    public let dropLevel: Int

    /// Creates a variant.
    public init(step: Int, cropLevel: Int, dropLevel: Int) {
        self.step = step
        self.cropLevel = cropLevel
        self.dropLevel = dropLevel
    }

    /// The dropout rate of this variant for a base rate `p`.
    /// - Throws: `CompareError` if `p` is not in `[0, 1)`.
    public func dropoutRate(base p: Double) throws(CompareError) -> Double {
        try NestedDropout.rate(p, step: dropLevel)
    }

    public var description: String { "variant \(step): crop \(cropLevel), drop \(dropLevel)" }
}

/// The sequence of nested variants produced by a list of ablation operators.
///
/// Interleaving rule (as in the reference training code, "crop first"): with `C` crop steps and
/// `D` drop steps, for `i = 0 ..< C + D`: if crops remain and (`i` is even or all drops are used),
/// the next variant adds one crop step, otherwise it adds one dropout step. Each variant keeps the
/// levels reached so far, so variants are nested. E.g. `[cmpcrop(2), cmpdrop(3)]` gives
/// (crop, drop) = (1,0) (1,1) (2,1) (2,2) (2,3). The full model (step 0) is (0, 0): uncropped input,
/// dropout off.
///
/// ```swift
/// let schedule = try AblationSchedule([.init(name: "cmpcrop", count: 1), .init(name: "cmpdrop", count: 2)])
/// schedule.variants.map { ($0.cropLevel, $0.dropLevel) }  // [(0,0), (1,0), (1,1), (1,2)]
/// ```
public struct AblationSchedule: Sendable, Hashable {
    /// The operators, as given.
    public let specs: [AblationSpec]
    /// Total crop steps `C` (sum over crop operators).
    public let cropSteps: Int
    /// Total drop steps `D` (sum over drop operators).
    public let dropSteps: Int
    /// Variants `0...c`, `c = C + D`; `variants[0]` is the full model.
    public let variants: [AblationVariant]

    /// Builds the schedule.
    /// - Throws: `CompareError.tooFewVariants` when the operators give no ablation step (`c < 1`).
    public init(_ specs: [AblationSpec]) throws(CompareError) {
        // Each count is at most maxSteps, so these sums cannot overflow for any realistic list length.
        let crops = specs.filter { $0.kind == .crop }.reduce(0) { $0 + $1.count }
        let drops = specs.filter { $0.kind == .drop }.reduce(0) { $0 + $1.count }
        if crops + drops < 1 { throw .tooFewVariants(operation: "ablation schedule", columns: 1) }
        if crops + drops > AblationSpec.maxSteps {
            throw .invalidCount(operation: "ablation schedule", name: "total steps", value: crops + drops,
                                requirement: "it must be <= \(AblationSpec.maxSteps)")
        }
        self.specs = specs
        self.cropSteps = crops
        self.dropSteps = drops
        var variants = [AblationVariant(step: 0, cropLevel: 0, dropLevel: 0)]
        var cc = 0, dc = 0
        for i in 0..<(crops + drops) {
            if cc < crops && (i % 2 == 0 || dc >= drops) { cc += 1 } else { dc += 1 }
            variants.append(AblationVariant(step: i + 1, cropLevel: cc, dropLevel: dc))
        }
        self.variants = variants
    }

    /// Builds the schedule of `crop` crop steps and `drop` drop steps.
    /// - Throws: `CompareError` for negative counts or `crop + drop < 1`.
    public init(crop: Int, drop: Int) throws(CompareError) {
        try self.init([AblationSpec(kind: .crop, count: crop), AblationSpec(kind: .drop, count: drop)])
    }

    /// Number of ablated variants `c`.
    public var ablationCount: Int { cropSteps + dropSteps }
}
