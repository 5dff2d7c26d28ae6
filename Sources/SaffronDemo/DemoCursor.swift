import SaffronDesktop

/// The demo's pointer: a classic arrow, black outline and white fill with a soft shadow, as
/// 32-bit ARGB (straight alpha) with the hot spot at the tip (0, 0).
public enum DemoCursor {
    static let art: [String] = [
        "X            ",
        "XX           ",
        "X.X          ",
        "X..X         ",
        "X...X        ",
        "X....X       ",
        "X.....X      ",
        "X......X     ",
        "X.......X    ",
        "X........X   ",
        "X.........X  ",
        "X..........X ",
        "X......XXXXX ",
        "X...X..X     ",
        "X..XX..X     ",
        "X.X  X..X    ",
        "XX   X..X    ",
        "X     X..X   ",
        "      X..X   ",
        "       XX    ",
        "             ",
    ]

    public static let serial: UInt64 = 0x5AFF_0000_0000_0001

    /// The arrow image (13x21).
    public static let arrow: CursorImage = {
        let h = art.count, w = art[0].count
        let cells = art.map { Array($0) }
        var argb = [UInt32](repeating: 0, count: w * h)
        func opaque(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && y >= 0 && y < h && x < w && cells[y][x] != " "
        }
        for y in 0..<h {
            for x in 0..<w {
                switch cells[y][x] {
                case "X": argb[y * w + x] = 0xFF00_0000
                case ".": argb[y * w + x] = 0xFFFF_FFFF
                default:
                    // A translucent black shadow one pixel down-right of the arrow.
                    if opaque(x - 1, y - 1) { argb[y * w + x] = 0x5000_0000 }
                }
            }
        }
        return CursorImage(size: Size(width: w, height: h), hotSpot: .zero, argb: argb, serial: serial)
    }()
}
