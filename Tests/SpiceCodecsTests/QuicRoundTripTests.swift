import Testing
@testable import SpiceCodecs

@Suite struct QuicRoundTripTests {
    static let sizes: [(Int, Int)] = [(1, 1), (2, 3), (3, 3), (17, 5), (64, 64), (257, 31)]

    static let expectedFormat: [PixelFormat: PixelFormat] = [
        .rgb32: .rgb32, .rgba: .rgba, .rgb24: .rgb24, .rgb16: .rgb16, .gray8: .gray8,
    ]

    @Test(arguments: QuicTestImages.formats, QuicTestContent.allCases)
    func roundTrip(format: PixelFormat, content: QuicTestContent) throws {
        var seed: UInt64 = 1
        for (w, h) in Self.sizes {
            for (pad, topDown) in [(0, true), (0, false), (5, true), (3, false)] {
                seed += 1
                let img = QuicTestImages.make(format, width: w, height: h, content: content, seed: seed,
                                              pad: pad, topDown: topDown)
                let stream = try Quic.encode(img)
                #expect(stream.count % 4 == 0)
                #expect(Array(stream[0..<4]) == Array("QUIC".utf8))
                let back = try Quic.decode(stream)
                #expect(back.width == w && back.height == h && back.topDown)
                #expect(back.format == Self.expectedFormat[format])
                #expect(back.stride == format.rowBytes(width: w))
                #expect(QuicTestImages.canonicalPixels(back) == QuicTestImages.canonicalPixels(img),
                        "\(format) \(content) \(w)x\(h) pad \(pad) topDown \(topDown)")
                if format == .rgb32 {
                    #expect(stride(from: 3, to: back.data.count, by: 4).allSatisfy { back.data[$0] == 0 })
                }
            }
        }
    }
}
