import NIOCore

/// What changes the layout of some agent payloads: the capabilities both sides announced.
public struct AgentWireOptions: Hashable, Sendable {
    /// CLIPBOARD_SELECTION on both sides: clipboard messages start with `selection u8` + 3 bytes.
    public var clipboardSelection: Bool
    /// CLIPBOARD_GRAB_SERIAL on both sides: GRAB carries `serial u32` before the types.
    public var clipboardGrabSerial: Bool
    public init(clipboardSelection: Bool = false, clipboardGrabSerial: Bool = false) {
        self.clipboardSelection = clipboardSelection
        self.clipboardGrabSerial = clipboardGrabSerial
    }
    /// The options both peers' capabilities allow.
    public init(ours: VDAgent.Capabilities, theirs: VDAgent.Capabilities) {
        clipboardSelection = ours.contains(.clipboardSelection) && theirs.contains(.clipboardSelection)
        clipboardGrabSerial = ours.contains(.clipboardGrabSerial) && theirs.contains(.clipboardGrabSerial)
    }
}

/// Bounds on agent payload contents (all checked before allocating).
public struct AgentLimits: Hashable, Sendable {
    public var maxMonitors = 16
    public var maxCapabilityWords = 32
    public var maxClipboardTypes = 32
    public var maxFileXferKeyFile = 64 * 1024
    public init() {}
}

public enum ClipboardSelection: UInt8, Sendable, CaseIterable {
    case clipboard = 0, primary, secondary
}

/// `VD_AGENT_CLIPBOARD_*` data types.
public enum ClipboardType: UInt32, Sendable, CaseIterable {
    case none = 0, utf8Text, imagePNG, imageBMP, imageTIFF, imageJPG, fileList
}

/// One monitor of VD_AGENT_MONITORS_CONFIG (on the wire: height, width, depth, x, y).
public struct AgentMonitor: Hashable, Sendable {
    public var width: UInt32, height: UInt32, depth: UInt32
    public var x: Int32, y: Int32
    public init(width: UInt32, height: UInt32, depth: UInt32 = 32, x: Int32 = 0, y: Int32 = 0) {
        self.width = width
        self.height = height
        self.depth = depth
        self.x = x
        self.y = y
    }
}

/// A decoded agent message body.
public enum AgentPayload: Hashable, Sendable {
    case mouseState(x: UInt32, y: UInt32, buttons: UInt32, displayID: UInt8)
    /// `usePosition`: the x/y fields are meaningful (flag USE_POS).
    case monitorsConfig(monitors: [AgentMonitor], usePosition: Bool)
    case reply(type: UInt32, error: UInt32)
    case clipboard(selection: UInt8, type: UInt32, data: ByteBuffer)
    case displayConfig(flags: UInt32, depth: UInt32)
    case announceCapabilities(request: Bool, capabilities: VDAgent.Capabilities)
    case clipboardGrab(selection: UInt8, serial: UInt32?, types: [UInt32])
    case clipboardRequest(selection: UInt8, type: UInt32)
    case clipboardRelease(selection: UInt8)
    /// The GLib key-file text (`[vdagent-file-xfer]` with `name=` and `size=`).
    case fileXferStart(id: UInt32, keyFile: String)
    case fileXferStatus(id: UInt32, result: UInt32, detail: ByteBuffer)
    case fileXferData(id: UInt32, data: ByteBuffer)
    case clientDisconnected
    case maxClipboard(Int32)
    /// AUDIO_VOLUME_SYNC, GRAPHICS_DEVICE_INFO and types we do not interpret: kept raw.
    case other(type: UInt32, payload: ByteBuffer)

    public static let replySuccess: UInt32 = 1
    public static let replyError: UInt32 = 2

    public var messageType: UInt32 {
        switch self {
        case .mouseState: return VDAgent.MessageType.mouseState.rawValue
        case .monitorsConfig: return VDAgent.MessageType.monitorsConfig.rawValue
        case .reply: return VDAgent.MessageType.reply.rawValue
        case .clipboard: return VDAgent.MessageType.clipboard.rawValue
        case .displayConfig: return VDAgent.MessageType.displayConfig.rawValue
        case .announceCapabilities: return VDAgent.MessageType.announceCapabilities.rawValue
        case .clipboardGrab: return VDAgent.MessageType.clipboardGrab.rawValue
        case .clipboardRequest: return VDAgent.MessageType.clipboardRequest.rawValue
        case .clipboardRelease: return VDAgent.MessageType.clipboardRelease.rawValue
        case .fileXferStart: return VDAgent.MessageType.fileXferStart.rawValue
        case .fileXferStatus: return VDAgent.MessageType.fileXferStatus.rawValue
        case .fileXferData: return VDAgent.MessageType.fileXferData.rawValue
        case .clientDisconnected: return VDAgent.MessageType.clientDisconnected.rawValue
        case .maxClipboard: return VDAgent.MessageType.maxClipboard.rawValue
        case .other(let type, _): return type
        }
    }

    /// Decodes a whole message's payload; the payload must be consumed exactly (except the
    /// variable tails: clipboard data, file data, status detail, key-file text).
    public static func decode(_ message: VDAgent.Message, options: AgentWireOptions, limits: AgentLimits = AgentLimits()) throws -> AgentPayload {
        var b = message.payload
        func selection() throws -> UInt8 {
            guard options.clipboardSelection else { return ClipboardSelection.clipboard.rawValue }
            let s: UInt8 = try b.readLEOrThrow("clipboard.selection")
            _ = try b.readBytesOrThrow(3, field: "clipboard.reserved")
            return s
        }
        let payload: AgentPayload
        switch VDAgent.MessageType(rawValue: message.type) {
        case .mouseState:
            payload = .mouseState(x: try b.readLEOrThrow("mouse.x"), y: try b.readLEOrThrow("mouse.y"),
                                  buttons: try b.readLEOrThrow("mouse.buttons"), displayID: try b.readLEOrThrow("mouse.display_id"))
        case .monitorsConfig:
            let count: UInt32 = try b.readLEOrThrow("monitors.num_of_monitors")
            let flags: UInt32 = try b.readLEOrThrow("monitors.flags")
            guard count <= limits.maxMonitors else {
                throw SpiceProtocolError.tooLarge(field: "agent monitors", size: Int(count), limit: limits.maxMonitors)
            }
            guard Int(count) * 20 <= b.readableBytes else { throw SpiceProtocolError.truncated(field: "monitors.monitors") }
            var monitors: [AgentMonitor] = []
            for _ in 0..<count {
                let h: UInt32 = try b.readLEOrThrow("monitor.height"), w: UInt32 = try b.readLEOrThrow("monitor.width")
                let d: UInt32 = try b.readLEOrThrow("monitor.depth")
                let x: Int32 = try b.readLEOrThrow("monitor.x"), y: Int32 = try b.readLEOrThrow("monitor.y")
                monitors.append(AgentMonitor(width: w, height: h, depth: d, x: x, y: y))
            }
            if flags & 2 != 0 { _ = try b.readBytesOrThrow(Int(count) * 4, field: "monitors.physical_sizes") }
            payload = .monitorsConfig(monitors: monitors, usePosition: flags & 1 != 0)
        case .reply:
            payload = .reply(type: try b.readLEOrThrow("reply.type"), error: try b.readLEOrThrow("reply.error"))
        case .clipboard:
            let s = try selection()
            payload = .clipboard(selection: s, type: try b.readLEOrThrow("clipboard.type"), data: b.readSlice(length: b.readableBytes)!)
        case .displayConfig:
            payload = .displayConfig(flags: try b.readLEOrThrow("display_config.flags"), depth: try b.readLEOrThrow("display_config.depth"))
        case .announceCapabilities:
            let request: UInt32 = try b.readLEOrThrow("announce.request")
            let words = b.readableBytes / 4
            guard words <= limits.maxCapabilityWords else {
                throw SpiceProtocolError.tooLarge(field: "agent capability words", size: words, limit: limits.maxCapabilityWords)
            }
            var caps = VDAgent.Capabilities()
            for _ in 0..<words { caps.words.append(try b.readLEOrThrow("announce.caps")) }
            b.moveReaderIndex(forwardBy: b.readableBytes)  // a partial word is ignored, as spice-gtk does
            payload = .announceCapabilities(request: request != 0, capabilities: caps)
        case .clipboardGrab:
            let s = try selection()
            let serial: UInt32? = options.clipboardGrabSerial ? try b.readLEOrThrow("grab.serial") : nil
            guard b.readableBytes % 4 == 0 else { throw SpiceProtocolError.trailingBytes(field: "grab.types", count: b.readableBytes % 4) }
            let count = b.readableBytes / 4
            guard count <= limits.maxClipboardTypes else {
                throw SpiceProtocolError.tooLarge(field: "clipboard grab types", size: count, limit: limits.maxClipboardTypes)
            }
            var types: [UInt32] = []
            for _ in 0..<count { types.append(try b.readLEOrThrow("grab.type")) }
            payload = .clipboardGrab(selection: s, serial: serial, types: types)
        case .clipboardRequest:
            let s = try selection()
            payload = .clipboardRequest(selection: s, type: try b.readLEOrThrow("request.type"))
        case .clipboardRelease:
            payload = .clipboardRelease(selection: try selection())
        case .fileXferStart:
            let id: UInt32 = try b.readLEOrThrow("xfer_start.id")
            let text = try b.readBytesOrThrow(b.readableBytes, field: "xfer_start.data", maximum: limits.maxFileXferKeyFile)
            payload = .fileXferStart(id: id, keyFile: String(decoding: text.prefix { $0 != 0 }, as: UTF8.self))
        case .fileXferStatus:
            let id: UInt32 = try b.readLEOrThrow("xfer_status.id")
            payload = .fileXferStatus(id: id, result: try b.readLEOrThrow("xfer_status.result"), detail: b.readSlice(length: b.readableBytes)!)
        case .fileXferData:
            let id: UInt32 = try b.readLEOrThrow("xfer_data.id")
            let size: UInt64 = try b.readLEOrThrow("xfer_data.size")
            guard size == UInt64(b.readableBytes) else {
                throw SpiceProtocolError.invalidValue(field: "xfer_data.size (\(b.readableBytes) bytes follow)", value: size)
            }
            payload = .fileXferData(id: id, data: b.readSlice(length: b.readableBytes)!)
        case .clientDisconnected:
            payload = .clientDisconnected
        case .maxClipboard:
            payload = .maxClipboard(try b.readLEOrThrow("max_clipboard.max"))
        case .audioVolumeSync, .graphicsDeviceInfo, .none:
            payload = .other(type: message.type, payload: b.readSlice(length: b.readableBytes)!)
        }
        guard b.readableBytes == 0 else {
            throw SpiceProtocolError.trailingBytes(field: "agent message \(message.type)", count: b.readableBytes)
        }
        return payload
    }

    /// The whole message (header fields besides the size) for this payload.
    public func message(options: AgentWireOptions) -> VDAgent.Message {
        var b = ByteBuffer()
        func selection(_ s: UInt8) {
            guard options.clipboardSelection else { return }
            b.writeLE(s)
            b.writeBytes([0, 0, 0])
        }
        switch self {
        case .mouseState(let x, let y, let buttons, let displayID):
            b.writeLE(x); b.writeLE(y); b.writeLE(buttons); b.writeLE(displayID)
        case .monitorsConfig(let monitors, let usePosition):
            b.writeLE(UInt32(monitors.count))
            b.writeLE(UInt32(usePosition ? 1 : 0))
            for m in monitors { b.writeLE(m.height); b.writeLE(m.width); b.writeLE(m.depth); b.writeLE(m.x); b.writeLE(m.y) }
        case .reply(let type, let error):
            b.writeLE(type); b.writeLE(error)
        case .clipboard(let s, let type, var data):
            selection(s); b.writeLE(type); b.writeBuffer(&data)
        case .displayConfig(let flags, let depth):
            b.writeLE(flags); b.writeLE(depth)
        case .announceCapabilities(let request, let caps):
            b.writeLE(UInt32(request ? 1 : 0))
            for w in caps.words { b.writeLE(w) }
        case .clipboardGrab(let s, let serial, let types):
            selection(s)
            if options.clipboardGrabSerial { b.writeLE(serial ?? 0) }
            for t in types { b.writeLE(t) }
        case .clipboardRequest(let s, let type):
            selection(s); b.writeLE(type)
        case .clipboardRelease(let s):
            selection(s)
        case .fileXferStart(let id, let keyFile):
            b.writeLE(id); b.writeString(keyFile); b.writeLE(UInt8(0))
        case .fileXferStatus(let id, let result, var detail):
            b.writeLE(id); b.writeLE(result); b.writeBuffer(&detail)
        case .fileXferData(let id, var data):
            b.writeLE(id); b.writeLE(UInt64(data.readableBytes)); b.writeBuffer(&data)
        case .clientDisconnected:
            break
        case .maxClipboard(let max):
            b.writeLE(max)
        case .other(_, var payload):
            b.writeBuffer(&payload)
        }
        return VDAgent.Message(type: messageType, payload: b)
    }
}
