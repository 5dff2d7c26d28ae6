import Logging
import NIOCore
import SaffronDesktop
import SpiceProtocol

/// One client's inputs channel: keys, lock modifiers and pointer, turned into `InputEvent`s for
/// the shared desktop. Pointer messages are acked every 4 so spice-gtk keeps sending them.
final class InputsChannelHandler: SpiceChannelHandler {
    private var motionAcks = MotionAckCounter()

    override func started() {
        send(InputsChannel.Init(modifiers: []))
    }

    override func received(_ frame: MessageFrame) throws {
        switch try InputsChannel.ClientMessage.decode(type: frame.type, body: frame.body, limits: framer.limits) {
        case .keyDown(let m):
            deliver(Self.events(Scancodes.events(fromKeyCode: m.code)))
        case .keyUp(let m):
            deliver(Self.events(Scancodes.events(fromKeyCode: m.code)))
        case .keyScancode(let m):
            deliver(Self.events(Scancodes.events(fromScancodes: m.codes)))
        case .keyModifiers(let m):
            deliver([.lockModifiers(LockModifiers(rawValue: m.modifiers.rawValue & 0x7))])
        case .mouseMotion(let m):
            ackMotion()
            // Relative motion is meaningful only in server mouse mode (the spice server ignores it otherwise).
            guard session.mouseMode == .server else { return }
            deliver([.pointerMotion(dx: Int(m.dx), dy: Int(m.dy), buttons: MouseButtons(rawValue: m.buttons.rawValue))])
        case .mousePosition(let m):
            ackMotion()
            guard session.mouseMode == .client else { return }
            // Absolute positions of one pass collapse into the last (same buttons): a flood costs
            // the desktop one pointer update per pass, not one redraw per message.
            let buttons = MouseButtons(rawValue: m.buttons.rawValue)
            if let pending = pendingPosition, pending.buttons != buttons { deliverPendingPosition() }
            pendingPosition = (Point(x: Int(m.x), y: Int(m.y)), buttons)
        case .mousePress(let m):
            guard let button = MouseButton(rawValue: m.button.rawValue) else { return logger.debug("unknown button \(m.button.rawValue)") }
            deliver([.button(button, down: true, buttons: MouseButtons(rawValue: m.buttons.rawValue))])
        case .mouseRelease(let m):
            guard let button = MouseButton(rawValue: m.button.rawValue) else { return logger.debug("unknown button \(m.button.rawValue)") }
            deliver([.button(button, down: false, buttons: MouseButtons(rawValue: m.buttons.rawValue))])
        case .base:
            break
        }
    }

    /// The last MOUSE_POSITION of the current pass, delivered at its end or before any other event.
    private var pendingPosition: (point: Point, buttons: MouseButtons)?

    private func deliverPendingPosition() {
        guard let pending = pendingPosition else { return }
        pendingPosition = nil
        deliver([.pointerPosition(pending.point, buttons: pending.buttons)])
    }

    /// The end of a pass over received messages.
    override func pump() {
        deliverPendingPosition()
    }

    private func deliver(_ events: [InputEvent]) {
        guard !events.isEmpty else { return }
        if pendingPosition != nil, !events.allSatisfy({ if case .pointerPosition = $0 { true } else { false } }) {
            deliverPendingPosition()
        }
        server.stats.update { $0.inputEvents += events.count }
        for e in events { server.hub.desktop.handle(e) }
    }

    private func ackMotion() {
        if motionAcks.receivedMotion() { send(InputsChannel.MouseMotionAck()) }
    }
}

extension InputsChannelHandler {
    static func events(_ keys: [Scancodes.Event]) -> [InputEvent] {
        keys.map { .key(code: $0.makeCode, extended: $0.extended, down: $0.down) }
    }
}
