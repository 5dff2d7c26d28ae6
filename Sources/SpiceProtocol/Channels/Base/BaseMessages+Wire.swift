import NIOCore

extension BaseChannel.Migrate: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        flags = BaseChannel.MigrateFlags(rawValue: try reader.read("migrate.flags"))
    }
    public func encode(to writer: inout MessageWriter) { writer.write(flags.rawValue) }
}

extension BaseChannel.MigrateData: SpiceMessage {
    public init(from reader: inout MessageReader) throws { data = reader.readRest() }
    public func encode(to writer: inout MessageWriter) { writer.writeBuffer(data) }
}

extension BaseChannel.SetAck: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        generation = try reader.read("set_ack.generation")
        window = try reader.read("set_ack.window")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(generation)
        writer.write(window)
    }
}

extension BaseChannel.Ping: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        id = try reader.read("ping.id")
        timestamp = try reader.read("ping.timestamp")
        data = reader.readRest()
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(id)
        writer.write(timestamp)
        writer.writeBuffer(data)
    }
}

extension BaseChannel.WaitForChannel {
    init(from reader: inout MessageReader) throws {
        channelType = ChannelType(rawValue: try reader.read("wait.channel_type"))
        channelID = try reader.read("wait.channel_id")
        messageSerial = try reader.read("wait.message_serial")
    }
    func encode(to writer: inout MessageWriter) {
        writer.write(channelType.rawValue)
        writer.write(channelID)
        writer.write(messageSerial)
    }
}

extension BaseChannel.WaitForChannels: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let count = try reader.readCount("wait_count", as: UInt8.self, elementSize: BaseChannel.WaitForChannel.wireSize)
        var list: [BaseChannel.WaitForChannel] = []
        list.reserveCapacity(count)
        for _ in 0..<count { list.append(try BaseChannel.WaitForChannel(from: &reader)) }
        channels = list
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(UInt8(truncatingIfNeeded: channels.count))
        for c in channels.prefix(255) { c.encode(to: &writer) }
    }
}

extension BaseChannel.Disconnecting: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        timeStamp = try reader.read("disconnecting.time_stamp")
        reason = LinkError(rawValue: try reader.read("disconnecting.reason"))
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(timeStamp)
        writer.write(reason.rawValue)
    }
}

extension BaseChannel.Notify: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        timeStamp = try reader.read("notify.time_stamp")
        severity = BaseChannel.NotifySeverity(rawValue: try reader.read("notify.severity"))
        visibility = BaseChannel.NotifyVisibility(rawValue: try reader.read("notify.visibility"))
        what = try reader.read("notify.what")
        let length = try reader.readCount("notify.message_len", as: UInt32.self, elementSize: 1)
        message = try reader.readBytes(length, field: "notify.message")
        if message.last == 0 { message.removeLast() }  // a sender that counted the NUL
        _ = reader.readRest()  // the spice server's trailing NUL
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(timeStamp)
        writer.write(severity.rawValue)
        writer.write(visibility.rawValue)
        writer.write(what)
        writer.write(UInt32(message.count))
        writer.writeBytes(message)
        writer.write(UInt8(0))
    }
}

extension BaseChannel.List: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let body = reader.readRest()
        messages = try SubMessageList.decode(body: body, limits: reader.limits).map {
            BaseChannel.SubMessage(type: $0.type, body: $0.body)
        }
    }
    public func encode(to writer: inout MessageWriter) {
        writer.writeBuffer(SubMessageList.encode(messages.map { (type: $0.type, body: $0.body) }))
    }
}

extension BaseChannel.AckSync: SpiceMessage {
    public init(from reader: inout MessageReader) throws { generation = try reader.read("ack_sync.generation") }
    public func encode(to writer: inout MessageWriter) { writer.write(generation) }
}

extension BaseChannel.Ack: SpiceMessage {
    public init(from reader: inout MessageReader) throws {}
    public func encode(to writer: inout MessageWriter) {}
}

extension BaseChannel.Pong: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        id = try reader.read("pong.id")
        timestamp = try reader.read("pong.timestamp")
        _ = reader.readRest()
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(id)
        writer.write(timestamp)
    }
}

extension BaseChannel.MigrateFlushMark: SpiceMessage {
    public init(from reader: inout MessageReader) throws {}
    public func encode(to writer: inout MessageWriter) {}
}

extension BaseChannel.ClientMigrateData: SpiceMessage {
    public init(from reader: inout MessageReader) throws { data = reader.readRest() }
    public func encode(to writer: inout MessageWriter) { writer.writeBuffer(data) }
}

extension BaseChannel.ServerMessage {
    public var messageType: UInt16 {
        switch self {
        case .migrate: return BaseChannel.Migrate.messageType
        case .migrateData: return BaseChannel.MigrateData.messageType
        case .setAck: return BaseChannel.SetAck.messageType
        case .ping: return BaseChannel.Ping.messageType
        case .waitForChannels: return BaseChannel.WaitForChannels.messageType
        case .disconnecting: return BaseChannel.Disconnecting.messageType
        case .notify: return BaseChannel.Notify.messageType
        case .list: return BaseChannel.List.messageType
        }
    }

    /// Decodes a base message, or returns nil when `type` is not a base id (so a channel can go on).
    public static func decodeIfBase(type: UInt16, from reader: inout MessageReader) throws -> Self? {
        switch type {
        case BaseChannel.Migrate.messageType: return .migrate(try .init(from: &reader))
        case BaseChannel.MigrateData.messageType: return .migrateData(try .init(from: &reader))
        case BaseChannel.SetAck.messageType: return .setAck(try .init(from: &reader))
        case BaseChannel.Ping.messageType: return .ping(try .init(from: &reader))
        case BaseChannel.WaitForChannels.messageType: return .waitForChannels(try .init(from: &reader))
        case BaseChannel.Disconnecting.messageType: return .disconnecting(try .init(from: &reader))
        case BaseChannel.Notify.messageType: return .notify(try .init(from: &reader))
        case BaseChannel.List.messageType: return .list(try .init(from: &reader))
        default: return nil
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .migrate(let m): m.encode(to: &writer)
        case .migrateData(let m): m.encode(to: &writer)
        case .setAck(let m): m.encode(to: &writer)
        case .ping(let m): m.encode(to: &writer)
        case .waitForChannels(let m): m.encode(to: &writer)
        case .disconnecting(let m): m.encode(to: &writer)
        case .notify(let m): m.encode(to: &writer)
        case .list(let m): m.encode(to: &writer)
        }
    }
}

extension BaseChannel.ClientMessage {
    public var messageType: UInt16 {
        switch self {
        case .ackSync: return BaseChannel.AckSync.messageType
        case .ack: return BaseChannel.Ack.messageType
        case .pong: return BaseChannel.Pong.messageType
        case .migrateFlushMark: return BaseChannel.MigrateFlushMark.messageType
        case .migrateData: return BaseChannel.ClientMigrateData.messageType
        case .disconnecting: return BaseChannel.Disconnecting.messageType
        }
    }

    /// Decodes a base message, or returns nil when `type` is not a base id.
    public static func decodeIfBase(type: UInt16, from reader: inout MessageReader) throws -> Self? {
        switch type {
        case BaseChannel.AckSync.messageType: return .ackSync(try .init(from: &reader))
        case BaseChannel.Ack.messageType: return .ack(try .init(from: &reader))
        case BaseChannel.Pong.messageType: return .pong(try .init(from: &reader))
        case BaseChannel.MigrateFlushMark.messageType: return .migrateFlushMark(try .init(from: &reader))
        case BaseChannel.ClientMigrateData.messageType: return .migrateData(try .init(from: &reader))
        case BaseChannel.Disconnecting.messageType: return .disconnecting(try .init(from: &reader))
        default: return nil
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .ackSync(let m): m.encode(to: &writer)
        case .ack(let m): m.encode(to: &writer)
        case .pong(let m): m.encode(to: &writer)
        case .migrateFlushMark(let m): m.encode(to: &writer)
        case .migrateData(let m): m.encode(to: &writer)
        case .disconnecting(let m): m.encode(to: &writer)
        }
    }
}
