import Foundation
import SpiceCodecs
import Testing

/// Decoders given hostile bytes: a CodecError (or GLZMissingImage), or a bounded image; never a crash.
@Suite struct LZMalformedTests {
    static func lzSamples() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for (i, f) in lzFormats.enumerated() {
            let img = makeImage(f, width: 13, height: 5, content: i % 2 == 0 ? .text : .pattern, topDown: i % 3 == 0,
                                seed: UInt64(i))
            out.append(try LZ.encode(img))
        }
        return out
    }

    /// Fuzzer finding (lz timeout, CI 2026-11-21): width 0 and height 2^31 passed the pixel
    /// bound (0 pixels), then decoding and the RGB32 expansion walked two billion empty rows.
    @Test("an empty side is refused at once (fuzz regression: 0 x 2^31)")
    func emptySideRefused() throws {
        let url = try #require(Bundle.module.url(forResource: "lz-zero-width-2g-rows", withExtension: "bin",
                                                 subdirectory: "Fixtures/fuzz-regressions"))
        let bytes = try [UInt8](Data(contentsOf: url))
        #expect(throws: CodecError.self) { try LZ.decodeToRGB32(bytes, palette: [0, 0xFFFFFF]) }
        for (w, h) in [(0, 1 << 31), (1 << 20, 0), (0, 0)] {
            var header: [UInt8] = []
            for v in [0x2020_5A4C, 0x0001_0001, 8, UInt32(w), UInt32(h), UInt32(w * 4), 1] as [UInt32] {
                header += [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)]
            }
            #expect(throws: CodecError.self) { try LZ.decode(header + [0, 0, 0, 0]) }
        }
    }

    @Test func everyTruncationThrows() throws {
        for s in try Self.lzSamples() {
            for n in 0..<s.count {
                #expect(throws: CodecError.self) { try LZ.decode(Array(s[0..<n])) }
            }
        }
        let dict = GLZEncoderDictionary(windowSize: 1 << 16)
        let g = try GLZEncoder.encode(makeImage(.rgba, width: 13, height: 5, content: .text, topDown: true, seed: 3),
                                      dictionary: dict)
        for n in 0..<g.count {
            #expect(throws: CodecError.self) { try GLZDecoderWindow().decode(Array(g[0..<n])) }
        }
    }

    @Test func seededMutationsNeverCrash() throws {
        var rng = SplitMix64(seed: 0xBAD)
        let samples = try Self.lzSamples()
        var decoded = 0
        for round in 0..<6000 {
            var s = samples[round % samples.count]
            for _ in 0..<(1 + rng.below(4)) {
                let i = 28 + rng.below(s.count - 28)
                s[i] = rng.below(4) == 0 ? 0xFF : rng.byte()
            }
            if rng.below(8) == 0 { s[rng.below(28)] = rng.byte() }
            do {
                let img = try LZ.decode(s, maxPixels: 1 << 16)
                #expect(img.width * img.height <= 1 << 16)
                decoded += 1
            } catch {}
        }
        // GLZ: mutate a stream that references an earlier image.
        let dict = GLZEncoderDictionary(windowSize: 1 << 16)
        let scene = glzScene(variant: 0, width: 40, height: 30)
        let first = try GLZEncoder.encode(scene, dictionary: dict)
        let second = try GLZEncoder.encode(glzScene(variant: 1, width: 40, height: 30), dictionary: dict)
        for _ in 0..<3000 {
            let window = GLZDecoderWindow()
            _ = try window.decode(first)
            var s = second
            for _ in 0..<(1 + rng.below(4)) { s[33 + rng.below(s.count - 33)] = rng.byte() }
            if rng.below(8) == 0 { s[rng.below(33)] = rng.byte() }
            do {
                let img = try window.decode(s, maxPixels: 1 << 16)
                #expect(img.width * img.height <= 1 << 16)
            } catch is CodecError {
            } catch is GLZMissingImage {
            }
        }
        #expect(decoded < 6000)
    }

    @Test func badHeadersAndHugeDimensions() throws {
        let good = try LZ.encode(makeImage(.rgb32, width: 4, height: 4, content: .flat, topDown: true, seed: 1))
        func patched(_ at: Int, _ v: UInt32) -> [UInt8] {
            var s = good
            for k in 0..<4 { s[at + k] = UInt8(truncatingIfNeeded: v >> (24 - 8 * k)) }
            return s
        }
        for s in [patched(0, 0x4C5A2020), patched(4, 0x00010002), patched(8, 0), patched(8, 12), patched(8, 0xFFFF_FFFF),
                  patched(20, 17), patched(12, 0xFFFF_FFFF), patched(16, 0xFFFF_FFFF),
                  patched(12, 1 << 20), [], [0x20, 0x20, 0x5A]] {
            #expect(throws: CodecError.self) { try LZ.decode(s) }
        }
        // 65536 x 65536 with a matching stride: refused before allocating.
        var huge = patched(12, 65536)
        for k in 0..<4 { huge[16 + k] = [0, 1, 0, 0][k]; huge[20 + k] = [0, 4, 0, 0][k] }
        #expect(throws: CodecError.self) { try LZ.decode(huge) }
        // A reference before the start of the image.
        var s = Array(good[0..<28])
        s += [0, 1, 2, 3, 0x20, 5]
        #expect(throws: CodecError.self) { try LZ.decode(s) }
        // GLZ: image distance beyond id 0, unsupported type, missing image.
        var g: [UInt8] = [0x20, 0x20, 0x5A, 0x4C, 0, 1, 0, 1, 0x18, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 8]
        g += [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: CodecError.self) { try GLZDecoderWindow().decode(g + [0x20, 0, 1]) }
        var plt = g
        plt[8] = 0x15
        #expect(throws: CodecError.self) { try GLZDecoderWindow().decode(plt + [1, 1, 2]) }
        g[28] = 7  // id 7
        #expect(throws: GLZMissingImage.self) { try GLZDecoderWindow().decode(g + [0x20, 0, 1]) }
    }
}
