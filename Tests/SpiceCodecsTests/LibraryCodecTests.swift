import SpiceCodecs
import Testing

/// LZ4, JPEG and zlib as SPICE frames them (the compression itself is liblz4/libjpeg-turbo/zlib).
@Suite struct LibraryCodecTests {
    @Test(arguments: [PixelFormat.rgb32, .rgba, .rgb24, .rgb16])
    func lz4RoundTrips(format: PixelFormat) throws {
        for content in TestImages.Content.allCases {
            for (w, h) in [(1, 1), (3, 2), (64, 64), (700, 5)] {
                for topDown in [true, false] {
                    let image = TestImages.make(content, width: w, height: h, format: format, seed: UInt64(w * h), topDown: topDown)
                    let bytes = try SpiceLZ4.encode(image)
                    #expect(bytes[0] == (topDown ? 1 : 0))
                    let back = try SpiceLZ4.decode(bytes, width: w, height: h)
                    #expect(back == image, "\(content) \(w)x\(h) \(format) topDown \(topDown)")
                }
            }
        }
    }

    @Test func lz4SpansBlocksAndCompresses() throws {
        let big = TestImages.make(.text, width: 1024, height: 600, format: .rgb32)  // 2.4 MB: three blocks
        let bytes = try SpiceLZ4.encode(big)
        #expect(bytes.count < big.data.count / 5)
        #expect(try SpiceLZ4.decode(bytes, width: 1024, height: 600) == big)
    }

    @Test func lz4PaddedStrideIsPacked() throws {
        var image = TestImages.make(.noise, width: 5, height: 3, format: .rgb32)
        let packed = image
        image.stride = 24
        var padded: [UInt8] = []
        for row in 0..<3 {
            padded += packed.data[(row * 20)..<(row * 20 + 20)]
            padded += [9, 9, 9, 9]
        }
        image.data = padded
        #expect(try SpiceLZ4.decode(try SpiceLZ4.encode(image), width: 5, height: 3) == packed)
    }

    @Test func lz4RefusesMalformedInput() throws {
        let good = try SpiceLZ4.encode(TestImages.make(.gradient, width: 40, height: 30, format: .rgb32))
        for cut in 0..<good.count {
            #expect(throws: CodecError.self) { try SpiceLZ4.decode(Array(good.prefix(cut)), width: 40, height: 30) }
        }
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            var bad = good
            bad[Int.random(in: 0..<bad.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            _ = try? SpiceLZ4.decode(bad, width: 40, height: 30)  // an error or a bounded image, never a crash
        }
        #expect(throws: CodecError.self) { try SpiceLZ4.decode(good, width: 1 << 20, height: 1 << 20) }
        #expect(throws: CodecError.self) { try SpiceLZ4.decode([1, 5, 0, 0, 0, 1, 0], width: 1, height: 1) }
    }

    @Test func jpegIsCloseToTheSource() throws {
        let image = TestImages.make(.smooth, width: 320, height: 200, format: .rgb32)
        let bytes = try SpiceJPEG.encode(image, quality: 90)
        #expect(bytes.prefix(2) == [0xFF, 0xD8])
        #expect(bytes.count < image.data.count / 5)
        let back = try SpiceJPEG.decode(bytes)
        #expect(back.width == 320 && back.height == 200 && back.format == .rgb32)
        #expect(TestImages.psnr(image, back) > 35)
    }

    @Test func jpegHonoursBottomUpSources() throws {
        let top = TestImages.make(.gradient, width: 64, height: 48, format: .rgb32)
        var bottomUp = top
        bottomUp.topDown = false
        var rows: [UInt8] = []
        for row in (0..<48).reversed() { rows += top.data[(row * 256)..<(row * 256 + 256)] }
        bottomUp.data = rows
        let a = try SpiceJPEG.decode(try SpiceJPEG.encode(top))
        let b = try SpiceJPEG.decode(try SpiceJPEG.encode(bottomUp))
        #expect(a == b)
    }

    @Test func jpegRefusesMalformedInput() throws {
        let good = try SpiceJPEG.encode(TestImages.make(.gradient, width: 48, height: 32, format: .rgb32))
        for cut in stride(from: 0, to: good.count, by: 7) {
            _ = try? SpiceJPEG.decode(Array(good.prefix(cut)))
        }
        var rng = SplitMix64(seed: 11)
        for _ in 0..<500 {
            var bad = good
            bad[Int.random(in: 0..<bad.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            _ = try? SpiceJPEG.decode(bad)
        }
        #expect(throws: CodecError.self) { try SpiceJPEG.decode([0xFF, 0xD8, 0xFF]) }
        #expect(throws: CodecError.self) { try SpiceJPEG.decode(good, maxPixels: 100) }
    }

    @Test func zlibRoundTripsExactly() throws {
        let data = TestImages.make(.text, width: 200, height: 50, format: .rgb32).data
        let packed = try SpiceZlib.compress(data)
        #expect(packed.count < data.count / 10)
        #expect(try SpiceZlib.decompress(packed, expectedSize: data.count) == data)
        #expect(throws: CodecError.self) { try SpiceZlib.decompress(packed, expectedSize: data.count - 1) }
        #expect(throws: CodecError.self) { try SpiceZlib.decompress(packed, expectedSize: data.count + 1) }
        #expect(throws: CodecError.self) { try SpiceZlib.decompress(Array(packed.prefix(10)), expectedSize: data.count) }
        #expect(throws: CodecError.self) { try SpiceZlib.decompress(packed, expectedSize: 1 << 40) }
    }
}

@Suite struct JPEGAlphaTests {
    @Test(arguments: [true, false])
    func colourIsCloseAndAlphaExact(topDown: Bool) throws {
        var image = TestImages.make(.smooth, width: 96, height: 64, format: .rgba, topDown: topDown)
        // A hard-edged alpha mask (what JPEG_ALPHA exists for: translucent shapes).
        for y in 0..<64 {
            for x in 0..<96 { image.data[image.rowOffset(visualRow: y) + x * 4 + 3] = (x - 48) * (x - 48) + (y - 32) * (y - 32) < 900 ? 255 : UInt8(x) }
        }
        let encoded = try SpiceJPEGAlpha.encode(image, quality: 90)
        #expect(encoded.topDown)
        let back = try SpiceJPEGAlpha.decode(encoded.data, jpegSize: encoded.jpegSize)
        #expect(back.format == .rgba && back.width == 96 && back.height == 64)
        for y in 0..<64 {
            for x in 0..<96 {
                #expect(back.data[back.rowOffset(visualRow: y) + x * 4 + 3] == image.data[image.rowOffset(visualRow: y) + x * 4 + 3])
            }
        }
        #expect(TestImages.psnr(image, back) > 35)
    }

    @Test func malformedIsRefused() throws {
        let image = TestImages.make(.smooth, width: 32, height: 16, format: .rgba)
        let encoded = try SpiceJPEGAlpha.encode(image)
        #expect(throws: CodecError.self) { try SpiceJPEGAlpha.decode(encoded.data, jpegSize: 0) }
        #expect(throws: CodecError.self) { try SpiceJPEGAlpha.decode(encoded.data, jpegSize: encoded.data.count) }
        #expect(throws: (any Error).self) { try SpiceJPEGAlpha.decode(Array(encoded.data.prefix(encoded.jpegSize + 5)), jpegSize: encoded.jpegSize) }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<300 {
            var bad = encoded.data
            bad[Int.random(in: 0..<bad.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            _ = try? SpiceJPEGAlpha.decode(bad, jpegSize: encoded.jpegSize)
        }
    }
}
