import Logging
import NIOCore
import SaffronDesktop
import SpiceProtocol

/// One client's inputs channel: keys, lock modifiers and pointer, turned into `InputEvent`s for
/// the shared desktop. Pointer messages are acked every 4 so spice-gtk keeps sending them.
final class InputsChannelHandler: SpiceChannelHandler {
    private var motionAcks = MotionAckCounter()

    override func started() {
        send(InputsChannel.Init(keyboardModifiers: 0))
    }

    override func received(_ frame: MessageFrame) throws {
        let desktop = server.hub.desktop
        switch try InputsChannel.ClientMessage.decode(type: frame.type, body: frame.body, limits: framer.limits) {
        case .keyDown(let m):
            deliver(ScancodeDecoder.events(forKeyCode: m.code, down: true))
        case .keyUp(let m):
            deliver(ScancodeDecoder.events(forKeyCode: m.code, down: false))
        case .keyScancode(let m):
            deliver(ScancodeDecoder.events(forScancodeBytes: m.codes))
        case .keyModifiers(let m):
            deliver([.lockModifiers(LockModifiers(rawValue: m.modifiers & 0x7))])
        case .mouseMotion(let m):
            ackMotion()
            // Relative motion is meaningful only in server mouse mode (the spice server ignores it otherwise).
            guard session.mouseMode == .server else { return }
            deliver([.pointerMotion(dx: Int(m.dx), dy: Int(m.dy), buttons: MouseButtons(rawValue: m.buttonsState))])
        case .mousePosition(let m):
            ackMotion()
            guard session.mouseMode == .client else { return }
            deliver([.pointerPosition(Point(x: Int(m.x), y: Int(m.y)), buttons: MouseButtons(rawValue: m.buttonsState))])
        case .mousePress(let m):
            guard let button = MouseButton(rawValue: m.button) else { return logger.debug("unknown button \(m.button)") }
            deliver([.button(button, down: true, buttons: MouseButtons(rawValue: m.buttonsState))])
        case .mouseRelease(let m):
            guard let button = MouseButton(rawValue: m.button) else { return logger.debug("unknown button \(m.button)") }
            deliver([.button(button, down: false, buttons: MouseButtons(rawValue: m.buttonsState))])
        case .base:
            break
        }
        _ = desktop
    }

    private func deliver(_ events: [InputEvent]) {
        guard !events.isEmpty else { return }
        server.stats.update { $0.inputEvents += events.count }
        for e in events { server.hub.desktop.handle(e) }
    }

    private func ackMotion() {
        if motionAcks.receivedMotion() { send(InputsChannel.MouseMotionAck()) }
    }
}

extension ScancodeDecoder {
    /// SPICE key codes as desktop input events.
    static func events(forKeyCode code: UInt32, down: Bool) -> [InputEvent] {
        decode(keyCode: code, pressed: down).map { .key(code: $0.code, extended: $0.extended, down: $0.down) }
    }

    static func events(forScancodeBytes bytes: [UInt8]) -> [InputEvent] {
        decode(scancodeBytes: bytes).map { .key(code: $0.code, extended: $0.extended, down: $0.down) }
    }
}
