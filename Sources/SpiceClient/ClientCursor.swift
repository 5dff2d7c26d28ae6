import NIOCore
import SpiceProtocol

/// A cursor shape decoded to premultiplied-free ARGB (`0xAARRGGBB`, row-major, width × height).
public struct ClientCursorShape: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var hotSpotX: Int
    public var hotSpotY: Int
    public var type: CursorChannel.CursorType
    public var pixels: [UInt32]
    public init(width: Int, height: Int, hotSpotX: Int, hotSpotY: Int, type: CursorChannel.CursorType, pixels: [UInt32]) {
        self.width = width
        self.height = height
        self.hotSpotX = hotSpotX
        self.hotSpotY = hotSpotY
        self.type = type
        self.pixels = pixels
    }
}

/// Where the server's cursor is and what it looks like.
public struct ClientCursorState: Sendable, Hashable {
    public var shape: ClientCursorShape?
    public var x: Int = 0
    public var y: Int = 0
    public var visible = false
    public init() {}
}

/// The cursor channel's state, sans I/O: INIT/SET/MOVE/HIDE/RESET/INVAL_ONE/INVAL_ALL and the
/// cursor cache (shapes the server marked CACHE_ME, re-used by FROM_CACHE).
public struct ClientCursorModel: Sendable {
    /// Largest cursor side accepted (spice-server refuses bigger ones from QXL guests too).
    public static let maxSide = 1024
    public let maxCachedShapes: Int
    public private(set) var state = ClientCursorState()
    private var cache: [UInt64: ClientCursorShape] = [:]
    private var cacheOrder: [UInt64] = []

    public init(maxCachedShapes: Int = 256) {
        self.maxCachedShapes = maxCachedShapes
    }

    public var cachedShapes: Int { cache.count }

    /// What a message changed (for events).
    public struct Change: Sendable, Equatable {
        public var shape: ClientCursorShape??
        public var position: (x: Int, y: Int)?
        public var visible: Bool?
        public static func == (a: Change, b: Change) -> Bool {
            a.shape == b.shape && a.position?.x == b.position?.x && a.position?.y == b.position?.y && a.visible == b.visible
        }
    }

    /// Applies one server message; throws on a malformed shape (the caller closes the channel).
    public mutating func apply(_ message: CursorChannel.ServerMessage) throws -> Change {
        var change = Change()
        switch message {
        case .`init`(let m):
            cache.removeAll()
            cacheOrder.removeAll()
            state.x = Int(m.position.x); state.y = Int(m.position.y)
            state.visible = m.visible
            change.position = (state.x, state.y)
            change.visible = m.visible
            if let shape = try shape(of: m.cursor) { state.shape = shape; change.shape = .some(shape) }
        case .set(let m):
            state.x = Int(m.position.x); state.y = Int(m.position.y)
            state.visible = m.visible
            change.position = (state.x, state.y)
            change.visible = m.visible
            if let shape = try shape(of: m.cursor) { state.shape = shape; change.shape = .some(shape) }
        case .move(let m):
            state.x = Int(m.position.x); state.y = Int(m.position.y)
            change.position = (state.x, state.y)
            if !state.visible { state.visible = true; change.visible = true }
        case .hide:
            state.visible = false
            change.visible = false
        case .reset:
            cache.removeAll()
            cacheOrder.removeAll()
            state.shape = nil
            state.visible = false
            change.shape = .some(nil)
            change.visible = false
        case .invalOne(let m):
            if cache.removeValue(forKey: m.id) != nil { cacheOrder.removeAll { $0 == m.id } }
        case .invalAll:
            cache.removeAll()
            cacheOrder.removeAll()
        case .trail, .base:
            break
        }
        return change
    }

    private mutating func shape(of cursor: CursorChannel.Cursor) throws -> ClientCursorShape? {
        if cursor.flags.contains(.none) { return nil }
        guard let header = cursor.header else { return nil }
        if cursor.flags.contains(.fromCache) {
            return cache[header.unique]  // unknown ids are ignored as spice-gtk does (it warns)
        }
        let shape = try Self.decode(header: header, data: cursor.data)
        if cursor.flags.contains(.cacheMe) {
            if cache.updateValue(shape, forKey: header.unique) == nil { cacheOrder.append(header.unique) }
            while cache.count > maxCachedShapes, !cacheOrder.isEmpty {
                cache.removeValue(forKey: cacheOrder.removeFirst())
            }
        }
        return shape
    }

    /// Decodes a shape to ARGB: ALPHA is B,G,R,A bytes; MONO
    /// is an AND mask then an XOR mask (1 bpp rows padded to bytes): and 0 → black (xor 0) or
    /// white (xor 1), and 1 → transparent (xor 0) or "invert", which no toolkit cursor draws,
    /// shown opaque black. COLOR4/8 (palette after the pixels), 16 (x1r5g5b5),
    /// 24 (B,G,R) and 32 (B,G,R,x) carry colour rows then an AND mask: AND set and colour 0 →
    /// transparent, AND set and colour ≠ 0 → invert (opaque black), else the colour, opaque.
    public static func decode(header: CursorChannel.Header, data: ByteBuffer) throws -> ClientCursorShape {
        let w = Int(header.width), h = Int(header.height)
        guard w <= maxSide, h <= maxSide else {
            throw SpiceProtocolError.tooLarge(field: "cursor \(w)x\(h)", size: max(w, h), limit: maxSide)
        }
        let bytes = Array(data.readableBytesView)
        func need(_ n: Int) throws {
            guard bytes.count >= n else { throw SpiceProtocolError.truncated(field: "cursor type \(header.type.rawValue) data (\(bytes.count) of \(n) bytes)") }
        }
        var pixels = [UInt32](repeating: 0, count: w * h)
        let maskStride = (w + 7) / 8
        switch header.type {
        case .alpha:
            try need(4 * w * h)
            for i in 0..<(w * h) {
                pixels[i] = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
            }
        case .mono:
            try need(2 * maskStride * h)
            let xorBase = maskStride * h
            for y in 0..<h {
                for x in 0..<w {
                    let bit = UInt8(0x80) >> UInt8(x % 8)
                    let and = bytes[y * maskStride + x / 8] & bit != 0
                    let xor = bytes[xorBase + y * maskStride + x / 8] & bit != 0
                    pixels[y * w + x] = and ? (xor ? 0xFF00_0000 : 0) : (xor ? 0xFFFF_FFFF : 0xFF00_0000)
                }
            }
        case .color4, .color8, .color16, .color24, .color32:
            let bpp: Int = [CursorChannel.CursorType.color4: 4, .color8: 8, .color16: 16, .color24: 24, .color32: 32][header.type]!
            let stride = (w * bpp + 7) / 8
            let paletteCount = bpp == 4 ? 16 : bpp == 8 ? 256 : 0
            let paletteBase = stride * h
            let maskBase = paletteBase + 4 * paletteCount
            try need(maskBase + maskStride * h)
            func palette(_ i: Int) -> UInt32 {
                let o = paletteBase + 4 * i
                return UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
            }
            for y in 0..<h {
                let row = y * stride
                for x in 0..<w {
                    let color: UInt32
                    switch bpp {
                    case 4:
                        let b = bytes[row + x / 2]
                        color = palette(Int(x % 2 == 0 ? b >> 4 : b & 0x0F))
                    case 8:
                        color = palette(Int(bytes[row + x]))
                    case 16:
                        let v = UInt32(bytes[row + 2 * x]) | UInt32(bytes[row + 2 * x + 1]) << 8
                        let r = (v >> 10) & 0x1F, g = (v >> 5) & 0x1F, b = v & 0x1F
                        color = (r << 3 | r >> 2) << 16 | (g << 3 | g >> 2) << 8 | (b << 3 | b >> 2)
                    case 24:
                        let o = row + 3 * x
                        color = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
                    default:
                        let o = row + 4 * x
                        color = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
                    }
                    let and = bytes[maskBase + y * maskStride + x / 8] & (UInt8(0x80) >> UInt8(x % 8)) != 0
                    pixels[y * w + x] = and ? (color == 0 ? 0 : 0xFF00_0000) : (0xFF00_0000 | color)
                }
            }
        default:
            throw SpiceProtocolError.invalidValue(field: "cursor.type", value: UInt64(header.type.rawValue))
        }
        return ClientCursorShape(width: w, height: h, hotSpotX: Int(header.hotSpotX), hotSpotY: Int(header.hotSpotY),
                                 type: header.type, pixels: pixels)
    }
}
