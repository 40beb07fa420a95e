import Foundation

/// Standard output and standard error written with write(2). A full disk, a closed pipe or
/// a closed descriptor on standard output ends the process with a message on standard
/// error and exit code 74, never a trap; failures to write standard error are ignored.
///
///     StandardStreams.prepare()          // first thing in main
///     StandardStreams.output("1\n")
public enum StandardStreams {
    /// The exit code when standard output cannot be written (sysexits' EX_IOERR).
    public static let outputFailureCode: Int32 = 74

    /// Ignores SIGPIPE (a closed pipe becomes an error to report, not a silent death) and
    /// puts /dev/null behind standard descriptors that are closed, so that files opened
    /// later cannot take their numbers. Closed input and output stay unusable (the
    /// placeholder is opened in the wrong direction), so using them is reported.
    public static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for (fd, mode) in [(Int32(0), O_WRONLY), (1, O_RDONLY), (2, O_WRONLY)] where fcntl(fd, F_GETFD) < 0 {
            let placeholder = open("/dev/null", mode)
            if placeholder >= 0, placeholder != fd {
                dup2(placeholder, fd)
                close(placeholder)
            }
        }
    }

    /// Writes to standard output; on failure reports it and exits with code 74.
    public static func output(_ text: String) {
        if let code = write(text, to: 1) {
            error("cmcl: cannot write to standard output: \(String(cString: strerror(code)))\n")
            exit(outputFailureCode)
        }
    }

    /// Writes to standard error, ignoring failure.
    public static func error(_ text: String) {
        _ = write(text, to: 2)
    }

    /// Writes all of `text`; returns the errno of a failure, or nil.
    static func write(_ text: String, to fd: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, base + offset, buffer.count - offset)
                if n >= 0 {
                    offset += n
                } else if errno == EINTR {
                    continue
                } else if errno == EAGAIN {
                    var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiting, 1, -1)
                } else {
                    return errno
                }
            }
            return nil
        }
    }
}
