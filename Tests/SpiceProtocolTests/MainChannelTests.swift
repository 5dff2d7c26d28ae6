import NIOCore
import Testing
@testable import SpiceProtocol

@Suite struct MainChannelTests {
    @Test func initGolden() throws {
        let value = MainChannel.Init(sessionID: 0x1234_5678, displayChannelsHint: 1, supportedMouseModes: [.server, .client],
                                     currentMouseMode: .server, agentConnected: 0, agentTokens: 10,
                                     multiMediaTime: 1000, ramHint: 0x0400_0000)
        let bytes = le32(0x1234_5678) + le32(1) + le32(3) + le32(1) + le32(0) + le32(10) + le32(1000) + le32(0x0400_0000)
        try expectGolden(value, bytes, size: 32)
    }

    @Test func channelsListGolden() throws {
        let value = MainChannel.ChannelsList(channels: [ChannelID(type: .display, id: 0), ChannelID(type: .inputs, id: 0),
                                                        ChannelID(type: .cursor, id: 0)])
        try expectGolden(value, le32(3) + [2, 0, 3, 0, 4, 0], size: 10)
    }

    @Test func migrateBeginPointersAndNUL() throws {
        let info = MainChannel.MigrationDstInfo(port: 5900, securePort: 5901, host: "h", certSubject: "c=x")
        let bytes = bodyBytes(MainChannel.MigrateBegin(dstInfo: info))
        // 20 fixed bytes, then "h\0" at 20, "c=x\0" at 22.
        #expect(bytes == le16(5900) + le16(5901) + le32(2) + le32(20) + le32(4) + le32(22) + Array("h\0c=x\0".utf8))
        #expect(try MainChannel.MigrateBegin.decode(body: buffer(bytes)).dstInfo == info)
    }

    @Test func everyMessageRoundTrips() throws {
        let info = MainChannel.MigrationDstInfo(port: 1, securePort: 2, host: "example.org", certSubject: nil)
        let server: [MainChannel.ServerMessage] = [
            .migrateBegin(.init(dstInfo: info)), .migrateCancel(.init()),
            .`init`(.init(sessionID: 1, displayChannelsHint: 2, supportedMouseModes: .server, currentMouseMode: .server,
                          agentConnected: 1, agentTokens: 10, multiMediaTime: 5, ramHint: 6)),
            .channelsList(.init(channels: [ChannelID(type: .playback, id: 3)])),
            .mouseMode(.init(supportedModes: [.server, .client], currentMode: .client)),
            .multiMediaTime(.init(time: 77)), .agentConnected(.init()),
            .agentDisconnected(.init(errorCode: .error)), .agentData(.init(data: buffer([1, 2, 3]))),
            .agentToken(.init(numTokens: 4)),
            .migrateSwitchHost(.init(dstInfo: .init(port: 1, securePort: 0, host: "a", certSubject: "b"))),
            .migrateEnd(.init()), .name(.init(name: "vm-1")), .uuid(.init(uuid: Array(0..<16))),
            .agentConnectedTokens(.init(numTokens: 10)), .migrateBeginSeamless(.init(dstInfo: info, srcMigVersion: 3)),
            .migrateDstSeamlessAck(.init()), .migrateDstSeamlessNack(.init()),
        ]
        for m in server { try expectRoundTrip(m) }
        let client: [MainChannel.ClientMessage] = [
            .clientInfo(.init(cacheSize: 1 << 40)), .migrateConnected(.init()), .migrateConnectError(.init()),
            .attachChannels(.init()), .mouseModeRequest(.init(mode: .client)), .agentStart(.init(numTokens: .max)),
            .agentData(.init(data: buffer(Array(repeating: 7, count: 2048)))), .agentToken(.init(numTokens: 1)),
            .migrateEnd(.init()), .migrateDstDoSeamless(.init(srcVersion: 2)), .migrateConnectedSeamless(.init()),
            .qualityIndicator(.init(data: buffer([5]))),
        ]
        for m in client { try expectRoundTrip(m) }
        for m in [server[0], server[2], server[3], server[12], server[13], server[15]] { expectTruncationsThrow(m) }
    }

    @Test func randomInitsRoundTrip() throws {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            let m = MainChannel.ServerMessage.`init`(.init(
                sessionID: rng.u32(), displayChannelsHint: rng.u32(), supportedMouseModes: .init(rawValue: rng.u32()),
                currentMouseMode: .init(rawValue: rng.u32()), agentConnected: rng.u32(), agentTokens: rng.u32(),
                multiMediaTime: rng.u32(), ramHint: rng.u32()))
            try expectRoundTrip(m)
            let list = MainChannel.ServerMessage.channelsList(.init(channels: (0..<Int.random(in: 0...20, using: &rng)).map { _ in
                ChannelID(type: ChannelType(rawValue: UInt8.random(in: 1...11, using: &rng)), id: UInt8.random(in: 0...255, using: &rng))
            }))
            try expectRoundTrip(list)
        }
    }

    @Test func malformed() {
        // huge channel count: tooLarge before allocating
        #expect(throws: SpiceProtocolError.tooLarge(field: "channels_list.num_of_channels", size: Int(UInt32.max), limit: 4096)) {
            _ = try MainChannel.ChannelsList.decode(body: buffer(le32(.max)))
        }
        // agent data over 2048 bytes
        #expect(throws: SpiceProtocolError.self) {
            _ = try MainChannel.AgentData.decode(body: buffer(Array(repeating: 0, count: 2049)))
        }
        // host pointer past the end
        #expect(throws: SpiceProtocolError.self) {
            _ = try MainChannel.MigrateBegin.decode(body: buffer(le16(1) + le16(2) + le32(2) + le32(400) + le32(0) + le32(0)))
        }
    }
}
