import NIOCore

extension MainChannel.MigrationDstInfo {
    init(from reader: inout MessageReader) throws {
        port = try reader.read("dst_info.port")
        securePort = try reader.read("dst_info.sport")
        let hostSize: UInt32 = try reader.read("dst_info.host_size")
        let hostReader = try reader.readNonNullPointee("dst_info.host_data")
        let certSize: UInt32 = try reader.read("dst_info.cert_subject_size")
        let certReader = try reader.readPointee("dst_info.cert_subject_data")
        host = try Self.readString(hostReader, size: hostSize, field: "dst_info.host_data")
        certSubject = try certReader.map { try Self.readString($0, size: certSize, field: "dst_info.cert_subject_data") }
    }

    private static func readString(_ reader: MessageReader, size: UInt32, field: StaticString) throws -> [UInt8] {
        var r = reader
        guard Int(size) <= r.limits.maxMessageBody else {
            throw SpiceProtocolError.tooLarge(field: "\(field)", size: Int(size), limit: r.limits.maxMessageBody)
        }
        var bytes = try r.readBytes(Int(size), field: field)
        if bytes.last == 0 { bytes.removeLast() }
        return bytes
    }

    /// Writes the fixed part (plus `trailer`, a u32 that follows it in MIGRATE_BEGIN_SEAMLESS), then the strings.
    func encode(to writer: inout MessageWriter, trailer: UInt32? = nil) {
        writer.write(port)
        writer.write(securePort)
        writer.write(UInt32(host.count + 1))
        let hostSlot = writer.reservePointer()
        writer.write(UInt32(certSubject.map { $0.count + 1 } ?? 0))
        let certSlot = certSubject == nil ? nil : writer.reservePointer()
        if certSlot == nil { writer.write(UInt32(0)) }
        if let trailer { writer.write(trailer) }
        writer.resolve(hostSlot)
        writer.writeBytes(host)
        writer.write(UInt8(0))
        if let certSlot, let certSubject {
            writer.resolve(certSlot)
            writer.writeBytes(certSubject)
            writer.write(UInt8(0))
        }
    }
}

extension MainChannel.MigrateBegin: SpiceMessage {
    public init(from reader: inout MessageReader) throws { dstInfo = try .init(from: &reader) }
    public func encode(to writer: inout MessageWriter) { dstInfo.encode(to: &writer) }
}
extension MainChannel.MigrateCancel: EmptySpiceMessage {}
extension MainChannel.Init: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        sessionID = try reader.read("init.session_id")
        displayChannelsHint = try reader.read("init.display_channels_hint")
        supportedMouseModes = MainChannel.MouseModes(rawValue: try reader.read("init.supported_mouse_modes"))
        currentMouseMode = MainChannel.MouseModes(rawValue: try reader.read("init.current_mouse_mode"))
        agentConnected = try reader.read("init.agent_connected")
        agentTokens = try reader.read("init.agent_tokens")
        multiMediaTime = try reader.read("init.multi_media_time")
        ramHint = try reader.read("init.ram_hint")
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(sessionID)
        writer.write(displayChannelsHint)
        writer.write(supportedMouseModes.rawValue)
        writer.write(currentMouseMode.rawValue)
        writer.write(agentConnected)
        writer.write(agentTokens)
        writer.write(multiMediaTime)
        writer.write(ramHint)
    }
}
extension MainChannel.ChannelsList: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let count = try reader.readCount("channels_list.num_of_channels", as: UInt32.self, elementSize: 2)
        var list: [ChannelID] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            let type: UInt8 = try reader.read("channel.type")
            let id: UInt8 = try reader.read("channel.id")
            list.append(ChannelID(type: ChannelType(rawValue: type), id: id))
        }
        channels = list
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(UInt32(channels.count))
        for c in channels {
            writer.write(c.type.rawValue)
            writer.write(c.id)
        }
    }
}
extension MainChannel.MouseMode: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        supportedModes = MainChannel.MouseModes(rawValue: UInt32(try reader.read("mouse_mode.supported_modes", as: UInt16.self)))
        currentMode = MainChannel.MouseModes(rawValue: UInt32(try reader.read("mouse_mode.current_mode", as: UInt16.self)))
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(UInt16(truncatingIfNeeded: supportedModes.rawValue))
        writer.write(UInt16(truncatingIfNeeded: currentMode.rawValue))
    }
}
extension MainChannel.MultiMediaTime: SpiceMessage {
    public init(from reader: inout MessageReader) throws { time = try reader.read("multi_media_time.time") }
    public func encode(to writer: inout MessageWriter) { writer.write(time) }
}
extension MainChannel.AgentConnected: EmptySpiceMessage {}
extension MainChannel.AgentDisconnected: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        errorCode = LinkError(rawValue: try reader.read("agent_disconnected.error_code"))
    }
    public func encode(to writer: inout MessageWriter) { writer.write(errorCode.rawValue) }
}

private func readAgentData(_ reader: inout MessageReader) throws -> ByteBuffer {
    guard reader.remaining <= MainChannel.maxAgentData else {
        throw SpiceProtocolError.tooLarge(field: "agent_data", size: reader.remaining, limit: MainChannel.maxAgentData)
    }
    return reader.readRest()
}

extension MainChannel.AgentData: SpiceMessage {
    public init(from reader: inout MessageReader) throws { data = try readAgentData(&reader) }
    public func encode(to writer: inout MessageWriter) { writer.writeBuffer(data) }
}
extension MainChannel.AgentToken: SpiceMessage {
    public init(from reader: inout MessageReader) throws { numTokens = try reader.read("agent_token.num_tokens") }
    public func encode(to writer: inout MessageWriter) { writer.write(numTokens) }
}
extension MainChannel.MigrateSwitchHost: SpiceMessage {
    public init(from reader: inout MessageReader) throws { dstInfo = try .init(from: &reader) }
    public func encode(to writer: inout MessageWriter) { dstInfo.encode(to: &writer) }
}
extension MainChannel.MigrateEnd: EmptySpiceMessage {}
extension MainChannel.Name: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        let length = try reader.readCount("name.name_len", as: UInt32.self, elementSize: 1)
        name = try reader.readBytes(length, field: "name.name")
        if name.last == 0 { name.removeLast() }
    }
    public func encode(to writer: inout MessageWriter) {
        writer.write(UInt32(name.count + 1))
        writer.writeBytes(name)
        writer.write(UInt8(0))
    }
}
extension MainChannel.UUID: SpiceMessage {
    public init(from reader: inout MessageReader) throws { uuid = try reader.readBytes(16, field: "uuid") }
    public func encode(to writer: inout MessageWriter) {
        writer.writeBytes(uuid.prefix(16))
        if uuid.count < 16 { writer.writeBytes(repeatElement(UInt8(0), count: 16 - uuid.count)) }
    }
}
extension MainChannel.AgentConnectedTokens: SpiceMessage {
    public init(from reader: inout MessageReader) throws { numTokens = try reader.read("agent_connected_tokens.num_tokens") }
    public func encode(to writer: inout MessageWriter) { writer.write(numTokens) }
}
extension MainChannel.MigrateBeginSeamless: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        dstInfo = try .init(from: &reader)
        srcMigVersion = try reader.read("migrate_begin_seamless.src_mig_version")
    }
    public func encode(to writer: inout MessageWriter) { dstInfo.encode(to: &writer, trailer: srcMigVersion) }
}
extension MainChannel.MigrateDstSeamlessAck: EmptySpiceMessage {}
extension MainChannel.MigrateDstSeamlessNack: EmptySpiceMessage {}

extension MainChannel.ClientInfo: SpiceMessage {
    public init(from reader: inout MessageReader) throws { cacheSize = try reader.read("client_info.cache_size") }
    public func encode(to writer: inout MessageWriter) { writer.write(cacheSize) }
}
extension MainChannel.MigrateConnected: EmptySpiceMessage {}
extension MainChannel.MigrateConnectError: EmptySpiceMessage {}
extension MainChannel.AttachChannels: EmptySpiceMessage {}
extension MainChannel.MouseModeRequest: SpiceMessage {
    public init(from reader: inout MessageReader) throws {
        mode = MainChannel.MouseModes(rawValue: UInt32(try reader.read("mouse_mode_request.mode", as: UInt16.self)))
    }
    public func encode(to writer: inout MessageWriter) { writer.write(UInt16(truncatingIfNeeded: mode.rawValue)) }
}
extension MainChannel.AgentStart: SpiceMessage {
    public init(from reader: inout MessageReader) throws { numTokens = try reader.read("agent_start.num_tokens") }
    public func encode(to writer: inout MessageWriter) { writer.write(numTokens) }
}
extension MainChannel.ClientAgentData: SpiceMessage {
    public init(from reader: inout MessageReader) throws { data = try readAgentData(&reader) }
    public func encode(to writer: inout MessageWriter) { writer.writeBuffer(data) }
}
extension MainChannel.ClientAgentToken: SpiceMessage {
    public init(from reader: inout MessageReader) throws { numTokens = try reader.read("agent_token.num_tokens") }
    public func encode(to writer: inout MessageWriter) { writer.write(numTokens) }
}
extension MainChannel.ClientMigrateEnd: EmptySpiceMessage {}
extension MainChannel.MigrateDstDoSeamless: SpiceMessage {
    public init(from reader: inout MessageReader) throws { srcVersion = try reader.read("migrate_dst_do_seamless.src_version") }
    public func encode(to writer: inout MessageWriter) { writer.write(srcVersion) }
}
extension MainChannel.MigrateConnectedSeamless: EmptySpiceMessage {}
extension MainChannel.QualityIndicator: SpiceMessage {
    public init(from reader: inout MessageReader) throws { data = reader.readRest() }
    public func encode(to writer: inout MessageWriter) { writer.writeBuffer(data) }
}

// MARK: message sets

extension MainChannel.ServerMessage: SpiceMessageSet {
    public static var channel: ChannelType { .main }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        case .migrateBegin: return MainChannel.MigrateBegin.messageType
        case .migrateCancel: return MainChannel.MigrateCancel.messageType
        case .`init`: return MainChannel.Init.messageType
        case .channelsList: return MainChannel.ChannelsList.messageType
        case .mouseMode: return MainChannel.MouseMode.messageType
        case .multiMediaTime: return MainChannel.MultiMediaTime.messageType
        case .agentConnected: return MainChannel.AgentConnected.messageType
        case .agentDisconnected: return MainChannel.AgentDisconnected.messageType
        case .agentData: return MainChannel.AgentData.messageType
        case .agentToken: return MainChannel.AgentToken.messageType
        case .migrateSwitchHost: return MainChannel.MigrateSwitchHost.messageType
        case .migrateEnd: return MainChannel.MigrateEnd.messageType
        case .name: return MainChannel.Name.messageType
        case .uuid: return MainChannel.UUID.messageType
        case .agentConnectedTokens: return MainChannel.AgentConnectedTokens.messageType
        case .migrateBeginSeamless: return MainChannel.MigrateBeginSeamless.messageType
        case .migrateDstSeamlessAck: return MainChannel.MigrateDstSeamlessAck.messageType
        case .migrateDstSeamlessNack: return MainChannel.MigrateDstSeamlessNack.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ServerMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        case MainChannel.MigrateBegin.messageType: return .migrateBegin(try .init(from: &reader))
        case MainChannel.MigrateCancel.messageType: return .migrateCancel(try .init(from: &reader))
        case MainChannel.Init.messageType: return .`init`(try .init(from: &reader))
        case MainChannel.ChannelsList.messageType: return .channelsList(try .init(from: &reader))
        case MainChannel.MouseMode.messageType: return .mouseMode(try .init(from: &reader))
        case MainChannel.MultiMediaTime.messageType: return .multiMediaTime(try .init(from: &reader))
        case MainChannel.AgentConnected.messageType: return .agentConnected(try .init(from: &reader))
        case MainChannel.AgentDisconnected.messageType: return .agentDisconnected(try .init(from: &reader))
        case MainChannel.AgentData.messageType: return .agentData(try .init(from: &reader))
        case MainChannel.AgentToken.messageType: return .agentToken(try .init(from: &reader))
        case MainChannel.MigrateSwitchHost.messageType: return .migrateSwitchHost(try .init(from: &reader))
        case MainChannel.MigrateEnd.messageType: return .migrateEnd(try .init(from: &reader))
        case MainChannel.Name.messageType: return .name(try .init(from: &reader))
        case MainChannel.UUID.messageType: return .uuid(try .init(from: &reader))
        case MainChannel.AgentConnectedTokens.messageType: return .agentConnectedTokens(try .init(from: &reader))
        case MainChannel.MigrateBeginSeamless.messageType: return .migrateBeginSeamless(try .init(from: &reader))
        case MainChannel.MigrateDstSeamlessAck.messageType: return .migrateDstSeamlessAck(try .init(from: &reader))
        case MainChannel.MigrateDstSeamlessNack.messageType: return .migrateDstSeamlessNack(try .init(from: &reader))
        default: throw SpiceProtocolError.unknownMessage(channel: .main, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        case .migrateBegin(let m): m.encode(to: &writer)
        case .migrateCancel(let m): m.encode(to: &writer)
        case .`init`(let m): m.encode(to: &writer)
        case .channelsList(let m): m.encode(to: &writer)
        case .mouseMode(let m): m.encode(to: &writer)
        case .multiMediaTime(let m): m.encode(to: &writer)
        case .agentConnected(let m): m.encode(to: &writer)
        case .agentDisconnected(let m): m.encode(to: &writer)
        case .agentData(let m): m.encode(to: &writer)
        case .agentToken(let m): m.encode(to: &writer)
        case .migrateSwitchHost(let m): m.encode(to: &writer)
        case .migrateEnd(let m): m.encode(to: &writer)
        case .name(let m): m.encode(to: &writer)
        case .uuid(let m): m.encode(to: &writer)
        case .agentConnectedTokens(let m): m.encode(to: &writer)
        case .migrateBeginSeamless(let m): m.encode(to: &writer)
        case .migrateDstSeamlessAck(let m): m.encode(to: &writer)
        case .migrateDstSeamlessNack(let m): m.encode(to: &writer)
        }
    }
}

extension MainChannel.ClientMessage: SpiceMessageSet {
    public static var channel: ChannelType { .main }

    public var messageType: UInt16 {
        switch self {
        case .base(let m): return m.messageType
        case .clientInfo: return MainChannel.ClientInfo.messageType
        case .migrateConnected: return MainChannel.MigrateConnected.messageType
        case .migrateConnectError: return MainChannel.MigrateConnectError.messageType
        case .attachChannels: return MainChannel.AttachChannels.messageType
        case .mouseModeRequest: return MainChannel.MouseModeRequest.messageType
        case .agentStart: return MainChannel.AgentStart.messageType
        case .agentData: return MainChannel.ClientAgentData.messageType
        case .agentToken: return MainChannel.ClientAgentToken.messageType
        case .migrateEnd: return MainChannel.ClientMigrateEnd.messageType
        case .migrateDstDoSeamless: return MainChannel.MigrateDstDoSeamless.messageType
        case .migrateConnectedSeamless: return MainChannel.MigrateConnectedSeamless.messageType
        case .qualityIndicator: return MainChannel.QualityIndicator.messageType
        }
    }

    public static func decode(type: UInt16, from reader: inout MessageReader) throws -> Self {
        if let base = try BaseChannel.ClientMessage.decodeIfBase(type: type, from: &reader) { return .base(base) }
        switch type {
        case MainChannel.ClientInfo.messageType: return .clientInfo(try .init(from: &reader))
        case MainChannel.MigrateConnected.messageType: return .migrateConnected(try .init(from: &reader))
        case MainChannel.MigrateConnectError.messageType: return .migrateConnectError(try .init(from: &reader))
        case MainChannel.AttachChannels.messageType: return .attachChannels(try .init(from: &reader))
        case MainChannel.MouseModeRequest.messageType: return .mouseModeRequest(try .init(from: &reader))
        case MainChannel.AgentStart.messageType: return .agentStart(try .init(from: &reader))
        case MainChannel.ClientAgentData.messageType: return .agentData(try .init(from: &reader))
        case MainChannel.ClientAgentToken.messageType: return .agentToken(try .init(from: &reader))
        case MainChannel.ClientMigrateEnd.messageType: return .migrateEnd(try .init(from: &reader))
        case MainChannel.MigrateDstDoSeamless.messageType: return .migrateDstDoSeamless(try .init(from: &reader))
        case MainChannel.MigrateConnectedSeamless.messageType: return .migrateConnectedSeamless(try .init(from: &reader))
        case MainChannel.QualityIndicator.messageType: return .qualityIndicator(try .init(from: &reader))
        default: throw SpiceProtocolError.unknownMessage(channel: .main, type: type)
        }
    }

    public func encode(to writer: inout MessageWriter) {
        switch self {
        case .base(let m): m.encode(to: &writer)
        case .clientInfo(let m): m.encode(to: &writer)
        case .migrateConnected(let m): m.encode(to: &writer)
        case .migrateConnectError(let m): m.encode(to: &writer)
        case .attachChannels(let m): m.encode(to: &writer)
        case .mouseModeRequest(let m): m.encode(to: &writer)
        case .agentStart(let m): m.encode(to: &writer)
        case .agentData(let m): m.encode(to: &writer)
        case .agentToken(let m): m.encode(to: &writer)
        case .migrateEnd(let m): m.encode(to: &writer)
        case .migrateDstDoSeamless(let m): m.encode(to: &writer)
        case .migrateConnectedSeamless(let m): m.encode(to: &writer)
        case .qualityIndicator(let m): m.encode(to: &writer)
        }
    }
}

