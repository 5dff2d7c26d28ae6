import Foundation
import SpiceCodecs
import Testing

/// Streams produced by the reference encoders (QEMU 7.2 / spice-server 0.15.1), see Fixtures/README.md.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
        return [UInt8](try Data(contentsOf: url))
    }

    /// A binary PPM (P6, maxval 255): width, height, RGB bytes.
    static func ppm(_ name: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let b = try bytes(name)
        var fields: [Int] = []
        var i = 2
        while fields.count < 3 {
            while b[i] == 0x20 || b[i] == 0x0A { i += 1 }
            var v = 0
            while b[i] >= 0x30 && b[i] <= 0x39 { v = v * 10 + Int(b[i] - 0x30); i += 1 }
            fields.append(v)
        }
        return (fields[0], fields[1], Array(b[(i + 1)...]))
    }

    /// Compares a decoded 4-byte B, G, R, X image with a PPM of its top-left corner; outside
    /// the PPM the image must be black.
    static func expectMatches(_ img: PixelImage, ppm: (width: Int, height: Int, rgb: [UInt8])) {
        var mismatches = 0
        for y in 0..<img.height {
            let row = img.rowOffset(visualRow: y)
            for x in 0..<img.width {
                let p = row + x * 4
                let (b, g, r) = (img.data[p], img.data[p + 1], img.data[p + 2])
                var want: (UInt8, UInt8, UInt8) = (0, 0, 0)
                if x < ppm.width && y < ppm.height {
                    let q = (y * ppm.width + x) * 3
                    want = (ppm.rgb[q], ppm.rgb[q + 1], ppm.rgb[q + 2])
                }
                if r != want.0 || g != want.1 || b != want.2 { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }
}

@Suite struct LZGoldenTests {
    @Test func qemuLZStreamDecodesToTheScreenshot() throws {
        let stream = try Fixture.bytes("qemu-seabios-lz.bin")
        let img = try LZ.decode(stream)
        #expect(img.format == .rgb32)
        #expect(img.width == 720 && img.height == 400)
        Fixture.expectMatches(img, ppm: try Fixture.ppm("qemu-seabios-lz.ppm"))
        // Our encoder's stream of the same pixels decodes the same.
        #expect(comparable(try LZ.decode(LZ.encode(img))) == comparable(img))
    }
}

@Suite struct LZ4GoldenTests {
    /// QEMU 7.2's spice-server sends LZ4 only to a client that asks for it (PREFERRED_COMPRESSION):
    /// this payload came to `saffron shot --preferred-compression lz4`; the pixels are spicy-screenshot's.
    @Test func qemuLZ4StreamDecodesToTheScreenshot() throws {
        let stream = try Fixture.bytes("qemu-seabios-lz4.bin")
        let img = try SpiceLZ4.decode(stream, width: 720, height: 400)
        #expect(img.width == 720 && img.height == 400)
        // The next DRAW_COPY of that connection: the blinking text cursor's off phase, a 9x2
        // black cell at (0, 141); the screenshot (like the first frame) shows it on.
        let cursor = try SpiceLZ4.decode(try Fixture.bytes("qemu-seabios-lz4-cursor.bin"), width: 9, height: 2)
        #expect((0..<2).allSatisfy { y in (0..<9).allSatisfy { x in
            let p = cursor.rowOffset(visualRow: y) + x * 4
            return cursor.data[p] == 0 && cursor.data[p + 1] == 0 && cursor.data[p + 2] == 0
        } })
        Fixture.expectMatches(img, ppm: try Fixture.ppm("qemu-seabios-lz4.ppm"))
        #expect(throws: CodecError.self) { try SpiceLZ4.decode(Array(stream.dropLast(7)), width: 720, height: 400) }
    }
}

@Suite struct JPEGGoldenTests {
    /// Xspice (spice-server 0.15.1) with `--jpeg-wan-compression always`: a 200x150 crop of the
    /// corpus photo shown with ImageMagick's `display`, sent as JPEG_ALPHA; spice-gtk's pixels.
    @Test func xspiceJPEGAlphaDecodesToSpiceGtksPixels() throws {
        let fixture = try Fixture.bytes("xspice-photo-jpeg-alpha.bin")  // flags u8, jpeg_size u32 LE, data
        let jpegSize = Int(fixture[1]) | Int(fixture[2]) << 8 | Int(fixture[3]) << 16 | Int(fixture[4]) << 24
        let data = Array(fixture[5...])
        let ppm = try Fixture.ppm("xspice-photo-jpeg-alpha.ppm")
        let withAlpha = try SpiceJPEGAlpha.decode(data, jpegSize: jpegSize)
        let plain = try SpiceJPEG.decode(Array(data[..<jpegSize]))  // the JPEG part alone
        for img in [withAlpha, plain] {
            #expect(img.width == 200 && img.height == 150)
            Fixture.expectMatches(img, ppm: ppm)
        }
    }
}

@Suite struct GLZGoldenTests {
    @Test func qemuGLZStreamDecodesToTheScreenshot() throws {
        let stream = try Fixture.bytes("qemu-seabios-glz.bin")
        let window = GLZDecoderWindow()
        let img = try window.decode(stream)
        #expect(img.width == 9 && img.height == 2 && img.format == .rgb32)
        Fixture.expectMatches(img, ppm: try Fixture.ppm("qemu-seabios-glz.ppm"))
        #expect(window.retainedIDs == [0])
    }
}
