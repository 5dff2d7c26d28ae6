import Testing
@testable import SpiceCodecs

/// The decoder never traps on hostile input (CVE-2020-14355 was exactly this in spice-common):
/// it throws CodecError or returns an image of the size the header announced.
@Suite struct QuicMalformedTests {
    static func sample(_ format: PixelFormat, _ w: Int = 23, _ h: Int = 17, seed: UInt64 = 99) throws -> [UInt8] {
        try Quic.encode(QuicTestImages.make(format, width: w, height: h, content: .mixed, seed: seed))
    }

    static func header(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
    }

    /// Decodes, requiring either a CodecError or a bounded image of the announced size.
    static func decodeBounded(_ bytes: [UInt8], maxPixels: Int = maxDecodedPixels) -> Bool {
        do {
            let img = try Quic.decode(bytes, maxPixels: maxPixels)
            let w = bytes.count >= 16 ? Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24 : -1
            #expect(img.width == w && img.width * img.height <= maxPixels)
            #expect(img.data.count == img.stride * img.height)
            return false
        } catch is CodecError {
            return true
        } catch {
            Issue.record("unexpected error \(error)")
            return true
        }
    }

    @Test(arguments: QuicTestImages.formats)
    func everyTruncationFailsCleanly(format: PixelFormat) throws {
        let stream = try Self.sample(format)
        for n in 0..<stream.count {
            let threw = Self.decodeBounded(Array(stream[0..<n]))
            // Losing any word the encoder put data in must be detected (only the trailing zero
            // look-ahead word may go unnoticed).
            if n <= stream.count - 5 { #expect(threw, "\(format): truncation to \(n) of \(stream.count) bytes decoded") }
        }
    }

    @Test func truncatedReferenceStreamAtEveryWord() throws {
        let stream = try Fixtures.bytes("ref-rgb32-2100x3.quic")
        for n in stride(from: 0, to: stream.count - 4, by: 4) {
            #expect(Self.decodeBounded(Array(stream[0..<n])))
        }
    }

    @Test(arguments: QuicTestImages.formats)
    func randomMutationsNeverCrash(format: PixelFormat) throws {
        let stream = try Self.sample(format)
        var rng = SplitMix64(seed: 0xC0FFEE &+ UInt64(format.bitsPerPixel))
        var failures = 0
        for round in 0..<700 {
            var bytes = stream
            let flips = 1 + Int(rng.next() % 4)
            for _ in 0..<flips {
                // Mostly the pixel data; every 10th round also the header.
                let lower = round % 10 == 0 ? 0 : 20
                let at = lower + Int(rng.next() % UInt64(bytes.count - lower))
                bytes[at] ^= UInt8(truncatingIfNeeded: 1 + rng.next() % 255)
            }
            if Self.decodeBounded(bytes, maxPixels: 1 << 20) { failures += 1 }
        }
        // Sanity: the mutations do hit the checks (runs, truncation, header) some of the time.
        #expect(failures > 0)
    }

    @Test func randomGarbageAfterValidHeader() throws {
        var rng = SplitMix64(seed: 5)
        for type in 1...5 {
            for _ in 0..<100 {
                let w = 1 + Int(rng.next() % 40), h = 1 + Int(rng.next() % 40)
                var bytes = Self.header([Quic.magic, 0, UInt32(type), UInt32(w), UInt32(h)])
                bytes += (0..<Int(rng.next() % 600)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                _ = Self.decodeBounded(bytes)
            }
            // All-ones data: MELCODE hits forever must not spin or overflow.
            let ones = Self.header([Quic.magic, 0, UInt32(type), 64, 64]) + [UInt8](repeating: 0xFF, count: 4096)
            _ = Self.decodeBounded(ones)
            let zeros = Self.header([Quic.magic, 0, UInt32(type), 64, 64]) + [UInt8](repeating: 0, count: 4096)
            _ = Self.decodeBounded(zeros)
        }
    }

    @Test func badHeadersAreRefused() throws {
        let good = try Self.sample(.rgb32)
        func patched(_ word: Int, _ value: UInt32) -> [UInt8] {
            var b = good
            for k in 0..<4 { b[4 * word + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
            return b
        }
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("short", Array(good[0..<23])),
            ("header only", Array(good[0..<20])),
            ("magic", patched(0, 0x4349_5552)),
            ("version 1", patched(1, 1)),
            ("version 1.0", patched(1, 0x10000)),
            ("type 0", patched(2, 0)),
            ("type 6", patched(2, 6)),
            ("type huge", patched(2, 0xFFFF_FFFF)),
            ("width 0", patched(3, 0)),
            ("height 0", patched(4, 0)),
            ("width 2^32-1", patched(3, 0xFFFF_FFFF)),
            ("height 2^31", patched(4, 0x8000_0000)),
            ("width x height > maxPixels", patched(3, 1 << 20)),
            ("more pixels than the data can hold", patched(4, 100_000)),
        ]
        for (name, bytes) in cases {
            #expect(throws: CodecError.self, "\(name)") { try Quic.decode(bytes) }
        }
        // The pixel limit is checked before allocating.
        #expect(throws: CodecError.self) { try Quic.decode(good, maxPixels: 23 * 17 - 1) }
        #expect(try Quic.decode(good, maxPixels: 23 * 17).width == 23)
        // Trailing bytes that do not make a whole word are ignored.
        #expect(try Quic.decode(good + [1, 2, 3]).data == Quic.decode(good).data)
    }

    @Test func encoderRefusesWhatItCannotCode() {
        let px = [UInt8](repeating: 7, count: 64)
        #expect(throws: CodecError.self) { try Quic.encode(PixelImage(width: 4, height: 4, format: .a8, data: px)) }
        #expect(throws: CodecError.self) { try Quic.encode(PixelImage(width: 4, height: 4, format: .plt8, data: px)) }
        #expect(throws: CodecError.self) { try Quic.encode(PixelImage(width: 0, height: 4, format: .rgb32, data: px)) }
        #expect(throws: CodecError.self) { try Quic.encode(PixelImage(width: 4, height: 0, format: .rgb32, data: px)) }
        #expect(throws: CodecError.self) { try Quic.encode(PixelImage(width: 4, height: 4, stride: 8, format: .rgb32, data: px)) }
        #expect(throws: CodecError.self) { try Quic.encode(PixelImage(width: 4, height: 5, format: .rgb32, data: px)) }
        #expect(throws: CodecError.self) { try Quic.encode(PixelImage(width: 4, height: 4, stride: -16, format: .rgb32, data: px)) }
        #expect(throws: Never.self) { try Quic.encode(PixelImage(width: 4, height: 4, format: .rgb32, data: px)) }
    }
}
