import Logging
import NIOCore
import SaffronDesktop
import SpiceProtocol

/// One client's display channel: surface lifecycle and damage-driven DRAW_COPY updates, paced by
/// the client's acks and the socket's writability.
final class DisplayChannelHandler: SpiceChannelHandler {
    private var pipe = DisplayPipe()
    private var subscription: Int?
    private var initTimeout: Scheduled<Void>?
    private var nextImageID: UInt64 = 1

    override func started() {
        startAcks()
        initTimeout = schedule(in: server.configuration.displayInitTimeout) { handler in
            handler.close(reason: "no DISPLAY_INIT from the client")
        }
    }

    override func received(_ frame: MessageFrame) throws {
        switch try DisplayChannel.ClientMessage.decode(type: frame.type, body: frame.body, limits: framer.limits) {
        case .`init`(let m):
            guard !pipe.hasStarted else { return }
            initTimeout?.cancel()
            logger.debug("display init", metadata: ["pixmap-cache": "\(m.pixmapCacheSize)", "glz-window": "\(m.glzDictionaryWindowSize)"])
            subscribe()
            pipe.start(size: server.hub.desktop.framebuffer.size)
        case .preferredCompression, .preferredVideoCodecType, .streamReport, .glDrawDone:
            // Only uncompressed bitmaps and no streams yet: nothing to change.
            break
        case .base:
            break
        }
    }

    private func subscribe() {
        subscription = server.hub.subscribe(hopping { (handler: SpiceChannelHandler, event: DesktopEvent) in
            (handler as! DisplayChannelHandler).desktopChanged(event)
        })
    }

    private func desktopChanged(_ event: DesktopEvent) {
        switch event {
        case .damage(let rects): pipe.addDamage(rects)
        case .moved(let source, let destination): pipe.addMove(source: source, destination: destination)
        case .resized(let size): pipe.resized(to: size)
        case .cursor: return
        case .ended(let reason):
            close(reason: "desktop ended: \(reason)")
            return
        }
        pump()
        flush()
    }

    override func pump() {
        let maxPixels = max(1, server.configuration.maxDrawBytes / 4)
        while canSend, let item = pipe.next(maxPixels: maxPixels) {
            send(item)
        }
    }

    private func send(_ item: DisplayPipe.Item) {
        switch item {
        case .surfaceCreate(let size):
            send(DisplayChannel.SurfaceCreate(surfaceID: 0, width: UInt32(size.width), height: UInt32(size.height),
                                              format: .xrgb32, flags: .primary))
        case .surfaceDestroy:
            send(DisplayChannel.SurfaceDestroy(surfaceID: 0))
        case .monitorsConfig(let size):
            send(DisplayChannel.MonitorsConfig(maxAllowed: 1, heads: [
                .init(monitorID: 0, surfaceID: 0, width: UInt32(size.width), height: UInt32(size.height), x: 0, y: 0, flags: 0),
            ]))
        case .mark:
            send(DisplayChannel.Mark())
        case .copyBits(let source, let destination):
            let box = SpiceRect(x: Int32(destination.x), y: Int32(destination.y), width: Int32(source.width), height: Int32(source.height))
            send(DisplayChannel.CopyBits(base: .init(surfaceID: 0, box: box, clip: .none),
                                         sourcePosition: SpicePoint(x: Int32(source.x), y: Int32(source.y))))
            server.stats.update { $0.copyBitsMessages += 1 }
        case .fullDraw(let rect):
            draw(rect, full: true)
        case .draw(let rect):
            draw(rect, full: false)
        }
    }

    /// DRAW_COPY of an uncompressed top-down 32-bit bitmap read from the framebuffer now.
    private func draw(_ rect: Rect, full: Bool) {
        guard let surface = pipe.surface else { return }
        let target = rect.intersection(Rect(origin: .zero, size: surface))
        guard !target.isEmpty else { return }
        let imageID = nextImageID
        nextImageID += 1
        var sentBytes = 0
        var sentPixels = 0
        server.hub.desktop.framebuffer.copyPixels(in: target) { clipped, pixels in
            guard !clipped.isEmpty else { return }
            sentPixels = clipped.area
            sentBytes = send(type: DisplayChannel.DrawCopy.messageType, capacity: 93 + pixels.count) { writer in
                DisplayChannel.DrawCopy.encodeBitmap(
                    surfaceID: 0,
                    destination: SpiceRect(x: Int32(clipped.x), y: Int32(clipped.y), width: Int32(clipped.width), height: Int32(clipped.height)),
                    imageID: imageID, width: UInt32(clipped.width), height: UInt32(clipped.height),
                    into: &writer) { buffer in
                        buffer.writeBytes(pixels)
                    }
            }
        }
        guard sentBytes > 0 else { return }
        server.stats.update {
            $0.drawMessages += 1
            $0.drawBytes += sentBytes
            $0.drawPixels += sentPixels
            if full { $0.fullFrameDraws += 1 }
        }
    }

    override func stopped() {
        initTimeout?.cancel()
        if let subscription { server.hub.unsubscribe(subscription) }
    }
}
