import NIOCore

extension InputsChannel.Init: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        modifiers = InputsChannel.KeyModifierFlags(rawValue: try reader.read("inputs_init.keyboard_modifiers"))
    }
    public func encode(to writer: inout MessageWriter) { writer.write(modifiers.rawValue) }
}
extension InputsChannel.KeyModifiers: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        modifiers = InputsChannel.KeyModifierFlags(rawValue: try reader.read("key_modifiers.modifiers"))
    }
    public func encode(to writer: inout MessageWriter) { writer.write(modifiers.rawValue) }
}
extension InputsChannel.MouseMotionAck: EmptySpiceMessage {}

extension InputsChannel.KeyDown: SpiceMessage {
    public init(from reader: inout MessageReader) throws { code = try reader.read("key_down.code") }
    public func encode(to writer: inout MessageWriter) { writer.write(code) }
}
extension InputsChannel.KeyUp: SpiceMessage {
    public init(from reader: inout MessageReader) throws { code = try reader.read("key_up.code") }
    public func encode(to writer: inout MessageWriter) { writer.write(code) }
}
extension InputsChannel.ClientKeyModifiers: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        modifiers = InputsChannel.KeyModifierFlags(rawValue: try reader.read("key_modifiers.modifiers"))
    }
    public func encode(to writer: inout MessageWriter) { writer.write(modifiers.rawValue) }
}
extension InputsChannel.KeyScancode: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        codes = try reader.readBytes(reader.remaining, field: "key_scancode.code")
    }
    public func encode(to writer: inout MessageWriter) { writer.writeBytes(codes) }
}
extension InputsChannel.MouseMotion: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        dx = try reader.read("mouse_motion.dx")
        dy = try reader.read("mouse_motion.dy")
        buttons = InputsChannel.MouseButtonMask(rawValue: try reader.read("mouse_motion.buttons_state"))
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(dx)
        writer.write(dy)
        writer.write(buttons.rawValue)
    }
}
extension InputsChannel.MousePosition: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        x = try reader.read("mouse_position.x")
        y = try reader.read("mouse_position.y")
        buttons = InputsChannel.MouseButtonMask(rawValue: try reader.read("mouse_position.buttons_state"))
        displayID = try reader.read("mouse_position.display_id")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(x)
        writer.write(y)
        writer.write(buttons.rawValue)
        writer.write(displayID)
    }
}
extension InputsChannel.MousePress: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        button = InputsChannel.MouseButton(rawValue: try reader.read("mouse_press.button"))
        buttons = InputsChannel.MouseButtonMask(rawValue: try reader.read("mouse_press.buttons_state"))
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(button.rawValue)
        writer.write(buttons.rawValue)
    }
}
extension InputsChannel.MouseRelease: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        button = InputsChannel.MouseButton(rawValue: try reader.read("mouse_release.button"))
        buttons = InputsChannel.MouseButtonMask(rawValue: try reader.read("mouse_release.buttons_state"))
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(button.rawValue)
        writer.write(buttons.rawValue)
    }
}

// MARK: message sets

extension InputsChannel.ServerMessage: SpiceMessageSet {
    public static var channel: ChannelType { .inputs }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        case .`init`: return InputsChannel.Init.messageType
        case .keyModifiers: return InputsChannel.KeyModifiers.messageType
        case .mouseMotionAck: return InputsChannel.MouseMotionAck.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ServerMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        case InputsChannel.Init.messageType: return .`init`(try .init(from: &reader))
        case InputsChannel.KeyModifiers.messageType: return .keyModifiers(try .init(from: &reader))
        case InputsChannel.MouseMotionAck.messageType: return .mouseMotionAck(try .init(from: &reader))
        default: throw SpiceProtocolError.unknownMessage(channel: .inputs, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        case .`init`(let m): m.encode(to: &writer)
        case .keyModifiers(let m): m.encode(to: &writer)
        case .mouseMotionAck(let m): m.encode(to: &writer)
        }
    }
}

extension InputsChannel.ClientMessage: SpiceMessageSet {
    public static var channel: ChannelType { .inputs }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        case .keyDown: return InputsChannel.KeyDown.messageType
        case .keyUp: return InputsChannel.KeyUp.messageType
        case .keyModifiers: return InputsChannel.ClientKeyModifiers.messageType
        case .keyScancode: return InputsChannel.KeyScancode.messageType
        case .mouseMotion: return InputsChannel.MouseMotion.messageType
        case .mousePosition: return InputsChannel.MousePosition.messageType
        case .mousePress: return InputsChannel.MousePress.messageType
        case .mouseRelease: return InputsChannel.MouseRelease.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ClientMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        case InputsChannel.KeyDown.messageType: return .keyDown(try .init(from: &reader))
        case InputsChannel.KeyUp.messageType: return .keyUp(try .init(from: &reader))
        case InputsChannel.ClientKeyModifiers.messageType: return .keyModifiers(try .init(from: &reader))
        case InputsChannel.KeyScancode.messageType: return .keyScancode(try .init(from: &reader))
        case InputsChannel.MouseMotion.messageType: return .mouseMotion(try .init(from: &reader))
        case InputsChannel.MousePosition.messageType: return .mousePosition(try .init(from: &reader))
        case InputsChannel.MousePress.messageType: return .mousePress(try .init(from: &reader))
        case InputsChannel.MouseRelease.messageType: return .mouseRelease(try .init(from: &reader))
        default: throw SpiceProtocolError.unknownMessage(channel: .inputs, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        case .keyDown(let m): m.encode(to: &writer)
        case .keyUp(let m): m.encode(to: &writer)
        case .keyModifiers(let m): m.encode(to: &writer)
        case .keyScancode(let m): m.encode(to: &writer)
        case .mouseMotion(let m): m.encode(to: &writer)
        case .mousePosition(let m): m.encode(to: &writer)
        case .mousePress(let m): m.encode(to: &writer)
        case .mouseRelease(let m): m.encode(to: &writer)
        }
    }
}

