/// The kernelspec's logo, drawn here and written as PNG: a blue disc with two white rings
/// (two models compared), without any image library.
///
///     let png = KernelLogo.png(size: 64)     // bytes of logo-64x64.png
enum KernelLogo {
    /// RGBA pixels, row by row.
    static func pixels(size: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size * size * 4)
        let s = Double(size)
        for y in 0..<size {
            for x in 0..<size {
                let px = (Double(x) + 0.5) / s, py = (Double(y) + 0.5) / s
                func distance(_ cx: Double, _ cy: Double) -> Double { ((px - cx) * (px - cx) + (py - cy) * (py - cy)).squareRoot() }
                let i = (y * size + x) * 4
                let disc = distance(0.5, 0.5)
                guard disc <= 0.48 else { continue }
                var rgb: (UInt8, UInt8, UInt8) = (0x2f, 0x5f, 0xb3)
                let ringA = abs(distance(0.38, 0.5) - 0.2), ringB = abs(distance(0.62, 0.5) - 0.2)
                if ringA < 0.045 { rgb = (0xff, 0xff, 0xff) } else if ringB < 0.045 { rgb = (0xf2, 0xb1, 0x34) }
                out[i] = rgb.0; out[i + 1] = rgb.1; out[i + 2] = rgb.2
                // Soft edge on the disc.
                out[i + 3] = UInt8(max(0, min(255, (0.48 - disc) * s * 255)))
            }
        }
        return out
    }

    /// A PNG file of the logo (8-bit RGBA, stored deflate blocks).
    static func png(size: Int) -> [UInt8] {
        let rgba = pixels(size: size)
        var raw: [UInt8] = []
        for y in 0..<size {
            raw.append(0)  // filter: none
            raw += rgba[(y * size * 4)..<((y + 1) * size * 4)]
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(size)) + bigEndian(UInt32(size))
        header += [8, 6, 0, 0, 0]  // 8 bits, RGBA, deflate, no filter method, no interlace
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", header)
        out += chunk("IDAT", zlibStored(raw))
        out += chunk("IEND", [])
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    /// A zlib stream of uncompressed (stored) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let last: UInt8 = offset + n == data.count ? 1 : 0
            out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
