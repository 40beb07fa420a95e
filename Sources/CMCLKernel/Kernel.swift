import CZeroMQ
import CMCLData
import CMCLLang
import CMCLRepl
import CMCLRuntime
import Foundation

/// A Jupyter kernel for cmcl (messaging protocol 5.3 over ZeroMQ), running cells in the same
/// `ReplSession` the terminal REPL uses.
///
///     let kernel = try Kernel(connectionFile: "kernel-1234.json")
///     return kernel.run()      // serves until shutdown_request or until the parent dies
///
/// Threads: the calling thread serves the shell channel and runs cells; the heartbeat echoes
/// on its own thread (so it answers during a long `fit`); the control thread answers
/// `interrupt_request`, `shutdown_request` and `kernel_info_request` while a cell runs, and
/// checks that the parent process is alive; a flusher thread sends printed text every 50 ms.
/// IOPub is the one socket several threads send on, under `iopubLock`.
public final class Kernel: @unchecked Sendable {
    let connection: ConnectionInfo
    let signer: MessageSigner
    /// This kernel's session id (every message header carries it).
    let session = UUID().uuidString.lowercased()
    let context: ZMQContext
    let shell, control, stdin, iopub, heartbeat: ZMQSocket
    private let iopubLock = NSLock()
    let vm: Interpreter
    var repl: ReplSession!
    var streams: OutputStreams!
    let history: KernelHistory
    /// Whether the parent process (the Jupyter server) is gone; the kernel then exits.
    let parentIsGone = Kernel.parentWatch()
    /// Diagnostics and `:` command failures of the running request, as the REPL renders them.
    var errorText = ""
    /// When set, the session's output is gathered here instead of being sent (`inspect`, pager).
    var capture: String?
    /// The request whose outputs are being produced.
    var currentParent: JSONObject = [:]

    /// Where the kernel logs (standard error, which the Jupyter server shows in its log).
    let log: @Sendable (String) -> Void = { line in
        var text = "cmcl kernel: " + line + "\n"
        text.withUTF8 { if let b = $0.baseAddress { _ = write(2, b, $0.count) } }
    }

    public init(connectionFile: String) throws {
        connection = try ConnectionInfo.read(path: connectionFile)
        signer = MessageSigner(key: Array(connection.key.utf8))
        context = try ZMQContext()
        shell = try ZMQSocket(context, type: ZMQ_ROUTER)
        control = try ZMQSocket(context, type: ZMQ_ROUTER)
        stdin = try ZMQSocket(context, type: ZMQ_ROUTER)
        iopub = try ZMQSocket(context, type: ZMQ_PUB)
        heartbeat = try ZMQSocket(context, type: ZMQ_ROUTER)
        try shell.bind(connection.address(connection.shellPort))
        try control.bind(connection.address(connection.controlPort))
        try stdin.bind(connection.address(connection.stdinPort))
        try iopub.bind(connection.address(connection.iopubPort))
        try heartbeat.bind(connection.address(connection.hbPort))
        vm = Interpreter.session()
        history = KernelHistory(path: HistoryFile.defaultPath(), limit: HistoryFile.defaultLimit())
        streams = OutputStreams { [unowned self] name, text, parent in
            self.publish("stream", ["name": .string(name), "text": .string(text)], parent: parent)
        }
        // Training progress updates one line in place (carriage returns), as on a terminal.
        vm.outputIsTerminal = false
        repl = ReplSession(interpreter: vm, color: true, output: { [unowned self] text in
            if self.capture != nil { self.capture! += text } else { self.streams.write("stdout", text) }
        }, error: { [unowned self] text in
            self.errorText += text
        })
        vm.errorOutput = { [unowned self] text in
            if self.capture != nil { self.capture! += text } else { self.streams.write("stderr", text) }
        }
        vm.errorIsTerminal = true
        repl.presentValue = { [unowned self] value, number in
            self.streams.flush()
            self.publish("execute_result", ["execution_count": .number(Double(number)),
                                            "data": .object(KernelDisplay.bundle(value)), "metadata": [:]],
                         parent: self.currentParent)
            self.history.setOutput(Display.render(value, .repl), line: number)
        }
        repl.presentRich = { [unowned self] rich in
            self.streams.flush()
            self.publish("display_data", ["data": .object(KernelDisplay.bundle(rich: rich)), "metadata": [:],
                                          "transient": [:]], parent: self.currentParent)
        }
        history.onProblem = log
        history.load()
    }

    // MARK: Serving

    /// Serves until a shutdown request; returns the exit code.
    public func run() -> Int32 {
        Kernel.installInterruptHandler()
        startThread("heartbeat") { [heartbeat] in zmqEcho(heartbeat) }
        startThread("control") { [unowned self] in self.serveControl() }
        startThread("flusher") { [unowned self] in
            while true {
                usleep(50_000)
                self.streams.flush()
            }
        }
        publish("status", ["execution_state": .string("starting")], parent: [:])
        // One call per turn: with the loop's body written inline in a `while true`, Swift 6.3's
        // release optimizer spent many minutes on this file.
        while serveShell() {}
        return 0
    }

    /// Answers what waits on the shell channel; false when the kernel should stop.
    private func serveShell() -> Bool {
        do {
            let ready = try ZMQSocket.poll([shell, stdin], timeout: 1000)
            if ready[1] { _ = try stdin.receive() }  // replies to input requests never sent
            if ready[0], let frames = try shell.receive() { handle(frames, on: shell) }
        } catch {
            log("shell: \(error)")
            usleep(100_000)
        }
        return true
    }

    private func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "cmcl-kernel-\(name)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Ctrl-C semantics of the REPL: the running cell stops at the next check (a `fit` after
    /// its current step, with the model kept), and the kernel lives on.
    static func installInterruptHandler() {
        signal(SIGINT) { _ in Interrupt.request() }
    }

    private func serveControl() {
        while true {
            do {
                if let frames = try control.receive(timeout: 500) {
                    handle(frames, on: control)
                } else if parentIsGone() {
                    log("the parent process is gone; exiting")
                    _exit(0)
                }
            } catch {
                log("control: \(error)")
                usleep(100_000)
            }
        }
    }

    /// The kernel exits when its parent process changes (the parent died and the kernel was
    /// handed to init), or when the process jupyter_client names in `JPY_PARENT_PID` (the
    /// server) is gone. The second covers a server that died before the kernel started
    /// watching (a loaded machine) and one that died but is not reaped yet (a zombie).
    static func parentWatch() -> @Sendable () -> Bool {
        let parent = getppid()
        let named = ProcessInfo.processInfo.environment["JPY_PARENT_PID"].flatMap { pid_t($0) }.flatMap { $0 > 1 ? $0 : nil }
        return { getppid() != parent || named.map(isGone) == true }
    }

    /// Whether process `pid` no longer runs: it does not exist, or it is a zombie.
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: end)...].split(separator: " ").first == "Z"
    }

    /// Reads, verifies and answers one request received on `socket`.
    func handle(_ frames: [[UInt8]], on socket: ZMQSocket) {
        let request: KernelMessage
        do {
            request = try KernelMessage.decode(frames, signer: signer)
        } catch {
            log("dropped a message on \(socket === control ? "control" : "shell"): \(error)")
            return
        }
        let isControl = socket === control
        if !isControl { publish("status", ["execution_state": .string("busy")], parent: request.header) }
        defer { if !isControl { publish("status", ["execution_state": .string("idle")], parent: request.header) } }
        switch request.type {
        case "kernel_info_request": reply(request, on: socket, content: kernelInfo)
        case "shutdown_request": shutdown(request, on: socket)
        case "interrupt_request":
            Interrupt.request()
            reply(request, on: socket, content: ["status": "ok"])
        case _ where isControl:
            // Only the requests above may run beside a cell; others on control are refused.
            reply(request, on: socket, content: Kernel.errorContent("UnsupportedRequest",
                  "\(request.type) is not answered on the control channel"))
        case "execute_request": execute(request)
        case "complete_request": reply(request, on: socket, content: complete(request.content))
        case "inspect_request": reply(request, on: socket, content: inspect(request.content))
        case "is_complete_request": reply(request, on: socket, content: isComplete(request.content))
        case "history_request": reply(request, on: socket, content: history.reply(request.content))
        case "comm_info_request": reply(request, on: socket, content: ["status": "ok", "comms": [:]])
        case "comm_open", "comm_msg", "comm_close": comm(request)
        default:
            log("unknown message type `\(request.type)`; answered with an error")
            let replyType = request.type.hasSuffix("_request") ? String(request.type.dropLast(8)) + "_reply" : request.type + "_reply"
            reply(request, on: socket, type: replyType,
                  content: Kernel.errorContent("UnknownMessageType", "cmcl does not handle `\(request.type)` messages"))
        }
    }

    /// cmcl registers no comm targets (no widgets), so no comm is ever open: a `comm_open` is
    /// answered with a `comm_close` on IOPub, as ipykernel answers one for an unknown target;
    /// `comm_msg` and `comm_close` name a comm that does not exist and are logged and ignored.
    /// Comm messages get no reply on the shell channel (the protocol defines none).
    private func comm(_ request: KernelMessage) {
        let id = request.content["comm_id"]?.string
        guard let id else { return log("\(request.type) without a string comm_id; ignored") }
        if request.type == "comm_open" {
            let target = request.content["target_name"]?.string ?? "?"
            log("comm_open for target `\(target)`, which cmcl does not have; closing comm \(id)")
            publish("comm_close", ["comm_id": .string(id), "data": [:]], parent: request.header)
        } else {
            log("\(request.type) for comm \(id), which is not open; ignored")
        }
    }

    var kernelInfo: JSONObject {
        var language = JSONObject()
        language["name"] = .string("cmcl")
        language["version"] = .string(Version.number)
        language["mimetype"] = .string("text/x-cmcl")
        language["file_extension"] = .string(".cmcl")
        // `#` comments, strings, numbers, and/or/not: Python's highlighters read cmcl well.
        language["pygments_lexer"] = .string("python")
        language["codemirror_mode"] = .string("python")
        var info = JSONObject()
        info["status"] = .string("ok")
        info["protocol_version"] = .string(KernelMessage.protocolVersion)
        info["implementation"] = .string("cmcl")
        info["implementation_version"] = .string(Version.number)
        info["language_info"] = .object(language)
        info["banner"] = .string(Repl.banner.trimmingCharacters(in: .newlines))
        info["debugger"] = .bool(false)
        info["help_links"] = .array([])
        return info
    }

    static func errorContent(_ name: String, _ value: String, traceback: [String]? = nil) -> JSONObject {
        ["status": "error", "ename": .string(name), "evalue": .string(value),
         "traceback": .array((traceback ?? [value]).map { .string($0) })]
    }

    private func shutdown(_ request: KernelMessage, on socket: ZMQSocket) {
        let restart = request.content["restart"] == .bool(true)
        let content: JSONObject = ["status": "ok", "restart": .bool(restart)]
        reply(request, on: socket, content: content)
        publish("shutdown_reply", content, parent: request.header)
        streams.flush()
        log("shutting down\(restart ? " (the front end restarts the kernel)" : "")")
        // Let the I/O thread deliver the replies; the front end starts a new process to restart.
        usleep(100_000)
        _exit(0)
    }

    // MARK: Sending

    func reply(_ request: KernelMessage, on socket: ZMQSocket, type: String? = nil, content: JSONObject) {
        let type = type ?? (request.type.hasSuffix("_request") ? String(request.type.dropLast(8)) + "_reply" : request.type + "_reply")
        let message = KernelMessage(identities: request.identities, header: KernelMessage.header(type: type, session: session),
                                    parentHeader: request.header, content: content)
        do { try socket.send(message.encode(signer: signer)) } catch { log("cannot send \(type): \(error)") }
    }

    func publish(_ type: String, _ content: JSONObject, parent: JSONObject) {
        let topic = Array("kernel.\(session).\(type)".utf8)
        let message = KernelMessage(identities: [topic], header: KernelMessage.header(type: type, session: session),
                                    parentHeader: parent, content: content)
        let frames = message.encode(signer: signer)
        iopubLock.lock()
        defer { iopubLock.unlock() }
        do { try iopub.send(frames) } catch { log("cannot publish \(type): \(error)") }
    }
}
