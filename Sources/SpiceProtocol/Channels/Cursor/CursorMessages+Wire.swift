import NIOCore

extension CursorChannel.Cursor {
    init(from reader: inout MessageReader) throws {
        flags = CursorChannel.Flags(rawValue: try reader.read("cursor.flags"))
        if flags.contains(.none) {
            header = nil
        } else {
            header = CursorChannel.Header(
                unique: try reader.read("cursor.header.unique"),
                type: CursorChannel.CursorType(rawValue: try reader.read("cursor.header.type")),
                width: try reader.read("cursor.header.width"),
                height: try reader.read("cursor.header.height"),
                hotSpotX: try reader.read("cursor.header.hot_spot_x"),
                hotSpotY: try reader.read("cursor.header.hot_spot_y"))
        }
        data = reader.readRest()
    }

    func encode(to writer: inout MessageWriter) {
        writer.write(flags.rawValue)
        if !flags.contains(.none) {
            let h = header ?? CursorChannel.Header(unique: 0, type: .alpha, width: 0, height: 0, hotSpotX: 0, hotSpotY: 0)
            writer.write(h.unique)
            writer.write(h.type.rawValue)
            writer.write(h.width)
            writer.write(h.height)
            writer.write(h.hotSpotX)
            writer.write(h.hotSpotY)
        }
        writer.writeBuffer(data)
    }
}

extension CursorChannel.Init: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        position = try reader.readPoint16()
        trailLength = try reader.read("cursor_init.trail_length")
        trailFrequency = try reader.read("cursor_init.trail_frequency")
        visible = try reader.readBool("cursor_init.visible")
        cursor = try CursorChannel.Cursor(from: &reader)
    }
    public func encode(to writer: inout MessageWriter) {
        writer.writePoint16(position)
        writer.write(trailLength)
        writer.write(trailFrequency)
        writer.writeBool(visible)
        cursor.encode(to: &writer)
    }
}
extension CursorChannel.Reset: EmptySpiceMessage {}
extension CursorChannel.Set: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        position = try reader.readPoint16()
        visible = try reader.readBool("cursor_set.visible")
        cursor = try CursorChannel.Cursor(from: &reader)
    }
    public func encode(to writer: inout MessageWriter) {
        writer.writePoint16(position)
        writer.writeBool(visible)
        cursor.encode(to: &writer)
    }
}
extension CursorChannel.Move: SpiceMessage {
    public init(from reader: inout MessageReader) throws { position = try reader.readPoint16() }
    public func encode(to writer: inout MessageWriter) { writer.writePoint16(position) }
}
extension CursorChannel.Hide: EmptySpiceMessage {}
extension CursorChannel.Trail: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        length = try reader.read("cursor_trail.length")
        frequency = try reader.read("cursor_trail.frequency")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(length)
        writer.write(frequency)
    }
}
extension CursorChannel.InvalOne: SpiceMessage {
    public init(from reader: inout MessageReader) throws { id = try reader.read("cursor_inval_one.id") }
    public func encode(to writer: inout MessageWriter) { writer.write(id) }
}
extension CursorChannel.InvalAll: EmptySpiceMessage {}

// MARK: message sets

extension CursorChannel.ServerMessage: SpiceMessageSet {
    public static var channel: ChannelType { .cursor }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        case .`init`: return CursorChannel.Init.messageType
        case .reset: return CursorChannel.Reset.messageType
        case .set: return CursorChannel.Set.messageType
        case .move: return CursorChannel.Move.messageType
        case .hide: return CursorChannel.Hide.messageType
        case .trail: return CursorChannel.Trail.messageType
        case .invalOne: return CursorChannel.InvalOne.messageType
        case .invalAll: return CursorChannel.InvalAll.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ServerMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        case CursorChannel.Init.messageType: return .`init`(try .init(from: &reader))
        case CursorChannel.Reset.messageType: return .reset(try .init(from: &reader))
        case CursorChannel.Set.messageType: return .set(try .init(from: &reader))
        case CursorChannel.Move.messageType: return .move(try .init(from: &reader))
        case CursorChannel.Hide.messageType: return .hide(try .init(from: &reader))
        case CursorChannel.Trail.messageType: return .trail(try .init(from: &reader))
        case CursorChannel.InvalOne.messageType: return .invalOne(try .init(from: &reader))
        case CursorChannel.InvalAll.messageType: return .invalAll(try .init(from: &reader))
        default: throw SpiceProtocolError.unknownMessage(channel: .cursor, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        case .`init`(let m): m.encode(to: &writer)
        case .reset(let m): m.encode(to: &writer)
        case .set(let m): m.encode(to: &writer)
        case .move(let m): m.encode(to: &writer)
        case .hide(let m): m.encode(to: &writer)
        case .trail(let m): m.encode(to: &writer)
        case .invalOne(let m): m.encode(to: &writer)
        case .invalAll(let m): m.encode(to: &writer)
        }
    }
}

extension CursorChannel.ClientMessage: SpiceMessageSet {
    public static var channel: ChannelType { .cursor }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ClientMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        default: throw SpiceProtocolError.unknownMessage(channel: .cursor, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        }
    }
}

