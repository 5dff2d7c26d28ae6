import NIOCore
import SaffronDesktop
import SpiceProtocol
import Testing
@testable import SpiceServer

@Suite struct BuiltInAgentTests {
    static func message(_ p: AgentPayload, _ options: AgentWireOptions = AgentWireOptions()) -> VDAgent.Message {
        p.message(options: options)
    }

    @Test("capabilities: announced on AGENT_START, answered when asked, and they set the clipboard layout")
    func capabilities() {
        var agent = BuiltInAgent(resizePolicy: .always)
        #expect(agent.greeting() == [.send(.announceCapabilities(request: true, capabilities: agent.capabilities))])
        let theirs = VDAgent.Capabilities([.monitorsConfig, .clipboardSelection, .reply])
        let actions = agent.handle(Self.message(.announceCapabilities(request: true, capabilities: theirs)))
        #expect(actions == [.send(.announceCapabilities(request: false, capabilities: agent.capabilities))])
        #expect(agent.clientCapabilities == theirs)
        #expect(agent.handle(Self.message(.announceCapabilities(request: false, capabilities: theirs))).isEmpty)
    }

    @Test("monitors config: one monitor is the size; several become their bounding box (positions or side by side); replies SUCCESS")
    func monitors() {
        var agent = BuiltInAgent(resizePolicy: .always)
        let reply = BuiltInAgent.Action.send(.reply(type: 2, error: 1))
        let one = agent.handle(Self.message(.monitorsConfig(monitors: [AgentMonitor(width: 1366, height: 768)], usePosition: false)))
        #expect(one.first == reply)
        #expect(one.dropFirst().first == .resize(Size(width: 1366, height: 768), monitors: [AgentMonitor(width: 1366, height: 768)]))
        let sideBySide = agent.handle(Self.message(.monitorsConfig(monitors: [AgentMonitor(width: 1024, height: 768),
                                                                              AgentMonitor(width: 800, height: 600)], usePosition: false)))
        guard case .resize(let size, let placed) = sideBySide.last else { Issue.record("no resize"); return }
        #expect(size == Size(width: 1824, height: 768))
        #expect(placed.map(\.x) == [0, 1024])
        let stacked = agent.handle(Self.message(.monitorsConfig(monitors: [AgentMonitor(width: 1024, height: 768, x: 0, y: 0),
                                                                           AgentMonitor(width: 1024, height: 768, x: 0, y: 768)], usePosition: true)))
        #expect(stacked.contains(.resize(Size(width: 1024, height: 1536), monitors: [AgentMonitor(width: 1024, height: 768, x: 0, y: 0),
                                                                                     AgentMonitor(width: 1024, height: 768, x: 0, y: 768)])))
        let huge = agent.handle(Self.message(.monitorsConfig(monitors: [AgentMonitor(width: 100_000, height: 100_000)], usePosition: false)))
        #expect(huge.contains { if case .resize(let s, _) = $0 { return s == Size(width: 7680, height: 4320) } else { return false } }, "clamped")
        let disabled = agent.handle(Self.message(.monitorsConfig(monitors: [AgentMonitor(width: 0, height: 0)], usePosition: false)))
        #expect(disabled == [reply], "a config with no enabled monitor changes nothing")
    }

    @Test("--resize never: the request is answered and logged but the desktop keeps its size")
    func resizeNever() {
        var agent = BuiltInAgent(resizePolicy: .never)
        let actions = agent.handle(Self.message(.monitorsConfig(monitors: [AgentMonitor(width: 1024, height: 768)], usePosition: false)))
        #expect(!actions.contains { if case .resize = $0 { return true } else { return false } })
        #expect(actions.first == .send(.reply(type: 2, error: 1)))
    }

    @Test("file transfer: with a folder, START/DATA/STATUS become actions and the capability says so")
    func fileTransferEnabled() {
        var agent = BuiltInAgent(resizePolicy: .always, fileTransfer: true)
        #expect(agent.capabilities.contains(.fileXferDetailedErrors) && !agent.capabilities.contains(.fileXferDisabled))
        #expect(agent.handle(Self.message(.fileXferStart(id: 3, keyFile: "k"))) == [.fileStart(id: 3, keyFile: "k")])
        #expect(agent.handle(Self.message(.fileXferData(id: 3, data: ByteBuffer(bytes: [1, 2])))) == [.fileData(id: 3, ByteBuffer(bytes: [1, 2]))])
        #expect(agent.handle(Self.message(.fileXferStatus(id: 3, result: 1, detail: ByteBuffer()))) == [.fileAbandoned(id: 3)])
        #expect(BuiltInAgent(resizePolicy: .always).capabilities.contains(.fileXferDisabled))
    }

    @Test("malformed payloads are refused with a log line; file transfer answers DISABLED")
    func malformed() {
        var agent = BuiltInAgent(resizePolicy: .always)
        let bad = VDAgent.Message(.monitorsConfig, payload: ByteBuffer(bytes: [200, 0, 0, 0, 0, 0, 0, 0]))
        let actions = agent.handle(bad)
        #expect(actions.count == 1)
        if case .log(let text) = actions[0] { #expect(text.contains("malformed")) } else { Issue.record("expected a log line") }
        let xfer = agent.handle(Self.message(.fileXferStart(id: 9, keyFile: "[vdagent-file-xfer]\nname=a\nsize=1\n")))
        #expect(xfer == [.send(.fileXferStatus(id: 9, result: 7, detail: ByteBuffer()))])
    }
}
