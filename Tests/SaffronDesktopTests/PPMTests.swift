import Foundation
import SaffronDemo
import SaffronDesktop
import Testing

@Suite struct PPMTests {
    @Test func roundTripThroughFile() throws {
        let size = Size(width: 7, height: 3)
        let fb = Framebuffer(size: size)
        fb.withLockedPixels { _, px in
            for i in px.indices { px[i] = UInt32(truncatingIfNeeded: i &* 0x01_23_45_67) & 0xFFFFFF }
        }
        let path = temporaryPath("roundtrip.ppm")
        defer { removeTemporary(path) }
        try writePPM(fb, to: path)
        let (readSize, readPixels) = try readPPM(from: path)
        #expect(readSize == size)
        #expect(readPixels == fb.snapshot().1)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.starts(with: Array("P6\n7 3\n255\n".utf8)))
        #expect(bytes.count == 11 + 7 * 3 * 3)
    }

    @Test func decodeHandlesCommentsAndRejectsBadInput() throws {
        let file = Array("P6 # a comment\n2 1\n# another\n255\n".utf8) + [255, 0, 0, 1, 2, 3]
        let (size, px) = try decodePPM(file)
        #expect(size == Size(width: 2, height: 1))
        #expect(px == [0xFF0000, 0x010203])
        #expect(throws: PPMError.notPPM) { try decodePPM(Array("P3\n1 1\n255\n".utf8)) }
        #expect(throws: PPMError.unsupportedMaxValue(65535)) { try decodePPM(Array("P6\n1 1\n65535\n".utf8) + [0, 0, 0]) }
        #expect(throws: PPMError.truncated(expected: 6, got: 3)) { try decodePPM(Array("P6\n2 1\n255\n".utf8) + [1, 2, 3]) }
        #expect(throws: PPMError.sizeMismatch(Size(width: 2, height: 2), pixelCount: 3)) {
            try encodePPM(size: Size(width: 2, height: 2), pixels: [0, 0, 0])
        }
    }

    @Test func stillFrameRoundTrips() throws {
        let size = Size(width: 320, height: 200)
        let fb = DemoDesktop.stillFrame(size: size)
        let path = temporaryPath("still-320x200.ppm")
        defer { removeTemporary(path) }
        try writePPM(fb, to: path)
        let (s, px) = try readPPM(from: path)
        #expect(s == size)
        let same = px == fb.snapshot().1
        #expect(same)
    }
}
