import CMCLTensor

/// The real tokens of a padded batch, packed row after row: the transformer runs its
/// projections, feed-forward blocks and layer norms on `[tokens, width]` instead of
/// `[batch · seq, width]`, so padding costs nothing there. Attention still runs on the padded
/// layout (``unpack(_:)`` before it, ``pack(_:)`` after it), where padded keys are masked.
///
/// Packed row `r` is the flat position `positions[r]` (`row · length + column`) of the padded
/// batch. Only the real tokens' values are computed; they equal the padded computation's (padded
/// keys get probability exactly 0, and no other step mixes tokens), and dropout draws its masks
/// over the padded shape and packs them, so a seeded run draws what the padded run draws.
///
/// ```swift
/// if let packing = try TokenPacking(batch) {      // nil when there is no padding to save
///     let x = try packing.pack(embedded)          // [b, t, h] → [tokens, h]
///     let back = try packing.unpack(x)            // [tokens, h] → [b, t, h], zero on padding
/// }
/// ```
public struct TokenPacking: @unchecked Sendable {
    /// Rows and columns of the padded batch.
    public let batch: Int, length: Int
    /// The number of real tokens.
    public let count: Int
    /// `int32 [count]`: flat padded position of each packed row.
    public let positions: Tensor
    /// `int32 [batch · length]`: packed row of each padded position, `count` (a zero row) on padding.
    let rowsOfPositions: Tensor
    /// `int32 [batch]`: packed row of each sequence's first token.
    public let firstRows: Tensor

    /// Packing pays when at most this share of the padded positions is real.
    public static let worthwhileShare = 0.9

    /// The packing of `batch`, or nil when it has no attention mask, a mask entry other than 0
    /// or 1, keeps more than ``worthwhileShare`` of its positions, or has a sequence whose first
    /// token is padding (its first position's state is then read by classification heads).
    public init?(_ batch: Batch) throws {
        guard let mask = batch.attentionMask else { return nil }
        let b = batch.size, t = batch.length
        let raw = mask.toDoubles()
        guard b > 0, t > 0, raw.count == b * t, raw.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
        let values = raw.map { $0 != 0 }
        var positions: [Int32] = [], rows = [Int32](repeating: 0, count: b * t), first: [Int32] = []
        positions.reserveCapacity(b * t)
        for r in 0..<b {
            guard values[r * t] else { return nil }
            first.append(Int32(positions.count))
            for c in 0..<t where values[r * t + c] {
                rows[r * t + c] = Int32(positions.count)
                positions.append(Int32(r * t + c))
            }
        }
        guard Double(positions.count) <= TokenPacking.worthwhileShare * Double(b * t) else { return nil }
        let n = positions.count
        for p in 0..<(b * t) where !values[p] { rows[p] = Int32(n) }
        self.batch = b
        length = t
        count = n
        self.positions = try Tensor(ints: positions, shape: [n])
        rowsOfPositions = try Tensor(ints: rows, shape: [b * t])
        firstRows = try Tensor(ints: first, shape: [b])
    }

    /// The real tokens' rows `[count, width]` of `x` `[batch, length, width]` (or `[batch · length, width]`).
    public func pack(_ x: Tensor) throws -> Tensor {
        let width = x.shape[x.rank - 1]
        return try x.reshape([batch * length, width]).indexSelect(axis: 0, indices: positions)
    }

    /// `[batch, length, width]` from packed rows `x` `[count, width]`, zero on padding.
    public func unpack(_ x: Tensor) throws -> Tensor {
        let width = x.shape[x.rank - 1]
        let withZero = try Tensor.concat([x, Tensor.zeros([1, width], dtype: x.dtype)], axis: 0)
        return try withZero.indexSelect(axis: 0, indices: rowsOfPositions).reshape([batch, length, width])
    }

    /// The padded shape of a packed `[count, width]` tensor.
    public func paddedShape(width: Int) -> [Int] { [batch, length, width] }
}
