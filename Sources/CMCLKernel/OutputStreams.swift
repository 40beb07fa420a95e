import CMCLData
import Foundation

/// What cells print, sent on IOPub as `stream` messages in batches: text is gathered and sent
/// when 64 KiB are waiting, when another output must follow it (a result, a plot, an error),
/// at the end of the cell, and every 50 ms by the kernel's flusher thread — so a cell printing
/// 100,000 lines sends a few hundred messages, in order, and a slow cell's lines still appear
/// as they are printed.
final class OutputStreams: @unchecked Sendable {
    private let lock = NSLock()
    /// Held while a batch is published, so batches leave in the order they were taken.
    private let sendLock = NSLock()
    private var pending: [(name: String, text: String)] = []
    private var pendingBytes = 0
    private var parent: JSONObject = [:]
    /// Output of silent requests is dropped.
    private var muted = false
    /// Per stream: how many characters the line being written holds (see ``erasingLines``).
    private var lineWidths: [String: Int] = [:]
    private let publish: (_ name: String, _ text: String, _ parent: JSONObject) -> Void

    static let batchBytes = 64 << 10

    init(publish: @escaping (_ name: String, _ text: String, _ parent: JSONObject) -> Void) {
        self.publish = publish
    }

    /// Starts the output of a request: later text is sent with `parent` as its parent header.
    func begin(parent: JSONObject, muted: Bool) {
        flush()
        lock.lock()
        self.parent = parent
        self.muted = muted
        lock.unlock()
    }

    func write(_ name: String, _ text: String) {
        guard !text.isEmpty else { return }
        lock.lock()
        if muted { lock.unlock(); return }
        var width = lineWidths[name] ?? 0
        let text = OutputStreams.erasingLines(text, width: &width)
        lineWidths[name] = width
        if let last = pending.last, last.name == name {
            pending[pending.count - 1].text += text
        } else {
            pending.append((name, text))
        }
        pendingBytes += text.utf8.count
        let full = pendingBytes >= OutputStreams.batchBytes
        lock.unlock()
        if full { flush() }
    }

    /// Jupyter front ends rewrite a line after `\r` character by character but ignore the
    /// terminal's erase-to-end-of-line (`ESC [K`), so a shorter redraw of a progress line would
    /// leave the tail of the longer one (`done` over `12 ms left` reads `donems left`). Each
    /// `\r ESC[K` becomes `\r`, and the text after it is padded with spaces to the width the
    /// line had. `width` carries the current line's width from one write to the next.
    static func erasingLines(_ text: String, width: inout Int) -> String {
        let erase = "\r\u{1B}[K"
        guard text.contains(erase) else {
            measure(Substring(text), width: &width)
            return text
        }
        let pieces = text.components(separatedBy: erase)
        var out = pieces[0]
        measure(Substring(pieces[0]), width: &width)
        for piece in pieces.dropFirst() {
            let end = piece.firstIndex { $0 == "\n" || $0 == "\r" } ?? piece.endIndex
            let drawn = piece[..<end].count
            out += "\r" + piece[..<end] + String(repeating: " ", count: max(0, width - drawn)) + piece[end...]
            // The cursor now stands after the padding: the line is as wide as before, or wider.
            width = max(width, drawn)
            measure(piece[end...], width: &width)
        }
        return out
    }

    /// Updates `width` for `text` written at the end of the line: a newline starts an empty
    /// line; other characters widen it (a bare `\r` moves back, but the line keeps its width).
    private static func measure(_ text: Substring, width: inout Int) {
        var column = width
        for ch in text {
            switch ch {
            case "\n": width = 0; column = 0
            case "\r": column = 0
            default:
                column += 1
                width = max(width, column)
            }
        }
    }

    /// Sends what is waiting.
    func flush() {
        sendLock.lock()
        defer { sendLock.unlock() }
        lock.lock()
        let batch = pending, parent = self.parent
        pending = []
        pendingBytes = 0
        lock.unlock()
        for (name, text) in batch { publish(name, text, parent) }
    }
}
