@testable import CMCLKernel
import XCTest

final class OutputStreamsTests: XCTestCase {
    /// What a Jupyter front end shows: `\r` returns to the line's start and later characters
    /// overwrite earlier ones one by one (escape sequences are not interpreted).
    private func shown(_ text: String) -> [String] {
        var lines: [[Character]] = [[]]
        var column = 0
        for ch in text {
            if ch == "\n" { lines.append([]); column = 0; continue }
            if ch == "\r" { column = 0; continue }
            if column < lines[lines.count - 1].count { lines[lines.count - 1][column] = ch } else { lines[lines.count - 1].append(ch) }
            column += 1
        }
        return lines.map { String($0).replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
    }

    func testAShorterRedrawCoversTheLongerLine() {
        // As `fit` draws its progress: each redraw is a write of its own.
        let writes = ["\r\u{1B}[Kepoch 1/3  step 10/30  12 ms left", "\r\u{1B}[Kepoch 3/3  step 30/30  done", "\n",
                      "trained\n", "\r\u{1B}[Kab 1/2  1 s left\r\u{1B}[Kab 2/2  done\nnext"]
        var width = 0
        let out = writes.map { OutputStreams.erasingLines($0, width: &width) }.joined()
        XCTAssertFalse(out.contains("\u{1B}"))
        XCTAssertEqual(shown(out), ["epoch 3/3  step 30/30  done", "trained", "ab 2/2  done", "next"])
        XCTAssertEqual(width, 4)
        // Without the padding the front end would show the tail of the longer line.
        XCTAssertEqual(shown(writes.joined().replacingOccurrences(of: "\u{1B}[K", with: ""))[0],
                       "epoch 3/3  step 30/30  dones left")
    }

    func testTextWithoutEraseIsUnchanged() {
        var width = 3
        XCTAssertEqual(OutputStreams.erasingLines("abc\r", width: &width), "abc\r")
        XCTAssertEqual(width, 6)
    }
}
