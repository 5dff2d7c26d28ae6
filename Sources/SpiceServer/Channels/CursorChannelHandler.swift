import Logging
import NIOCore
import SaffronDesktop
import SpiceProtocol

/// One client's cursor channel: the pointer shape (32-bit ALPHA), and its position in server mouse
/// mode (in client mode the client draws its own pointer where the mouse is). Changes coalesce:
/// only the latest state is sent when the client is ready.
final class CursorChannelHandler: SpiceChannelHandler {
    private var subscription: Int?
    private var sent: CursorState?
    private var pending: CursorState?

    override func started() {
        startAcks()
        let current = server.hub.cursor
        send(CursorChannel.Init(position: point16(current.position), trailLength: 0, trailFrequency: 0,
                                visible: current.visible, cursor: shape(current.image)))
        sent = current
        let cursorChanged = hopping { (handler: SpiceChannelHandler, state: CursorState) in
            (handler as! CursorChannelHandler).cursorChanged(state)
        }
        subscription = server.hub.subscribe { event in
            if case .cursor(let state) = event { cursorChanged(state) }
        }
        session.observeMouseMode(channelID, hopping { (handler: SpiceChannelHandler, _: MouseMode) in
            handler.pump()
            handler.flush()
        })
    }

    private func cursorChanged(_ state: CursorState) {
        pending = state
        pump()
        flush()
    }

    override func pump() {
        guard canSend, let next = pending else { return }
        pending = nil
        let previous = sent
        sent = next
        if !next.visible {
            if previous?.visible != false { send(CursorChannel.Hide()) }
            return
        }
        if next.image?.serial != previous?.image?.serial || previous?.visible == false {
            send(CursorChannel.Set(position: point16(next.position), visible: true, cursor: shape(next.image)))
        } else if session.mouseMode == .server, next.position != previous?.position {
            send(CursorChannel.Move(position: point16(next.position)))
        }
    }

    private func point16(_ p: Point) -> SpicePoint16 {
        SpicePoint16(x: Int16(clamping: p.x), y: Int16(clamping: p.y))
    }

    private func shape(_ image: CursorImage?) -> CursorChannel.Cursor {
        guard let image else { return .none }
        var data = ByteBuffer()
        data.reserveCapacity(image.argb.count * 4)
        for px in image.argb { data.writeLE(px) }
        let header = CursorChannel.Header(
            unique: image.serial, type: .alpha,
            width: UInt16(clamping: image.size.width), height: UInt16(clamping: image.size.height),
            hotSpotX: UInt16(clamping: image.hotSpot.x), hotSpotY: UInt16(clamping: image.hotSpot.y))
        return CursorChannel.Cursor(flags: [], header: header, data: data)
    }

    override func stopped() {
        if let subscription { server.hub.unsubscribe(subscription) }
    }
}
