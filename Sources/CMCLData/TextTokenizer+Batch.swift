import Foundation

/// Shares an output buffer with `DispatchQueue.concurrentPerform`; each index is written once.
struct SendableBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

extension TextTokenizer {
    /// Encodes many texts (or pairs) on all cores; the result is in input order and identical
    /// to calling ``encode(_:_:maxLength:padToMaxLength:)`` on each.
    ///
    /// ```swift
    /// let encodings = tok.encodeBatch(sentences.map { ($0, nil) }, maxLength: 128)
    /// ```
    public func encodeBatch(_ inputs: [(String, String?)], maxLength: Int? = nil,
                            padToMaxLength: Bool = false) -> [Encoding] {
        let n = inputs.count
        guard n > 64 else { return inputs.map { encode($0.0, $0.1, maxLength: maxLength, padToMaxLength: padToMaxLength) } }
        let output = UnsafeMutablePointer<Encoding>.allocate(capacity: n)
        let buffer = SendableBuffer(base: output)
        let chunks = Swift.min(n, ProcessInfo.processInfo.activeProcessorCount * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lo = chunk * n / chunks, hi = (chunk + 1) * n / chunks
            for i in lo..<hi {
                (buffer.base + i).initialize(to: encode(inputs[i].0, inputs[i].1, maxLength: maxLength,
                                                        padToMaxLength: padToMaxLength))
            }
        }
        let result = Array(UnsafeBufferPointer(start: output, count: n))
        output.deinitialize(count: n)
        output.deallocate()
        return result
    }
}
