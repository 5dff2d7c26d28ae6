import Foundation
import Testing
@testable import SpiceCodecs

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// A binary PPM (P6, maxval 255): width, height and the RGB bytes.
    static func ppm(_ name: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let d = try bytes(name)
        var fields: [String] = []
        var i = 0
        while fields.count < 4 {
            while d[i] == 0x20 || d[i] == 0x0A || d[i] == 0x0D || d[i] == 0x09 { i += 1 }
            var field = ""
            while !(d[i] == 0x20 || d[i] == 0x0A || d[i] == 0x0D || d[i] == 0x09) {
                field.append(Character(UnicodeScalar(d[i])))
                i += 1
            }
            fields.append(field)
        }
        i += 1
        #expect(fields[0] == "P6" && fields[3] == "255")
        return (Int(fields[1])!, Int(fields[2])!, Array(d[i...]))
    }
}

@Suite struct QuicGoldenTests {
    /// A QUIC stream from the reference spice-server (QEMU, image-compression=quic), decoded by
    /// us, equals what spice-gtk's spicy-screenshot decoded from the same connection.
    @Test func qemuSeaBIOSScreenMatchesSpiceGtk() throws {
        let stream = try Fixtures.bytes("qemu-seabios-720x400-rgb32.quic")
        let expected = try Fixtures.ppm("qemu-seabios-720x400-spicy-screenshot.ppm")
        let image = try Quic.decode(stream)
        #expect(image.format == .rgb32 && image.width == expected.width && image.height == expected.height)
        var rgb = [UInt8]()
        rgb.reserveCapacity(image.width * image.height * 3)
        for p in 0..<(image.width * image.height) {
            rgb += [image.data[4 * p + 2], image.data[4 * p + 1], image.data[4 * p]]
        }
        #expect(rgb == expected.rgb)
        #expect(rgb.contains { $0 != 0 })  // the BIOS text is there, not a black frame
        // Re-encoding gives a stream the reference server could have sent: same pixels back.
        #expect(try Quic.decode(Quic.encode(image)).data == image.data)
    }

    static let referenceStreams: [(String, PixelFormat, Int, Int)] = [
        ("ref-gray-97x61", .gray8, 97, 61), ("ref-rgb16-97x61", .rgb16, 97, 61),
        ("ref-rgb24-97x61", .rgb24, 97, 61), ("ref-rgb32-97x61", .rgb32, 97, 61),
        ("ref-rgba-97x61", .rgba, 97, 61), ("ref-rgb32-2100x3", .rgb32, 2100, 3),
    ]

    /// Streams from spice-common's own encoder: we decode them to the original pixels and our
    /// encoder produces them bit for bit.
    @Test(arguments: referenceStreams)
    func referenceEncoderStreams(name: String, format: PixelFormat, width: Int, height: Int) throws {
        let stream = try Fixtures.bytes(name + ".quic")
        let raw = try Fixtures.bytes(name + ".raw")
        let decoded = try Quic.decode(stream)
        #expect(decoded.format == format && decoded.width == width && decoded.height == height)
        #expect(decoded.data == raw)
        let source = PixelImage(width: width, height: height, format: format, data: raw)
        #expect(try Quic.encode(source) == stream)
    }

    /// The reference RGB32 and RGBA streams decoded into rows of a wider buffer (as into a
    /// surface) give the same pixels (RGB32's X byte 0 over what was there), leave the bytes
    /// beside the rows alone, and other types refuse that way.
    @Test(arguments: ["ref-rgb32-97x61", "ref-rgba-97x61", "ref-rgb32-2100x3"])
    func decodeIntoStridedRows(name: String) throws {
        let stream = try Fixtures.bytes(name + ".quic")
        let expected = try Quic.decode(stream)
        let stride = expected.width * 4 + 12
        var rows = [UInt8](repeating: 0xA5, count: stride * expected.height)
        try stream.withUnsafeBytes { raw in
            let header = try Quic.header(raw)
            #expect(header.width == expected.width && header.height == expected.height && header.format == expected.format)
            try rows.withUnsafeMutableBytes { try Quic.decode(raw, header, into: $0.baseAddress!, stride: stride) }
        }
        for y in 0..<expected.height {
            let row = Array(rows[(y * stride)..<(y * stride + expected.width * 4)])
            #expect(row == Array(expected.data[(y * expected.width * 4)..<((y + 1) * expected.width * 4)]))
            #expect(rows[(y * stride + expected.width * 4)..<((y + 1) * stride)].allSatisfy { $0 == 0xA5 })
            if expected.format == .rgb32 {
                // Nothing zeroes the rows first: every pixel's store must write its X byte.
                #expect(Swift.stride(from: 3, to: row.count, by: 4).allSatisfy { row[$0] == 0 })
            }
        }
    }

    @Test func decodeIntoRowsRefusesOtherTypesAndShortStrides() throws {
        for name in ["ref-rgb24-97x61", "ref-gray-97x61", "ref-rgb16-97x61"] {
            let stream = try Fixtures.bytes(name + ".quic")
            var rows = [UInt8](repeating: 0, count: 97 * 61 * 4)
            #expect(throws: CodecError.self) {
                try stream.withUnsafeBytes { raw in
                    try rows.withUnsafeMutableBytes { try Quic.decode(raw, Quic.header(raw), into: $0.baseAddress!, stride: 97 * 4) }
                }
            }
        }
        let rgb32 = try Fixtures.bytes("ref-rgb32-97x61.quic")
        var rows = [UInt8](repeating: 0, count: 97 * 61 * 4)
        #expect(throws: CodecError.self) {
            try rgb32.withUnsafeBytes { raw in
                try rows.withUnsafeMutableBytes { try Quic.decode(raw, Quic.header(raw), into: $0.baseAddress!, stride: 96 * 4) }
            }
        }
    }
}
