import CMCLData
@testable import CMCLKernel
import XCTest

final class MessageTests: XCTestCase {
    func testHMACMatchesRFC4231() {
        // RFC 4231, test case 2, split into parts: the signature covers their concatenation.
        let signer = MessageSigner(key: Array("Jefe".utf8))
        let parts = ["what do ya ", "want ", "for nothing?", ""].map { Array($0.utf8) }
        XCTAssertEqual(signer.signature(parts), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertTrue(signer.verify(Array(signer.signature(parts).utf8), parts))
        XCTAssertFalse(signer.verify(Array(String(repeating: "0", count: 64).utf8), parts))
        XCTAssertFalse(signer.verify(Array("short".utf8), parts))
    }

    func testEmptyKeyDoesNotSign() {
        let signer = MessageSigner(key: [])
        XCTAssertEqual(signer.signature([[1, 2]]), "")
        XCTAssertTrue(signer.verify([], [[1, 2]]))
    }

    func testRoundTripAndRejections() throws {
        let signer = MessageSigner(key: Array("k".utf8))
        let message = KernelMessage(identities: [[9, 9]], header: KernelMessage.header(type: "execute_request", session: "s"),
                                    content: ["code": "1 + 1"])
        let frames = message.encode(signer: signer)
        let decoded = try KernelMessage.decode(frames, signer: signer)
        XCTAssertEqual(decoded.type, "execute_request")
        XCTAssertEqual(decoded.identities, [[9, 9]])
        XCTAssertEqual(decoded.content["code"]?.string, "1 + 1")

        var tampered = frames
        tampered[tampered.count - 1] = Array(#"{"code": "2"}"#.utf8)
        XCTAssertThrowsError(try KernelMessage.decode(tampered, signer: signer))
        XCTAssertThrowsError(try KernelMessage.decode(Array(frames.prefix(4)), signer: signer))
        XCTAssertThrowsError(try KernelMessage.decode([[1], [2]], signer: signer))
        // Signed, but the content is not JSON.
        var parts = Array(frames.suffix(4))
        parts[3] = [0xFF, 0xFE]
        let resigned = [KernelMessage.delimiter, Array(signer.signature(parts).utf8)] + parts
        XCTAssertThrowsError(try KernelMessage.decode(resigned, signer: signer))
    }

    func testHeaderHasEveryRequiredField() {
        let h = KernelMessage.header(type: "status", session: "abc")
        for key in ["msg_id", "username", "session", "date", "msg_type", "version"] { XCTAssertNotNil(h[key], key) }
        XCTAssertEqual(h["version"]?.string, "5.3")
        XCTAssertNotNil(h["date"]?.string?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression))
    }

    func testConnectionFileAddresses() throws {
        let json = try JSONValue.parse(text: #"{"transport": "tcp", "ip": "127.0.0.1", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "x", "signature_scheme": "hmac-sha256"}"#)
        let info = try ConnectionInfo(json: json)
        XCTAssertEqual(info.address(info.hbPort), "tcp://127.0.0.1:5")
        XCTAssertThrowsError(try ConnectionInfo(json: try JSONValue.parse(text: #"{"shell_port": "x"}"#)))
        let md5 = try JSONValue.parse(text: #"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "x", "signature_scheme": "hmac-md5"}"#)
        XCTAssertThrowsError(try ConnectionInfo(json: md5))
    }

    func testLogoIsAPNG() {
        let png = KernelLogo.png(size: 32)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // CRC-32 of "IEND" with no data is the well-known AE 42 60 82.
        XCTAssertEqual(Array(png.suffix(4)), [0xAE, 0x42, 0x60, 0x82])
        XCTAssertEqual(KernelLogo.crc32(Array("123456789".utf8)), 0xCBF4_3926)
    }

    func testPageRequestsAndNames() {
        XCTAssertEqual(Kernel.pageRequest("print?"), "print")
        XCTAssertEqual(Kernel.pageRequest("?Tensor.sum"), "Tensor.sum")
        XCTAssertNil(Kernel.pageRequest("1 + 1"))
        XCTAssertNil(Kernel.pageRequest("a ? b"))
        XCTAssertEqual(Kernel.name(in: "x = pri(1)", at: 7), "pri")
        XCTAssertEqual(Kernel.name(in: "cfg.epochs", at: 10), "cfg.epochs")
        XCTAssertEqual(Kernel.utf8Offset("é1", codePoint: 1), 2)
        XCTAssertEqual(Kernel.codePoint("é1", utf8Offset: 2), 1)
    }
}

final class DisplayTests: XCTestCase {
    func testSeveralSVGsBecomeOneDocument() {
        let one = #"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect/></svg>"#
        XCTAssertEqual(KernelDisplay.singleSVG(one), one)
        let two = KernelDisplay.singleSVG(one + "\n" + one.replacingOccurrences(of: "360", with: "200"))
        XCTAssertTrue(two.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="560" viewBox="0 0 640 560">"#))
        XCTAssertTrue(two.contains(#"<svg x="0" y="360" xmlns="#))
        XCTAssertEqual(two.components(separatedBy: "<svg").count - 1, 3)
        XCTAssertEqual(two.components(separatedBy: "</svg>").count - 1, 3)
    }
}
