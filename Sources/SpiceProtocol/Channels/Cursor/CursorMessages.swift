import NIOCore

/// Cursor channel (type 4) messages, spice.proto `channel CursorChannel`. The client sends only base messages.
public enum CursorChannel {
    /// `SPICE_CURSOR_FLAGS_*` (u16).
    public struct Flags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// No shape: the header is absent.
        public static let none = Flags(rawValue: 1)
        public static let cacheMe = Flags(rawValue: 2)
        public static let fromCache = Flags(rawValue: 4)
    }

    /// `SpiceCursorType` (u8).
    public struct CursorType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let alpha = CursorType(rawValue: 0)
        public static let mono = CursorType(rawValue: 1)
        public static let color4 = CursorType(rawValue: 2)
        public static let color8 = CursorType(rawValue: 3)
        public static let color16 = CursorType(rawValue: 4)
        public static let color24 = CursorType(rawValue: 5)
        public static let color32 = CursorType(rawValue: 6)
    }

    /// `CursorHeader` (17 bytes).
    public struct Header: Hashable, Sendable {
        public var unique: UInt64
        public var type: CursorType
        public var width: UInt16
        public var height: UInt16
        public var hotSpotX: UInt16
        public var hotSpotY: UInt16
        public init(unique: UInt64, type: CursorType, width: UInt16, height: UInt16, hotSpotX: UInt16, hotSpotY: UInt16) {
            self.unique = unique
            self.type = type
            self.width = width
            self.height = height
            self.hotSpotX = hotSpotX
            self.hotSpotY = hotSpotY
        }
        public static let wireSize = 17
    }

    /// `Cursor`: `flags u16`, the header unless `NONE` is set, then the shape data (rest of the
    /// message; for ALPHA 4·w·h bytes of B,G,R,A).
    public struct Cursor: Hashable, Sendable {
        public var flags: Flags
        /// Written iff `flags` lacks `.none` (a zero header is written if this is nil then).
        public var header: Header?
        public var data: ByteBuffer
        public init(flags: Flags, header: Header?, data: ByteBuffer = ByteBuffer()) {
            self.flags = flags
            self.header = header
            self.data = data
        }
        /// The "no cursor" value.
        public static let none = Cursor(flags: .none, header: nil)
    }

    /// `SPICE_MSG_CURSOR_INIT`: `position Point16`, `trail_length u16`, `trail_frequency u16`, `visible u8`, `cursor`.
    public struct Init: Hashable, Sendable {
        public static let messageType: UInt16 = 101
        public var position: SpicePoint16
        public var trailLength: UInt16
        public var trailFrequency: UInt16
        public var visible: Bool
        public var cursor: Cursor
        public init(position: SpicePoint16, trailLength: UInt16, trailFrequency: UInt16, visible: Bool, cursor: Cursor) {
            self.position = position
            self.trailLength = trailLength
            self.trailFrequency = trailFrequency
            self.visible = visible
            self.cursor = cursor
        }
    }
    /// `SPICE_MSG_CURSOR_RESET`: empty.
    public struct Reset: Hashable, Sendable {
        public static let messageType: UInt16 = 102
        public init() {}
    }
    /// `SPICE_MSG_CURSOR_SET`: `position Point16`, `visible u8`, `cursor`.
    public struct Set: Hashable, Sendable {
        public static let messageType: UInt16 = 103
        public var position: SpicePoint16
        public var visible: Bool
        public var cursor: Cursor
        public init(position: SpicePoint16, visible: Bool, cursor: Cursor) {
            self.position = position
            self.visible = visible
            self.cursor = cursor
        }
    }
    /// `SPICE_MSG_CURSOR_MOVE`: `position Point16`.
    public struct Move: Hashable, Sendable {
        public static let messageType: UInt16 = 104
        public var position: SpicePoint16
        public init(position: SpicePoint16) { self.position = position }
    }
    /// `SPICE_MSG_CURSOR_HIDE`: empty.
    public struct Hide: Hashable, Sendable {
        public static let messageType: UInt16 = 105
        public init() {}
    }
    /// `SPICE_MSG_CURSOR_TRAIL`: `length u16`, `frequency u16`.
    public struct Trail: Hashable, Sendable {
        public static let messageType: UInt16 = 106
        public var length: UInt16
        public var frequency: UInt16
        public init(length: UInt16, frequency: UInt16) {
            self.length = length
            self.frequency = frequency
        }
    }
    /// `SPICE_MSG_CURSOR_INVAL_ONE`: `id u64`.
    public struct InvalOne: Hashable, Sendable {
        public static let messageType: UInt16 = 107
        public var id: UInt64
        public init(id: UInt64) { self.id = id }
    }
    /// `SPICE_MSG_CURSOR_INVAL_ALL`: empty.
    public struct InvalAll: Hashable, Sendable {
        public static let messageType: UInt16 = 108
        public init() {}
    }

    public enum ServerMessage: Hashable, Sendable {
        case base(BaseChannel.ServerMessage)
        case `init`(Init)
        case reset(Reset)
        case set(Set)
        case move(Move)
        case hide(Hide)
        case trail(Trail)
        case invalOne(InvalOne)
        case invalAll(InvalAll)
    }

    public enum ClientMessage: Hashable, Sendable {
        case base(BaseChannel.ClientMessage)
    }
}
