import SpiceCodecs
import Testing

@Suite struct PixelImageTests {
    @Test func rowBytes() {
        #expect(PixelFormat.rgb32.rowBytes(width: 3) == 12)
        #expect(PixelFormat.rgb24.rowBytes(width: 3) == 9)
        #expect(PixelFormat.plt1BE.rowBytes(width: 9) == 2)
        #expect(PixelFormat.plt4LE.rowBytes(width: 3) == 2)
    }

    @Test func bottomUpRowsAreReversed() {
        let img = PixelImage(width: 1, height: 3, format: .plt8, topDown: false, data: [0, 1, 2])
        #expect(img.rowOffset(visualRow: 0) == 2)
        #expect(img.rowOffset(visualRow: 2) == 0)
    }
}
