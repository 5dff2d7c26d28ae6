import SpiceCodecs
import Testing

let lzFormats: [PixelFormat] = [.plt1LE, .plt1BE, .plt4LE, .plt4BE, .plt8, .rgb16, .rgb24, .rgb32, .rgba, .a8]
let lzSizes: [(Int, Int)] = [(1, 1), (3, 2), (31, 7), (64, 64), (300, 17)]

@Suite struct LZTests {
    @Test(arguments: lzFormats)
    func roundTripsEveryTypeSizeAndContent(format: PixelFormat) throws {
        var seed: UInt64 = 1
        for (w, h) in lzSizes {
            for content in Content.allCases {
                for topDown in [true, false] {
                    seed += 1
                    let img = makeImage(format, width: w, height: h, content: content, topDown: topDown, seed: seed)
                    let enc = try LZ.encode(img)
                    let dec = try LZ.decode(enc)
                    #expect(dec.format == format)
                    #expect(dec.width == w && dec.height == h && dec.topDown == topDown)
                    #expect(comparable(dec) == comparable(img), "\(format) \(w)x\(h) \(content) topDown=\(topDown)")
                }
            }
        }
    }

    @Test func flatImageCompresses() throws {
        let img = makeImage(.rgb32, width: 64, height: 64, content: .flat, topDown: true, seed: 3)
        let enc = try LZ.encode(img)
        #expect(enc.count * 20 < img.data.count, "flat 64x64 rgb32: \(enc.count) bytes")
        let text = makeImage(.rgb32, width: 300, height: 17, content: .text, topDown: true, seed: 3)
        #expect(try LZ.encode(text).count * 4 < text.data.count)
    }

    @Test func headerIsBigEndianAndStreamUsesBackReferences() throws {
        let img = makeImage(.rgb32, width: 64, height: 4, content: .pattern, topDown: false, seed: 9)
        let enc = try LZ.encode(img)
        #expect(Array(enc[0..<8]) == [0x20, 0x20, 0x5A, 0x4C, 0, 1, 0, 1])
        #expect(Array(enc[8..<28]) == [0, 0, 0, 8, 0, 0, 0, 64, 0, 0, 0, 4, 0, 0, 1, 0, 0, 0, 0, 0])
        #expect(enc.count < 28 + 64 * 4 * 3 / 4)
    }

    @Test func farReferencesRoundTrip() throws {
        // A random block repeated ~40000 pixels later: only a far (16-bit) distance reaches it.
        var rng = SplitMix64(seed: 77)
        let w = 200, h = 220
        var data = [UInt8](repeating: 0x40, count: w * h * 4)
        let block = (0..<(300 * 4)).map { _ in rng.byte() }
        for i in 0..<block.count { data[1000 * 4 + i] = block[i]; data[41000 * 4 + i] = block[i] }
        for i in (20000 * 4)..<(20100 * 4) { data[i] = rng.byte() }
        let img = PixelImage(width: w, height: h, format: .rgb32, data: data)
        let enc = try LZ.encode(img)
        #expect(comparable(try LZ.decode(enc)) == comparable(img))
        #expect(enc.count < 28 + 401 * 3 + 250)  // literals + long-length extension bytes (1 per 255)
        let plt = PixelImage(width: w * 4, height: h, format: .plt8, data: data)
        #expect(try LZ.decode(LZ.encode(plt)).data == data)
    }

    @Test func longMatchLengthsUseExtensionBytes() throws {
        var rng = SplitMix64(seed: 5)
        let unique = (0..<(700 * 3)).map { _ in rng.byte() }
        var data = unique + unique + unique
        data += [UInt8](repeating: 9, count: 3)
        let img = PixelImage(width: data.count / 3, height: 1, format: .rgb24, data: data)
        let enc = try LZ.encode(img)
        #expect(try LZ.decode(enc).data == data)
        #expect(enc.count < 28 + 700 * 3 + 100)
    }

    @Test func rgbaIsRGB32StreamThenAlphaStream() throws {
        let img = makeImage(.rgba, width: 31, height: 7, content: .text, topDown: true, seed: 11)
        let enc = try LZ.encode(img)
        let alpha = try LZ.encodeAlpha(img)
        #expect(alpha[11] == 10)  // XXXA
        let a = try LZ.decode(alpha)
        #expect(a.format == .a8)
        #expect(a.data == stride(from: 3, to: img.data.count, by: 4).map { img.data[$0] })
        #expect(try LZ.decode(enc).data == img.data)
        // Splitting: an RGB32 header + the colour part decodes to the colours.
        var rgb = enc
        rgb[11] = 8
        let (colour, used) = try LZ.decodePrefix(rgb)
        #expect(used < enc.count)
        #expect(comparable(colour) == comparable(PixelImage(width: 31, height: 7, format: .rgb32, data: img.data)))
    }

    @Test func strideIsRepackedAndPaletteExpands() throws {
        var img = makeImage(.plt4BE, width: 5, height: 3, content: .noise, topDown: true, seed: 2)
        let tight = img.data
        // Pad rows to 8 bytes.
        var padded = [UInt8]()
        for y in 0..<3 { padded += tight[(y * 3)..<(y * 3 + 3)] + [0xEE, 0xEE, 0xEE, 0xEE, 0xEE] }
        img = PixelImage(width: 5, height: 3, stride: 8, format: .plt4BE, data: padded)
        let pal: [UInt32] = (0..<16).map { UInt32($0) * 0x0011_1111 }
        let dec = try LZ.decode(LZ.encode(img), palette: pal)
        #expect(dec.stride == 3)
        #expect(dec.data == tight)
        #expect(dec.palette == pal)
        let rgb = try dec.expandedToRGB32()
        #expect(rgb.format == .rgb32 && rgb.data.count == 5 * 3 * 4)
        let first = Int(tight[0] >> 4), second = Int(tight[0] & 15)
        let b0 = UInt8(pal[first] & 255), b1 = UInt8(pal[second] & 255)
        #expect(rgb.data[0] == b0)
        #expect(rgb.data[4] == b1)
        #expect(try LZ.decodeToRGB32(LZ.encode(img), palette: pal) == rgb)
    }

    @Test func rgb16StreamIsBigEndian() throws {
        let img = PixelImage(width: 1, height: 1, format: .rgb16, data: [0x34, 0x12])
        let enc = try LZ.encode(img)
        #expect(Array(enc[28...]) == [0, 0x12, 0x34])
        let rgb = try LZ.decodeToRGB32(enc)
        // 0x1234 = r 4, g 17, b 20.
        let expected: [UInt8] = [165, 140, 33, 0]
        #expect(rgb.data == expected)
    }

    @Test func grayHasNoLZType() {
        #expect(throws: CodecError.self) {
            try LZ.encode(PixelImage(width: 1, height: 1, format: .gray8, data: [1]))
        }
    }
}
