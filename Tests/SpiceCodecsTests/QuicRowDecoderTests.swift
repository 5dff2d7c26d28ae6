import Testing
@testable import SpiceCodecs
import SpiceCodecsX86v3

/// The QUIC decoder compiled for x86-64-v3 (what clients pick on such CPUs) decodes exactly as
/// the baseline one: same pixels, same refusals. On a CPU without x86-64-v3 `fastest` must be
/// the baseline decoder (and these tests compare it with itself).
@Suite struct QuicRowDecoderTests {
    static let fastest = QuicRowDecoder.fastest(x86v3: QuicX86v3.decode)

    /// Decodes into fresh rows through `decoder`; nil if it threw a CodecError.
    static func rows(_ stream: [UInt8], _ decoder: QuicRowDecoder) -> [UInt8]? {
        stream.withUnsafeBytes { raw in
            do {
                let header = try Quic.header(raw)
                var rows = [UInt8](repeating: 0xA5, count: header.width * header.height * 4)
                try rows.withUnsafeMutableBytes { try decoder.decode(raw, header, into: $0.baseAddress!, stride: header.width * 4) }
                return rows
            } catch {
                #expect(error is CodecError)
                return nil
            }
        }
    }

    @Test func fastestMatchesTheCPU() {
        #expect(Self.fastest.name == (CPULevel.hasX86_64v3 ? "x86-64-v3" : "x86-64"))
        #expect(QuicRowDecoder.portable.name == "x86-64")
    }

    @Test(arguments: [PixelFormat.rgb32, .rgba], QuicTestContent.allCases)
    func samePixelsAsTheBaseline(format: PixelFormat, content: QuicTestContent) throws {
        for (w, h) in [(1, 1), (3, 2), (97, 61), (2100, 3), (640, 40)] {
            let image = QuicTestImages.make(format, width: w, height: h, content: content, seed: UInt64(w * 31 + h))
            let stream = try Quic.encode(image)
            let expected = try Quic.decode(stream)
            let fast = try #require(Self.rows(stream, Self.fastest))
            #expect(fast == expected.data, "\(format) \(content) \(w)x\(h)")
            #expect(Self.rows(stream, .portable) == fast)
        }
    }

    @Test func sameOnReferenceStreams() throws {
        for name in ["ref-rgb32-97x61", "ref-rgba-97x61", "ref-rgb32-2100x3"] {
            let stream = try Fixtures.bytes(name + ".quic")
            #expect(try Self.rows(stream, Self.fastest) == Quic.decode(stream).data, "\(name)")
        }
    }

    /// Truncated and mutated streams: both decoders refuse the same ones and, where they do
    /// not, write the same pixels.
    @Test func sameOnDamagedStreams() throws {
        let stream = try Quic.encode(QuicTestImages.make(.rgb32, width: 53, height: 29, content: .mixed, seed: 7))
        for n in stride(from: 24, to: stream.count, by: 4) {
            let cut = Array(stream[0..<n])
            #expect(Self.rows(cut, Self.fastest) == Self.rows(cut, .portable), "truncated to \(n)")
        }
        var rng = SplitMix64(seed: 0x5EED)
        var refused = 0
        for _ in 0..<400 {
            var bytes = stream
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = 20 + Int(rng.next() % UInt64(bytes.count - 20))
                bytes[at] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8))
            }
            let fast = Self.rows(bytes, Self.fastest)
            #expect(fast == Self.rows(bytes, .portable))
            if fast == nil { refused += 1 }
        }
        #expect(refused > 0)
    }
}
