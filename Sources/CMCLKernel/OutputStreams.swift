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
