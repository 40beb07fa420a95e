@preconcurrency import CReadline
import CMCLRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Line editing on GNU readline through its callback interface: the reader waits with
/// `poll` on the terminal and on a self-pipe written by the SIGINT handler, so Ctrl-C at the
/// prompt abandons the line without longjmp, and Ctrl-C while a cell runs only sets the
/// cooperative `Interrupt` flag.
final class LineReader {
    enum Input: Equatable {
        case line(String)
        case endOfInput
        case interrupted
    }

    /// State shared with C callbacks (readline and the signal handler take no context).
    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var received: Input?
    nonisolated(unsafe) static var interruptPipe: (read: Int32, write: Int32) = (-1, -1)
    nonisolated(unsafe) static var breakCharacters: UnsafeMutablePointer<CChar>?
    /// The terminal's settings before readline changed them, restored on SIGTERM and SIGHUP.
    nonisolated(unsafe) static var savedTerminal: termios?

    static let defaultBreaks = " \t\n\"'`@$><=;|&{([,:+-*/%!.)]}"

    init(history: [String], historyLimit: Int) {
        rl_readline_name = UnsafePointer(strdup("cmcl"))
        rl_catch_signals = 0
        rl_catch_sigwinch = 1
        rl_getc_function = LineReader.getCharacter
        rl_attempted_completion_function = LineReader.attemptCompletion
        rl_completion_word_break_hook = LineReader.wordBreaks
        rl_completer_word_break_characters = UnsafePointer(strdup(LineReader.defaultBreaks))
        rl_basic_word_break_characters = UnsafePointer(strdup(LineReader.defaultBreaks))
        rl_sort_completion_matches = 0
        // Quotes are the completer's business (it closes a string after a unique file).
        rl_basic_quote_characters = UnsafePointer(strdup(""))
        using_history()
        stifle_history(Int32(clamping: historyLimit))
        for entry in history { add_history(entry) }
        LineReader.installInterruptHandler()
    }

    /// Adds a cell to the in-memory history (the caller persists it).
    func remember(_ entry: String) {
        add_history(entry)
    }

    /// Reads one line with `prompt` (which may contain ANSI colours).
    func read(prompt: String) -> Input {
        LineReader.drainInterrupts()
        Interrupt.clear()
        LineReader.received = nil
        rl_callback_handler_install(LineReader.readlinePrompt(prompt), LineReader.lineHandler)
        while LineReader.received == nil {
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: LineReader.interruptPipe.read, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            if fds[1].revents != 0 {
                LineReader.drainInterrupts()
                if Interrupt.isRequested {
                    Interrupt.clear()
                    abandonLine()
                    return .interrupted
                }
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP) != 0 {
                rl_callback_read_char()
            } else if fds[0].revents & Int16(POLLERR | POLLNVAL) != 0 {
                rl_callback_handler_remove()
                return .endOfInput
            }
        }
        return LineReader.received ?? .endOfInput
    }

    /// Ctrl-C at the prompt: clear the line, show `^C`, leave readline for a fresh prompt.
    private func abandonLine() {
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_point = rl_end
        rl_redisplay()
        rl_replace_line("", 0)
        rl_callback_handler_remove()
        fputs("^C\n", stdout)
        fflush(stdout)
    }

    // MARK: C callbacks

    static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { raw in
        if let raw {
            LineReader.received = .line(String(cString: raw))
            free(raw)
        } else {
            LineReader.received = .endOfInput
            fputs("\n", stdout)
        }
        rl_callback_handler_remove()
    }

    /// readline's key reader. A Ctrl-C can flush the terminal's input after `poll` reported
    /// it readable; a blocking read would then hang, so this waits on the terminal and the
    /// interrupt pipe together and answers a harmless NUL (set-mark) to hand control back to
    /// the loop in `read(prompt:)`, which abandons the line.
    static let getCharacter: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
        while true {
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: LineReader.interruptPipe.read, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return EOF
            }
            if fds[1].revents != 0 {
                if Interrupt.isRequested { return 0 }
                LineReader.drainInterrupts()
            }
            if fds[0].revents != 0 {
                var c: UInt8 = 0
                let n = Glibc.read(0, &c, 1)
                if n == 1 { return Int32(c) }
                if n == 0 { return EOF }
                if errno == EINTR || errno == EAGAIN { continue }
                return EOF
            }
        }
    }

    static let attemptCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { _, start, end in
        rl_attempted_completion_over = 1
        rl_completion_suppress_append = 1
        guard let completer = LineReader.completer, let buffer = rl_line_buffer else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                              count: Int(rl_end)))
        let line = String(decoding: bytes, as: UTF8.self)
        let completion = completer.complete(line, cursor: Int(rl_point))
        let texts = LineReader.reconcile(completion, bytes: bytes, readlineStart: Int(start))
        guard !texts.isEmpty else { return nil }
        var matches = texts
        if matches.count == 1 {
            matches[0] += completion.suffixIfUnique
        } else {
            matches.insert(LineReader.commonPrefix(texts), at: 0)
        }
        guard let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (matches.count + 1)) else {
            return nil
        }
        let out = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: matches.count + 1)
        for (i, m) in matches.enumerated() { out[i] = strdup(m) }
        out[matches.count] = nil
        return out
    }

    /// Makes readline's idea of the word start agree with the completer's, when a single
    /// break character can express it (a quote before a path, a space before a command argument).
    static let wordBreaks: @convention(c) () -> UnsafeMutablePointer<CChar>? = {
        guard let completer = LineReader.completer, let buffer = rl_line_buffer else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                              count: Int(rl_end)))
        let point = max(0, min(Int(rl_point), bytes.count))
        let start = completer.wordStart(String(decoding: bytes, as: UTF8.self), cursor: point)
        let word = bytes[min(start, point)..<point]
        var breaks = LineReader.defaultBreaks
        if start > 0, start <= point, !word.contains(bytes[start - 1]) {
            breaks = String(decoding: [bytes[start - 1]], as: UTF8.self)
        } else if start == 0 {
            breaks = String(" \t\n\u{1}".unicodeScalars.filter { !word.contains(UInt8($0.value)) }.map(Character.init))
        }
        free(LineReader.breakCharacters)
        LineReader.breakCharacters = strdup(breaks)
        return LineReader.breakCharacters
    }

    /// Candidates re-expressed for the word readline replaces (from `readlineStart` to the cursor).
    static func reconcile(_ completion: Completion, bytes: [UInt8], readlineStart: Int) -> [String] {
        let lower = max(0, min(completion.range.lowerBound, bytes.count))
        let rs = max(0, min(readlineStart, bytes.count))
        var out: [String] = []
        for c in completion.candidates {
            var t = Array(c.text.utf8)
            if lower < rs {
                let pre = Array(bytes[lower..<rs])
                guard t.starts(with: pre) else { continue }
                t.removeFirst(pre.count)
            } else if lower > rs {
                t = Array(bytes[rs..<lower]) + t
            }
            out.append(String(decoding: t, as: UTF8.self))
        }
        return out
    }

    static func commonPrefix(_ texts: [String]) -> String {
        guard var prefix = texts.first.map({ Array($0.utf8) }) else { return "" }
        for t in texts.dropFirst() {
            let b = Array(t.utf8)
            var n = 0
            while n < prefix.count, n < b.count, prefix[n] == b[n] { n += 1 }
            prefix.removeLast(prefix.count - n)
        }
        // Do not split a multi-byte character.
        var lead = prefix.count
        while lead > 0, prefix[lead - 1] & 0xC0 == 0x80 { lead -= 1 }
        if lead > 0, prefix[lead - 1] >= 0xC0 {
            let b = prefix[lead - 1]
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            if prefix.count - (lead - 1) < length { prefix.removeLast(prefix.count - (lead - 1)) }
        }
        return String(decoding: prefix, as: UTF8.self)
    }

    // MARK: Signals

    static func installInterruptHandler() {
        if interruptPipe.read < 0 {
            var fds: [Int32] = [0, 0]
            if pipe(&fds) == 0 {
                for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
                interruptPipe = (fds[0], fds[1])
            }
        }
        // No SA_RESTART: a read blocked on the terminal returns EINTR on Ctrl-C.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            Interrupt.request()
            var byte: UInt8 = 1
            _ = write(LineReader.interruptPipe.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)

        // SIGTERM and SIGHUP: history is already on disk (each cell is appended when it is
        // entered); give the terminal back its settings and end as the signal asks.
        var settings = termios()
        if tcgetattr(0, &settings) == 0 { savedTerminal = settings }
        var ending = sigaction()
        ending.__sigaction_handler.sa_handler = { signal in
            if var settings = LineReader.savedTerminal { tcsetattr(0, TCSANOW, &settings) }
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
        }
        sigemptyset(&ending.sa_mask)
        ending.sa_flags = 0
        sigaction(SIGTERM, &ending, nil)
        sigaction(SIGHUP, &ending, nil)
    }

    static func drainInterrupts() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while Glibc.read(interruptPipe.read, &buffer, buffer.count) > 0 {}
    }

    /// Marks ANSI escape sequences as invisible (`\001…\002`) so readline measures the prompt right.
    static func readlinePrompt(_ prompt: String) -> String {
        var out = ""
        var inEscape = false
        for ch in prompt.unicodeScalars {
            if ch == "\u{1B}" {
                out += "\u{1}"
                inEscape = true
            }
            out.unicodeScalars.append(ch)
            if inEscape, ch == "m" {
                out += "\u{2}"
                inEscape = false
            }
        }
        return out
    }
}
