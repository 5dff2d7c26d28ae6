import Logging
import NIOCore
import SaffronDesktop
import SpiceProtocol

/// One client's display channel: surface lifecycle and damage-driven DRAW_COPY updates, paced by
/// the client's acks and the socket's writability.
final class DisplayChannelHandler: SpiceChannelHandler {
    private var pipe = DisplayPipe()
    static let maxMonitors: UInt16 = 4
    private var subscription: Int?
    /// The framebuffer of the desktop this client started with (a replacement desktop is for new clients).
    private var framebuffer: Framebuffer?
    /// This client's say in the desktop's capture rate: whether it is behind, as last told.
    private var pacing: (pacer: FramePacer, id: Int, behind: Bool)?
    private var initTimeout: Scheduled<Void>?
    private var encoder: ImageEncoder?
    private var hotRegions = HotRegions()
    /// Pixels copied out of the framebuffer, so encoding happens without holding its lock; the
    /// buffer is reused between draws up to `scratchBytesKept`.
    private var scratch: [UInt8] = []
    static let scratchBytesKept = 1 << 20

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
            initTimeout = nil  // the scheduled closure holds this handler
            logger.debug("display init", metadata: ["pixmap-cache": "\(m.pixmapCacheSize)", "glz-window": "\(m.glzDictionaryWindowSize)"])
            encoder = ImageEncoder(policy: server.configuration.imageCompression, client: .init(
                lz4: clientChannelCaps.contains(DisplayCapability.lz4Compression),
                glzWindowPixels: max(0, Int(m.glzDictionaryWindowSize)),
                pixmapCachePixels: Int(clamping: max(0, m.pixmapCacheSize))))
            if let ended = server.hub.endReason { return close(reason: "desktop ended: \(ended)") }
            let desktop = server.hub.desktop
            let framebuffer = desktop.framebuffer
            self.framebuffer = framebuffer
            if let pacer = desktop.pacer { pacing = (pacer, pacer.register(), false) }
            subscribe()
            pipe.start(size: framebuffer.size, monitors: desktop.monitors)
        case .preferredCompression(let m):
            guard let mode = ImageCompression(wireValue: m.imageCompression.rawValue) else {
                return logger.debug("ignoring preferred compression \(m.imageCompression.rawValue)")
            }
            logger.info("client prefers image compression", metadata: ["mode": "\(mode.rawValue)"])
            encoder?.policy.mode = mode
        case .preferredVideoCodecType, .streamReport, .glDrawDone:
            // No video streams yet: nothing to change.
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
        case .moved(let source, let destination, let serial): pipe.addMove(source: source, destination: destination, serial: serial)
        case .resized(let size): pipe.resized(to: size, monitors: server.hub.desktop.monitors)
        case .layout(let monitors): pipe.layoutChanged(monitors)
        case .cursor, .clipboard: return
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
            // False: the framebuffer is ahead of the events we have seen; wait for them.
            guard send(item) else { return }
        }
        checkStall(workPending: !pipe.isIdle)
        // Behind: changes wait for acks or socket space, so capturing faster only merges more.
        if let p = pacing {
            let behind = !pipe.isIdle && !canSend
            if behind != p.behind {
                p.pacer.update(p.id, behind: behind)
                pacing?.behind = behind
            }
        }
    }

    @discardableResult
    private func send(_ item: DisplayPipe.Item) -> Bool {
        switch item {
        case .surfaceCreate(let size):
            send(DisplayChannel.SurfaceCreate(surfaceID: 0, width: UInt32(size.width), height: UInt32(size.height),
                                              format: .xrgb32, flags: .primary))
        case .surfaceDestroy:
            send(DisplayChannel.SurfaceDestroy(surfaceID: 0))
        case .monitorsConfig(let heads):
            // maxAllowed: how many monitors the client may enable (the built-in agent lays them out).
            send(DisplayChannel.MonitorsConfig(maxAllowed: Self.maxMonitors, heads: heads.enumerated().map { i, r in
                .init(monitorID: UInt32(i), surfaceID: 0, width: UInt32(r.width), height: UInt32(r.height),
                      x: UInt32(r.x), y: UInt32(r.y), flags: 0)
            }))
        case .mark:
            send(DisplayChannel.Mark())
        case .copyBits(let source, let destination):
            let box = SpiceRect(x: Int32(destination.x), y: Int32(destination.y), width: Int32(source.width), height: Int32(source.height))
            send(DisplayChannel.CopyBits(base: .init(surfaceID: 0, box: box, clip: .none),
                                         sourcePosition: SpicePoint(x: Int32(source.x), y: Int32(source.y))))
            server.stats.update { $0.copyBitsMessages += 1 }
        case .fullDraw(let rect):
            return draw(rect, full: true)
        case .draw(let rect):
            return draw(rect, full: false)
        }
        return true
    }

    /// DRAW_COPY of the framebuffer's current pixels in `rect`, compressed or from the client's cache.
    private func draw(_ rect: Rect, full: Bool) -> Bool {
        guard let surface = pipe.surface, var encoder else { return true }
        var target = rect.intersection(Rect(origin: .zero, size: surface))
        guard !target.isEmpty else { return true }
        var copied = false
        var serial: UInt64 = 0
        guard let framebuffer else { return true }
        framebuffer.copyPixels(in: target) { clipped, pixels, moveSerial in
            guard !clipped.isEmpty else { return }
            target = clipped
            serial = moveSerial
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: pixels)
            copied = true
        }
        guard copied else { return true }
        if full {
            pipe.fullDrawRead(atMoveSerial: serial)
        } else if !pipe.acceptRead(target, atMoveSerial: serial) {
            return false
        }
        let slow = session.linkQuality.isSlow(threshold: server.configuration.slowLinkBitsPerSecond)
        let hot = hotRegions.drawn(target, at: .now)
        let output = encoder.encode(scratch, width: target.width, height: target.height, slowLink: slow, hot: hot)
        self.encoder = encoder
        if !output.invalidate.isEmpty {
            send(DisplayChannel.InvalList(resources: output.invalidate.map { .init(type: .pixmap, id: $0) }))
        }
        let box = SpiceRect(x: Int32(target.x), y: Int32(target.y), width: Int32(target.width), height: Int32(target.height))
        let sentBytes: Int
        switch output.payload {
        case .bitmap(let id, let flags):
            sentBytes = send(type: DisplayChannel.DrawCopy.messageType, capacity: 93 + scratch.count) { writer in
                DisplayChannel.DrawCopy.encodeBitmap(surfaceID: 0, destination: box, imageID: id, imageFlags: flags,
                                                     width: UInt32(target.width), height: UInt32(target.height),
                                                     into: &writer) { $0.writeBytes(scratch) }
            }
        case .image(let image):
            let message = DisplayChannel.DrawCopy(
                base: .init(surfaceID: 0, box: box, clip: .none), sourceBitmap: image,
                sourceArea: SpiceRect(top: 0, left: 0, bottom: Int32(target.height), right: Int32(target.width)))
            sentBytes = send(type: DisplayChannel.DrawCopy.messageType, capacity: 128) { message.encode(to: &$0) }
        }
        // A whole-surface draw (start, resize) is many bands' worth: holding its buffer for the
        // connection's lifetime cost every client 8 MB at 1920x1080.
        if scratch.capacity > Self.scratchBytesKept { scratch = [] }
        let codec = output.fromCache ? "cache" : "\(output.codec)"
        server.stats.update {
            $0.drawMessages += 1
            $0.drawBytes += sentBytes
            $0.drawPixels += target.area
            $0.imagesByCodec[codec, default: 0] += 1
            if output.fromCache { $0.cacheHits += 1 }
            if full { $0.fullFrameDraws += 1 }
        }
        return true
    }

    override func stopped() {
        initTimeout?.cancel()
        initTimeout = nil
        if let subscription { server.hub.unsubscribe(subscription) }
        if let p = pacing { p.pacer.unregister(p.id) }
        pacing = nil
    }
}
