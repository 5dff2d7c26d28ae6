import NIOCore
import SpiceProtocol
@testable import SpiceClient

typealias D = DisplayChannel

/// A canvas with one primary xRGB surface of `w`×`h` filled with `fill`.
func makeCanvas(_ w: Int = 8, _ h: Int = 8, fill: UInt32 = 0) throws -> ClientCanvas {
    let c = ClientCanvas()
    try c.apply(.surfaceCreate(D.SurfaceCreate(surfaceID: 0, width: UInt32(w), height: UInt32(h), format: .xrgb32, flags: .primary)))
    if fill != 0 {
        try c.apply(.drawFill(D.DrawFill(base: base(0, 0, w, h), brush: .solid(color: fill), ropDescriptor: .opPut)))
    }
    return c
}

func base(_ x: Int, _ y: Int, _ w: Int, _ h: Int, surface: UInt32 = 0, clip: D.Clip = .none) -> D.DisplayBase {
    D.DisplayBase(surfaceID: surface, box: rect(x, y, w, h), clip: clip)
}

func rect(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> SpiceRect {
    SpiceRect(x: Int32(x), y: Int32(y), width: Int32(w), height: Int32(h))
}

func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

/// A top-down 32-bit bitmap image of xRGB pixels.
func bitmap32(_ w: Int, _ h: Int, _ pixels: [UInt32], id: UInt64 = 1, flags: D.ImageFlags = [], topDown: Bool = true) -> D.Image {
    var bytes = [UInt8]()
    let rows = topDown ? Array(0..<h) : Array((0..<h).reversed())
    for y in rows { for x in 0..<w { let p = pixels[y * w + x]; bytes += [UInt8(p & 0xFF), UInt8(p >> 8 & 0xFF), UInt8(p >> 16 & 0xFF), 0] } }
    let b = D.Bitmap(format: .thirtyTwoBit, flags: topDown ? .topDown : [], width: UInt32(w), height: UInt32(h),
                     stride: UInt32(w * 4), data: buffer(bytes))
    return D.Image(id: id, flags: flags, width: UInt32(w), height: UInt32(h), content: .bitmap(b))
}

/// A top-down 1-bit big-endian bitmap (rows of `bits`, "1" set).
func bitmap1(_ rows: [String], palette: D.PaletteSource = .none, id: UInt64 = 9) -> D.Image {
    let w = rows[0].count, h = rows.count, stride = (w + 7) / 8
    var bytes = [UInt8](repeating: 0, count: stride * h)
    for (y, row) in rows.enumerated() {
        for (x, ch) in row.enumerated() where ch == "1" { bytes[y * stride + x / 8] |= 0x80 >> UInt8(x % 8) }
    }
    let b = D.Bitmap(format: .oneBitBE, flags: .topDown, width: UInt32(w), height: UInt32(h), stride: UInt32(stride),
                     palette: palette, data: buffer(bytes))
    return D.Image(id: id, width: UInt32(w), height: UInt32(h), content: .bitmap(b))
}

extension ClientCanvas {
    func pixel(_ x: Int, _ y: Int, surface: UInt32 = 0) -> UInt32 {
        let s = surfaces[surface]!
        return s.pixels[y * s.width + x] & (s.format == .xrgb ? 0xFF_FFFF : 0xFFFF_FFFF)
    }

    /// Rows of the primary as strings of one character per pixel via `legend`.
    func rows(_ legend: [UInt32: Character]) -> [String] {
        let s = primary!
        return (0..<s.height).map { y in String((0..<s.width).map { x in legend[s.pixels[y * s.width + x] & 0xFF_FFFF] ?? "?" }) }
    }
}
