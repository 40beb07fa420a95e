import CLibCrypto

/// HMAC-SHA256 signatures of Jupyter messages (OpenSSL's libcrypto), with the key of the
/// connection file. An empty key means messages are not signed (the protocol allows it).
///
///     let signer = MessageSigner(key: Array("secret".utf8))
///     let hex = signer.signature([header, parent, metadata, content])
///     signer.verify(hex, [header, parent, metadata, content])   // true
struct MessageSigner: Sendable {
    let key: [UInt8]

    var isSigning: Bool { !key.isEmpty }

    /// The lowercase hex HMAC-SHA256 of the parts, in order.
    func signature(_ parts: [[UInt8]]) -> String {
        guard isSigning else { return "" }
        var data: [UInt8] = []
        data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { data += part }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, &digest, &length)
            }
        }
        return MessageSigner.hex(digest.prefix(Int(length)))
    }

    /// Whether `signature` (hex, as received) signs the parts; compared in constant time.
    func verify(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard isSigning else { return true }
        let expected = Array(self.signature(parts).utf8)
        guard signature.count == expected.count else { return false }
        return signature.withUnsafeBytes { a in
            expected.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
