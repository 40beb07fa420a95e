import CZeroMQ
import Foundation

/// A ZeroMQ socket, closed when released. A socket is used by one thread at a time; the
/// kernel gives each channel to one thread, and guards the one shared socket (IOPub) with a lock.
///
///     let context = ZMQContext()
///     let shell = try ZMQSocket(context, type: ZMQ_ROUTER)
///     try shell.bind("tcp://127.0.0.1:5555")
///     let frames = try shell.receive()        // every frame of one multipart message
final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// The largest message accepted; larger ones make libzmq drop the sender's connection.
    static let maxMessageBytes: Int64 = 64 << 20
    /// The most frames of one message kept (the rest are read and dropped).
    static let maxFrames = 1024

    init(_ context: ZMQContext, type: Int32) throws {
        guard let h = zmq_socket(context.handle, type) else { throw ZMQError.last("zmq_socket") }
        handle = h
        var linger: Int32 = 1000
        zmq_setsockopt(h, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        var limit = ZMQSocket.maxMessageBytes
        zmq_setsockopt(h, ZMQ_MAXMSGSIZE, &limit, MemoryLayout<Int64>.size)
    }

    deinit { zmq_close(handle) }

    func bind(_ address: String) throws {
        guard zmq_bind(handle, address) == 0 else { throw ZMQError.last("bind \(address)") }
    }

    func connect(_ address: String) throws {
        guard zmq_connect(handle, address) == 0 else { throw ZMQError.last("connect \(address)") }
    }

    /// Sends `frames` as one multipart message.
    func send(_ frames: [[UInt8]]) throws {
        for (i, frame) in frames.enumerated() {
            let flags = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZMQError.last("send")
            }
        }
    }

    /// Receives one multipart message (blocking), or nil when `timeout` milliseconds passed first.
    func receive(timeout: Int = -1) throws -> [[UInt8]]? {
        if timeout >= 0, !(try poll(timeout: timeout)) { return nil }
        var frames: [[UInt8]] = []
        var more = true
        while more {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let rc = zmq_msg_recv(&message, handle, 0)
            if rc < 0 {
                if zmq_errno() == EINTR { continue }
                throw ZMQError.last("receive")
            }
            if frames.count < ZMQSocket.maxFrames {
                let size = zmq_msg_size(&message)
                if let data = zmq_msg_data(&message), size > 0 {
                    frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
                } else {
                    frames.append([])
                }
            }
            more = zmq_msg_more(&message) != 0
        }
        return frames
    }

    /// Whether a message is waiting, after at most `timeout` milliseconds (-1: forever).
    func poll(timeout: Int) throws -> Bool {
        try ZMQSocket.poll([self], timeout: timeout).first ?? false
    }

    /// Which of `sockets` have a message waiting, after at most `timeout` milliseconds.
    static func poll(_ sockets: [ZMQSocket], timeout: Int) throws -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        while true {
            let rc = zmq_poll(&items, Int32(items.count), timeout)
            if rc >= 0 { break }
            if zmq_errno() == EINTR { continue }
            throw ZMQError.last("poll")
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}

/// A ZeroMQ context: the I/O thread behind a process's sockets.
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard let h = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        handle = h
    }
}

/// Forwards every message a ROUTER socket receives back to its sender, on the calling thread,
/// until the context ends: the heartbeat (as ipykernel's `zmq.device(QUEUE, s, s)`).
func zmqEcho(_ socket: ZMQSocket) {
    zmq_proxy(socket.handle, socket.handle, nil)
}

struct ZMQError: Error, CustomStringConvertible {
    var description: String

    static func last(_ what: String) -> ZMQError {
        ZMQError(description: "\(what): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}
