import Logging
import NIOCore
import NIOPosix
import SaffronDemo
import SaffronDesktop
import SpiceClient
import SpiceProtocol
import Testing
@testable import SpiceServer

/// Codec choice, the pixmap cache and PREFERRED_COMPRESSION, end to end with our client decoding.
@Suite struct CompressionTests {
    static let group = TestSupport.group

    private func start(_ desktop: any DesktopSource, glzWindow: Int32 = 0, _ configure: (inout SpiceServerConfiguration) -> Void = { _ in })
        async throws -> (SpiceServer, SpiceClientSession, Task<Void, Error>) {
        let (server, port, run) = try await TestSupport.startServer(desktop, configure)
        var clientConfiguration = SpiceClientConfiguration(host: "127.0.0.1", port: port)
        clientConfiguration.glzWindowSize = glzWindow
        let client = try await SpiceClientSession.connect(clientConfiguration, group: Self.group)
        return (server, client, run)
    }

    private func next(_ client: SpiceClientSession, seconds: Double = 10, _ predicate: @escaping @Sendable (SpiceClientEvent) -> Bool) async throws -> SpiceClientEvent? {
        try await TestSupport.next(client, seconds: seconds, predicate)
    }

    private static func isDrawn(_ e: SpiceClientEvent) -> Bool { TestSupport.isDrawn(e) }

    @Test func demoArrivesCompressedAndPixelExact() async throws {
        let size = Size(width: 640, height: 400)
        let (server, client, run) = try await start(DemoDesktop(size: size, mode: .static))
        defer { run.cancel(); client.close() }
        #expect(try await next(client) { $0 == .mark } == .mark)
        #expect(client.surface.snapshot().pixels == DemoDesktop.stillFramePixels(size: size))
        let stats = server.stats.snapshot
        #expect(stats.imagesByCodec["lz"] == 1, "no GLZ window: LZ, and never LZ4 unless asked")
        #expect(stats.drawBytes < size.area * 4 / 4, "the demo frame compresses at least 4:1 (sent \(stats.drawBytes) bytes)")
    }

    @Test(arguments: [WANCompression.never, .always])
    func glzWithAWindowAndZlibOnTop(zlib: WANCompression) async throws {
        let size = Size(width: 640, height: 400)
        let desktop = DemoDesktop(size: size, mode: .static)
        let (server, client, run) = try await start(desktop, glzWindow: 4 << 20) { $0.imageCompression.zlibGlzWAN = zlib }
        defer { run.cancel(); client.close() }
        _ = try await next(client) { $0 == .mark }
        // Typing makes small synthetic updates that reference earlier images.
        for code: UInt32 in [0x23, 0x12, 0x26, 0x26, 0x18] {
            client.send(InputsChannel.KeyDown(code: code), on: ChannelID(type: .inputs, id: 0))
            client.send(InputsChannel.KeyUp(code: code | 0x80), on: ChannelID(type: .inputs, id: 0))
        }
        for _ in 0..<100 where client.surface.snapshot().pixels != desktop.framebuffer.snapshot().1 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(client.surface.snapshot().pixels == desktop.framebuffer.snapshot().1)
        let stats = server.stats.snapshot
        #expect((stats.imagesByCodec["glz"] ?? 0) >= 1)
        #expect(stats.imagesByCodec["lz4"] == nil)
    }

    @Test func lz4OnlyWhenAsked() async throws {
        let size = Size(width: 320, height: 200)
        let (server, client, run) = try await start(DemoDesktop(size: size, mode: .static)) { $0.imageCompression.mode = .lz4 }
        defer { run.cancel(); client.close() }
        _ = try await next(client) { $0 == .mark }
        #expect(client.surface.snapshot().pixels == DemoDesktop.stillFramePixels(size: size))
        #expect(server.stats.snapshot.imagesByCodec["lz4"] == 1)
    }

    @Test func recurringContentComesFromTheCache() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 300, height: 200))
        let (server, client, run) = try await start(desktop)
        defer { run.cancel(); client.close() }
        _ = try await next(client) { $0 == .mark }
        let spot = Rect(x: 10, y: 10, width: 16, height: 24)  // a blinking text cursor
        for i in 0..<6 {
            desktop.paint(spot, color: i % 2 == 0 ? 0x00FF_FFFF : 0x0020_2020)
            _ = try await next(client, Self.isDrawn)
        }
        let stats = server.stats.snapshot
        #expect(stats.cacheHits == 4, "two shapes sent once each, then from the cache")
        #expect(client.surface.snapshot().pixels == desktop.framebuffer.snapshot().1)
    }

    @Test func preferredCompressionSwitchesTheCodec() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 300, height: 200))
        let (server, client, run) = try await start(desktop)
        defer { run.cancel(); client.close() }
        _ = try await next(client) { $0 == .mark }
        let received = server.stats.snapshot.bytesReceived
        client.send(DisplayChannel.PreferredCompression(imageCompression: .init(rawValue: 1)), on: ChannelID(type: .display, id: 0))
        // Wait (bounded) until the 7-byte message has reached the server, however busy the machine.
        for _ in 0..<200 where server.stats.snapshot.bytesReceived < received + 7 { try await Task.sleep(for: .milliseconds(10)) }
        desktop.paint(Rect(x: 0, y: 0, width: 100, height: 50), color: 0x0012_3456)
        _ = try await next(client, Self.isDrawn)
        #expect(server.stats.snapshot.imagesByCodec["bitmap"] == 1, "OFF sends the raw bitmap")
        #expect(client.surface.snapshot().pixels == desktop.framebuffer.snapshot().1)
    }

    @Test func jpegOnlyWhenAllowed() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 320, height: 240))
        let (server, client, run) = try await start(desktop) { $0.imageCompression.jpegWAN = .always }
        defer { run.cancel(); client.close() }
        _ = try await next(client) { $0 == .mark }
        desktop.paintGradient(Rect(x: 0, y: 0, width: 320, height: 240))
        _ = try await next(client, Self.isDrawn)
        #expect((server.stats.snapshot.imagesByCodec["jpeg"] ?? 0) >= 1, "the photo-like area goes as JPEG (in bands)")
        // Lossy but close: every channel within a small error of the source (once every band is in).
        let truth = desktop.framebuffer.snapshot().1
        var worst = 255
        for _ in 0..<100 {
            let shown = client.surface.snapshot().pixels
            worst = 0
            for (a, b) in zip(shown, truth) {
                for shift in [0, 8, 16] { worst = max(worst, abs(Int((a >> UInt32(shift)) & 0xFF) - Int((b >> UInt32(shift)) & 0xFF))) }
            }
            if worst < 40 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(worst < 40)
    }

    @Test func photographicContentGoesAsQuicLosslessly() async throws {
        let desktop = ScriptedDesktop(size: Size(width: 320, height: 240))
        let (server, client, run) = try await start(desktop)
        defer { run.cancel(); client.close() }
        _ = try await next(client) { $0 == .mark }
        desktop.paintGradient(Rect(x: 0, y: 0, width: 320, height: 200))
        for _ in 0..<100 where client.surface.snapshot().pixels != desktop.framebuffer.snapshot().1 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(client.surface.snapshot().pixels == desktop.framebuffer.snapshot().1)
        #expect((server.stats.snapshot.imagesByCodec["quic"] ?? 0) >= 1)
    }

    @Test func selectionRules() {
        let image = ImageEncoder(policy: ImageCompressionPolicy(), client: .init(lz4: false, glzWindowPixels: 0, pixmapCachePixels: 0))
        #expect(image.choose(kind: .synthetic, bytes: 10, slowLink: false) == .bitmap, "tiny images go raw")
        #expect(image.choose(kind: .synthetic, bytes: 4000, slowLink: false) == .lz, "no GLZ window: LZ instead of GLZ")
        #expect(image.choose(kind: .photographic, bytes: 4000, slowLink: false) == .quic)
        #expect(image.choose(kind: .photographic, bytes: 4000, slowLink: true) == .jpeg, "auto JPEG on a slow link")
        var glz = ImageEncoder(policy: ImageCompressionPolicy(), client: .init(lz4: true, glzWindowPixels: 1 << 20, pixmapCachePixels: 0))
        #expect(glz.choose(kind: .synthetic, bytes: 4000, slowLink: false) == .glz)
        glz.policy.mode = .lz4
        #expect(glz.choose(kind: .photographic, bytes: 4000, slowLink: false) == .lz4)
        glz.policy.jpegWAN = .never
        glz.policy.mode = .autoLZ
        #expect(glz.choose(kind: .photographic, bytes: 4000, slowLink: true) == .quic, "never JPEG when told so")
        glz.policy.mode = .quic
        glz.policy.jpegWAN = .always
        #expect(glz.choose(kind: .synthetic, bytes: 4000, slowLink: false) == .jpeg, "JPEG replaces forced QUIC everywhere")
        glz.policy.mode = .autoGLZ
        #expect(glz.choose(kind: .synthetic, bytes: 4000, slowLink: false) == .glz, "but never synthetic content in auto modes")
    }

    @Test func cacheMirrorEvictsLeastRecentlyUsed() {
        var cache = PixmapCacheMirror(capacity: 400)
        let a = cache.insert(hash: 1, pixels: 100)!, b = cache.insert(hash: 2, pixels: 100)!
        _ = cache.insert(hash: 3, pixels: 100)
        _ = cache.lookup(hash: 1)  // a is now more recent than b
        let d = cache.insert(hash: 4, pixels: 100)!
        #expect(d.evicted.isEmpty)
        let e = cache.insert(hash: 5, pixels: 100)!
        #expect(e.evicted == [b.id])
        #expect(cache.lookup(hash: 1)?.id == a.id)
        #expect(cache.lookup(hash: 2) == nil)
        #expect(cache.used <= 400)
        #expect(cache.insert(hash: 9, pixels: 101) == nil, "larger than a quarter of the cache: not cached")
    }

    /// A photo-like 96x64 tile (smooth gradients plus noise: the classifier calls it photographic).
    static func photoTile(seed: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        var n = seed
        for y in 0..<64 {
            for x in 0..<96 {
                n = n &* 1_103_515_245 &+ 12345
                let noise = Int((n >> 16) & 7)
                bytes += [UInt8((x * 2 + noise) & 255), UInt8((y * 3 + noise) & 255), UInt8((x + y + noise) & 255), 0]
            }
        }
        return bytes
    }

    @Test("a JPEG is cached as lossy: reused while the link is slow, replaced by a lossless copy (CACHE_REPLACE_ME) once it is not; lossless hits say FROM_CACHE_LOSSLESS")
    func lossyCacheLifecycle() throws {
        var encoder = ImageEncoder(policy: ImageCompressionPolicy(), client: .init(lz4: false, glzWindowPixels: 0, pixmapCachePixels: 1 << 20))
        let tile = Self.photoTile(seed: 7)
        func image(_ o: ImageEncoder.Output) throws -> DisplayChannel.Image {
            guard case .image(let i) = o.payload else {
                Issue.record("expected an image, got a raw bitmap")
                throw CancellationError()
            }
            return i
        }
        let first = try image(encoder.encode(tile, width: 96, height: 64, slowLink: true))
        #expect(first.type == .jpeg)
        #expect(first.flags.contains(.cacheMe), "JPEGs are cached (as lossy)")
        let again = try image(encoder.encode(tile, width: 96, height: 64, slowLink: true))
        #expect(again.type == .fromCache && again.id == first.id, "still slow: the lossy copy will do")
        let exact = try image(encoder.encode(tile, width: 96, height: 64, slowLink: false))
        #expect(exact.type == .quic, "fast now: sent losslessly")
        #expect(exact.id == first.id && exact.flags == [.cacheReplaceMe], "replacing the client's lossy copy under the same id")
        let hit = try image(encoder.encode(tile, width: 96, height: 64, slowLink: true))
        #expect(hit.type == .fromCacheLossless && hit.id == first.id, "now lossless in the cache: FROM_CACHE_LOSSLESS even on a slow link")
        var never = ImageEncoder(policy: ImageCompressionPolicy(), client: .init(lz4: false, glzWindowPixels: 0, pixmapCachePixels: 1 << 20))
        never.policy.jpegWAN = .never
        _ = never.encode(tile, width: 96, height: 64, slowLink: true)
        #expect(try image(never.encode(tile, width: 96, height: 64, slowLink: true)).type == .fromCache, "without JPEG plain FROM_CACHE")
    }

    @Test("a rectangle redrawn three times within 400 ms apart is hot: its new images are not cached, cached ones still hit")
    func hotRectanglesAreNotCached() throws {
        var hot = HotRegions()
        let band = Rect(x: 0, y: 34, width: 1280, height: 34), other = Rect(x: 0, y: 68, width: 1280, height: 34)
        let t0 = ContinuousClock.now
        let runs = [hot.drawn(band, at: t0), hot.drawn(band, at: t0 + .milliseconds(40)), hot.drawn(band, at: t0 + .milliseconds(80)),
                    hot.drawn(other, at: t0 + .milliseconds(80)), hot.drawn(band, at: t0 + .seconds(2))]
        #expect(runs == [false, false, true, false, false], "hot on the third draw in a run; rectangles apart; a pause ends the run")
        var small = HotRegions()
        small.capacity = 4
        for i in 0..<10 { _ = small.drawn(Rect(x: i, y: 0, width: 8, height: 8), at: t0 + .seconds(i)) }
        #expect(small.count <= 4, "bounded")

        var encoder = ImageEncoder(policy: ImageCompressionPolicy(), client: .init(lz4: false, glzWindowPixels: 0, pixmapCachePixels: 1 << 20))
        encoder.policy.jpegWAN = .never
        func image(_ o: ImageEncoder.Output) -> DisplayChannel.Image? {
            if case .image(let i) = o.payload { return i }
            return nil
        }
        let a = Self.photoTile(seed: 1), b = Self.photoTile(seed: 2)
        let cached = image(encoder.encode(a, width: 96, height: 64, slowLink: false))
        #expect(cached?.flags.contains(.cacheMe) == true)
        let fresh = image(encoder.encode(b, width: 96, height: 64, slowLink: false, hot: true))
        #expect(fresh != nil && fresh?.flags.contains(.cacheMe) == false, "a new image in a hot rectangle is not cached")
        let later = image(encoder.encode(b, width: 96, height: 64, slowLink: false))
        #expect(later?.type != .fromCache, "so it is not in the cache later")
        let old = image(encoder.encode(a, width: 96, height: 64, slowLink: false, hot: true))
        #expect(old?.type == .fromCache, "what was cached still hits")
    }
}
