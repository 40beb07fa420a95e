import Foundation
import Testing
@testable import CMCLData

/// Paired t-tests, p-values and bootstrap intervals against SciPy
/// (fixtures from scripts/stats-fixtures.py).
@Suite("Statistics against SciPy")
struct StatisticsTests {
    struct Fixture: Decodable {
        struct Interval: Decodable { var level: Double?; var resamples: Int?; var seed: UInt64?; var low: Double; var high: Double }
        struct Paired: Decodable {
            var a: [Double], b: [Double], mean: Double, sd: Double, mean_difference: Double, t: Double, p: Double, df: Int
            var bootstrap: Interval
            var scipy_bootstrap: Interval
        }
        struct Tail: Decodable { var t: Double; var df: Double; var p: Double }
        var paired: [Paired]
        var t_tails: [Tail]
    }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: Paths.fixture("stats.json"))))
    }

    @Test func pairedTestMatchesScipy() throws {
        let f = try Self.fixture()
        #expect(f.paired.count >= 6)
        for c in f.paired {
            let s = Statistics.summary(c.a)
            #expect(close(s.mean, c.mean, 1e-12) && close(s.sd, c.sd, 1e-10), "summary of \(c.a)")
            let test = try PairedTest(a: c.a, b: c.b)
            #expect(close(test.meanDifference, c.mean_difference, 1e-12))
            #expect(test.degreesOfFreedom == c.df)
            #expect(close(test.t, c.t, 1e-9), "t \(test.t) vs \(c.t)")
            #expect(close(test.p, c.p, 1e-9), "p \(test.p) vs \(c.p)")
        }
    }

    @Test func bootstrapIntervalMatchesTheReferenceResampling() throws {
        for c in try Self.fixture().paired {
            let test = try PairedTest(a: c.a, b: c.b)
            let b = c.bootstrap
            let ci = test.bootstrapInterval(level: b.level ?? 0.95, resamples: b.resamples ?? 0, seed: b.seed ?? 0)
            #expect(close(ci.low, b.low, 1e-12) && close(ci.high, b.high, 1e-12), "\(ci) vs \(b.low)…\(b.high)")
            // SciPy's own bootstrap draws other resamples: agree to a fraction of the spread.
            let spread = max(1e-12, c.scipy_bootstrap.high - c.scipy_bootstrap.low)
            #expect(abs(ci.low - c.scipy_bootstrap.low) < 0.25 * spread + 1e-12)
            #expect(abs(ci.high - c.scipy_bootstrap.high) < 0.25 * spread + 1e-12)
        }
    }

    @Test func studentTailsMatchScipy() throws {
        for c in try Self.fixture().t_tails {
            let p = StudentT.twoSidedP(c.t, degreesOfFreedom: c.df)
            #expect(close(p, c.p, 1e-10), "t=\(c.t) df=\(c.df): \(p) vs \(c.p)")
        }
    }

    @Test func degenerateSamples() throws {
        #expect(try PairedTest(a: [1], b: [0]).p.isNaN)
        let constant = try PairedTest(a: [2, 3, 4], b: [1, 2, 3])
        #expect(constant.t == .infinity && constant.p == 0)
        #expect(try PairedTest(a: [1, 2], b: [1, 2]).p.isNaN)
        #expect(throws: DataError.self) { try PairedTest(a: [1, 2], b: [1]) }
        #expect(Statistics.quantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(Statistics.summary([]).mean.isNaN)
    }
}

@Suite("JSON writing")
struct JSONWriterTests {
    @Test func roundTripKeepsKeyOrder() throws {
        let text = #"{"z": 1, "a": [true, null, "x\"y\n"], "m": {"k": 2.5, "e": {}}, "n": -3e-7}"#
        let v = try JSONValue.parse(text: text)
        #expect(v.object?.keys == ["z", "a", "m", "n"])
        #expect(v.serialized() == text.replacingOccurrences(of: "-3e-7", with: "-3e-07"))
        #expect(try JSONValue.parse(text: v.serialized(indent: 2)) == v)
        #expect(v.serialized(sortKeys: true, compact: true) == #"{"a":[true,null,"x\"y\n"],"m":{"e":{},"k":2.5},"n":-3e-07,"z":1}"#)
        // Non-finite numbers are written as Python's json writes them, and read back.
        #expect(JSONValue.number(.nan).serialized() == "NaN")
        #expect(JSONValue.array([.number(.infinity), .number(-.infinity)]).serialized() == "[Infinity, -Infinity]")
        let back = try JSONValue.parse(text: "[NaN, Infinity, -Infinity, -1]")
        #expect(back.array?.count == 4 && back[0]?.number?.isNaN == true && back[1] == .number(.infinity)
                && back[2] == .number(-.infinity) && back[3] == .number(-1))
        #expect(throws: DataError.self) { try JSONValue.parse(text: "[Nan]") }
        #expect(JSONValue.string("\u{1}").serialized() == "\"\\u0001\"")
    }
}
