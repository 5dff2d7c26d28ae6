import NIOCore

/// `SpiceRect`: on the wire top, left, bottom, right (4 × int32), in that order.
public struct SpiceRect: Hashable, Sendable {
    public var top: Int32
    public var left: Int32
    public var bottom: Int32
    public var right: Int32

    public init(top: Int32, left: Int32, bottom: Int32, right: Int32) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    public init(x: Int32, y: Int32, width: Int32, height: Int32) {
        self.init(top: y, left: x, bottom: y + height, right: x + width)
    }

    public var width: Int32 { right - left }
    public var height: Int32 { bottom - top }

    public static let wireSize = 16
}

/// `SpicePoint`: x, y as int32.
public struct SpicePoint: Hashable, Sendable {
    public var x: Int32
    public var y: Int32
    public init(x: Int32, y: Int32) {
        self.x = x
        self.y = y
    }
    public static let wireSize = 8
}

/// `SpicePoint16`: x, y as int16.
public struct SpicePoint16: Hashable, Sendable {
    public var x: Int16
    public var y: Int16
    public init(x: Int16, y: Int16) {
        self.x = x
        self.y = y
    }
    public static let wireSize = 4
}

extension ByteBuffer {
    public mutating func readSpiceRect() throws -> SpiceRect {
        let top: Int32 = try readLEOrThrow("rect.top")
        let left: Int32 = try readLEOrThrow("rect.left")
        let bottom: Int32 = try readLEOrThrow("rect.bottom")
        let right: Int32 = try readLEOrThrow("rect.right")
        return SpiceRect(top: top, left: left, bottom: bottom, right: right)
    }

    public mutating func writeSpiceRect(_ r: SpiceRect) {
        writeLE(r.top)
        writeLE(r.left)
        writeLE(r.bottom)
        writeLE(r.right)
    }

    public mutating func readSpicePoint() throws -> SpicePoint {
        SpicePoint(x: try readLEOrThrow("point.x"), y: try readLEOrThrow("point.y"))
    }

    public mutating func writeSpicePoint(_ p: SpicePoint) {
        writeLE(p.x)
        writeLE(p.y)
    }

    public mutating func readSpicePoint16() throws -> SpicePoint16 {
        SpicePoint16(x: try readLEOrThrow("point16.x"), y: try readLEOrThrow("point16.y"))
    }

    public mutating func writeSpicePoint16(_ p: SpicePoint16) {
        writeLE(p.x)
        writeLE(p.y)
    }
}
