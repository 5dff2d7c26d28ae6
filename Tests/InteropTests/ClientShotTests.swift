import Foundation
import Testing

/// `saffron shot URI --out FILE` runs the SpiceClient library end to end.
func saffronShot(_ target: String, out: String, _ extra: [String] = [], in dir: TempDir, name: String = "saffron-shot",
                 timeout: Double = 60) async throws -> ToolRun {
    try await runTool(try Paths.saffron(), ["shot", target, "--out", out] + extra, in: dir, name: name, timeout: timeout)
}

extension Interop {
    /// Our client library's pictures against spice-gtk's (spicy-screenshot) of the same servers.
    @Suite("saffron shot")
    struct ClientShot {
        /// Takes spicy-screenshot's and our picture of the same still screen until they agree
        /// (bounded); returns the last pair.
        static func shots(port: Int, in dir: TempDir, attempts: Int = 4, mask: (x: Int, y: Int, width: Int, height: Int)? = nil,
                          extra: [String] = [], label: String) async throws -> (spicy: PPMImage, ours: PPMImage, run: ToolRun) {
            var last: (PPMImage, PPMImage, ToolRun)?
            for attempt in 1...attempts {
                let spicyPath = dir.path("\(label)-spicy-\(attempt).ppm"), oursPath = dir.path("\(label)-saffron-\(attempt).ppm")
                _ = try await Peers.spicyScreenshot(port: port, out: spicyPath, in: dir, name: "spicy-\(label)-\(attempt)")
                let run = try await saffronShot("spice://127.0.0.1:\(port)", out: oursPath, extra, in: dir, name: "shot-\(label)-\(attempt)")
                try #require(run.succeeded, "saffron shot failed\n\(run.tail())")
                var spicy = try PPMImage(path: spicyPath), ours = try PPMImage(path: oursPath)
                if let m = mask {
                    spicy = spicy.masking(x: m.x, y: m.y, width: m.width, height: m.height)
                    ours = ours.masking(x: m.x, y: m.y, width: m.width, height: m.height)
                }
                last = (spicy, ours, run)
                if spicy == ours { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            return last!
        }

        /// The shot is taken while X draws (a new root colour, a new xterm listing /): our canvas
        /// renders the server's incremental draw commands (FILL, COPY, COPY_BITS, ...) and must
        /// end up where a fresh spicy-screenshot (one full image) starts.
        static func liveDrawing(_ xspice: XspiceServer, in dir: TempDir, label: String) async throws {
            let env = ["DISPLAY": ":\(xspice.display)"]
            let live = dir.path("\(label)-live.ppm")
            let shot = try ChildProcess(try Paths.saffron(), ["shot", "spice://127.0.0.1:\(xspice.port)", "--out", live,
                                                              "--wait-still", "900", "--verbose"], in: dir, name: "live-\(label)")
            defer { shot.killNow() }
            try await Task.sleep(for: .milliseconds(400))
            let root = try await runTool(try Paths.tool("xsetroot", package: "x11-xserver-utils"), ["-solid", "#336699"],
                                         environment: env, in: dir, name: "xsetroot-\(label)", timeout: 10)
            #expect(root.succeeded, "\(root.tail())")
            let xterm = try ChildProcess(try Paths.tool("xterm", package: "xterm"),
                                         ["-geometry", "60x10+20+400", "-fn", "fixed", "-e", "sh", "-c", "ls -l /; echo done; sleep 120"],
                                         environment: env, in: dir, name: "xterm-\(label)")
            defer { xterm.killNow() }
            let status = await shot.wait(seconds: 40)
            try #require(status == .exited(0), "live shot: \(String(describing: status))\n\(shot.tail())")
            try await Task.sleep(for: .milliseconds(300))
            let spicyPath = dir.path("\(label)-live-spicy.ppm")
            _ = try await Peers.spicyScreenshot(port: xspice.port, out: spicyPath, in: dir, name: "spicy-live-\(label)")
            let c = XspiceServer.clockArea
            let ours = try PPMImage(path: live).masking(x: c.x, y: c.y, width: c.width, height: c.height)
            let spicy = try PPMImage(path: spicyPath).masking(x: c.x, y: c.y, width: c.width, height: c.height)
            #expect(ours == spicy, "\(label) live: \(ours.describeDifference(from: spicy))\n\(shot.tail(3))")
            let counts = shot.stderr.split(separator: "\n").last { $0.contains("display messages") } ?? ""
            report("shot Xspice \(label) while drawing: \(ours.describeDifference(from: spicy)); \(counts)")
        }

        @Test("QEMU's spice-server: saffron shot equals spicy-screenshot", .timeLimit(.minutes(3)))
        func qemu() async throws {
            let dir = try TempDir("shot-qemu")
            defer { dir.remove() }
            let (qemu, port) = try await Peers.startQEMU(in: dir, name: "shot-qemu")
            defer { qemu.killNow() }
            // Wait (bounded) for SeaBIOS's text, as reference-qemu.sh does.
            var settled = false
            for attempt in 1...40 where !settled {
                let probe = dir.path("probe-\(attempt).ppm")
                _ = try await Peers.spicyScreenshot(port: port, out: probe, in: dir, name: "probe-\(attempt)")
                settled = try PPMImage(path: probe).nonBlack > 500
                if !settled { try await Task.sleep(for: .milliseconds(250)) }
            }
            try #require(settled, "SeaBIOS never drew its text")
            try await Task.sleep(for: .seconds(1))
            // SeaBIOS's text cursor blinks (about 4 times a second): settle for 100 ms and retry
            // until both clients caught the same blink phase.
            // The blinking cell (9x2 at 0,141) is masked in both pictures; everything else must match.
            let (spicy, ours, run) = try await Self.shots(port: port, in: dir, attempts: 10, mask: (x: 0, y: 141, width: 9, height: 2),
                                                          extra: ["--wait-still", "100"], label: "qemu")
            #expect(ours == spicy, "saffron shot differs from spicy-screenshot: \(ours.describeDifference(from: spicy))")
            report("shot QEMU \(ours.size): \(ours.describeDifference(from: spicy)) in \(String(format: "%.2f", run.seconds)) s")
            #expect(await qemu.stop(grace: 5).code >= 0)
        }

        @Test("Xspice (xterm, xclock, xev): saffron shot equals spicy-screenshot, xclock masked",
              .timeLimit(.minutes(3)), arguments: ["off", "quic", "lz", "glz", "glz+zlib", "auto_glz", "auto_lz"])
        func xspice(compression: String) async throws {
            let dir = try TempDir("shot-xspice-\(compression)")
            defer { dir.remove() }
            // glz+zlib: ZLIB_GLZ_RGB for every GLZ image large enough (the xclock, xterm lines).
            let options = compression == "glz+zlib" ? "--image-compression glz --zlib-glz-wan-compression always"
                                                    : "--image-compression \(compression)"
            let xspice = try await XspiceServer(extra: options, in: dir)
            do {
                let (spicy, ours, run) = try await Self.shots(port: xspice.port, in: dir, mask: XspiceServer.clockArea, label: compression)
                #expect(ours == spicy, "\(compression): saffron shot differs from spicy-screenshot: \(ours.describeDifference(from: spicy))")
                report("shot Xspice \(compression) \(ours.size): \(ours.describeDifference(from: spicy)) in \(String(format: "%.2f", run.seconds)) s")
                try await Self.liveDrawing(xspice, in: dir, label: compression)
            } catch {
                await xspice.stop()
                throw error
            }
            await xspice.stop()
        }

        @Test("Xspice with LZ4 (both clients ask for it: PREFERRED_COMPRESSION lz4)", .timeLimit(.minutes(3)))
        func xspiceLZ4() async throws {
            let dir = try TempDir("shot-xspice-lz4")
            defer { dir.remove() }
            let xspice = try await XspiceServer(extra: "--image-compression auto_glz", in: dir)
            do {
                let (spicy, ours, run) = try await Self.shots(port: xspice.port, in: dir, mask: XspiceServer.clockArea,
                                                              extra: ["--preferred-compression", "lz4"], label: "lz4")
                #expect(ours == spicy, "lz4: saffron shot differs from spicy-screenshot: \(ours.describeDifference(from: spicy))")
                report("shot Xspice lz4 (preferred) \(ours.size): \(ours.describeDifference(from: spicy)) in \(String(format: "%.2f", run.seconds)) s")
                try await Self.liveDrawing(xspice, in: dir, label: "lz4")
            } catch {
                await xspice.stop()
                throw error
            }
            await xspice.stop()
        }

        @Test("Xspice with JPEG (jpeg-wan-compression always): PSNR against spicy-screenshot", .timeLimit(.minutes(3)))
        func xspiceJPEG() async throws {
            let dir = try TempDir("shot-xspice-jpeg")
            defer { dir.remove() }
            let xspice = try await XspiceServer(extra: "--image-compression auto_glz --jpeg-wan-compression always", in: dir)
            do {
                let (spicy, ours, _) = try await Self.shots(port: xspice.port, in: dir, mask: XspiceServer.clockArea, label: "jpeg")
                let psnr = ours.psnr(against: spicy)
                #expect(psnr >= 40, "PSNR \(psnr) dB: \(ours.describeDifference(from: spicy))")
                report("shot Xspice jpeg \(ours.size): PSNR \(psnr.isInfinite ? "inf (identical)" : String(format: "%.1f dB", psnr))")
            } catch {
                await xspice.stop()
                throw error
            }
            await xspice.stop()
        }

        @Test("JPEG for real (saffron serve, jpeg-wan-compression always): identical to spicy-screenshot, PSNR vs the frame",
              .timeLimit(.minutes(2)))
        func saffronJPEG() async throws {
            let dir = try TempDir("shot-jpeg")
            defer { dir.remove() }
            let expected = try await demoFrame(size: "1280x800", in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--image-compression", "quic",
                                                  "--jpeg-wan-compression", "always"], size: "1280x800", in: dir)
            defer { server.killNow() }
            let (spicy, ours, _) = try await Self.shots(port: server.port, in: dir, label: "jpeg")
            let psnr = ours.psnr(against: expected)
            #expect(ours == spicy, "JPEG: \(ours.describeDifference(from: spicy)), PSNR \(ours.psnr(against: spicy))")
            // Lossy on purpose: the frame went through JPEG (measured 33.8 dB for this frame).
            #expect(psnr < 60 && psnr >= 30, "PSNR against demo-frame \(psnr) dB")
            report("shot saffron JPEG 1280x800: vs spicy-screenshot \(ours.describeDifference(from: spicy)), vs demo-frame PSNR \(String(format: "%.1f", psnr)) dB")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("saffron serve --demo static: saffron shot equals demo-frame", .timeLimit(.minutes(2)))
        func saffronDemo() async throws {
            let dir = try TempDir("shot-demo")
            defer { dir.remove() }
            let expected = try await demoFrame(size: "1280x800", in: dir)
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing"], size: "1280x800", in: dir)
            defer { server.killNow() }
            let png = dir.path("demo.png"), ppm = dir.path("demo.ppm")
            let run = try await saffronShot("spice://127.0.0.1:\(server.port)", out: ppm, in: dir)
            try #require(run.succeeded, "\(run.tail())")
            let image = try PPMImage(path: ppm)
            #expect(image == expected, "\(image.describeDifference(from: expected))")
            let pngRun = try await saffronShot("spice://127.0.0.1:\(server.port)", out: png, in: dir, name: "shot-png")
            #expect(pngRun.succeeded, "\(pngRun.tail())")
            let header = try #require(FileManager.default.contents(atPath: png)).prefix(8)
            #expect(Array(header) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            report("shot saffron demo 1280x800: \(image.describeDifference(from: expected))")
            #expect(await server.stop() == .exited(0), "\(server.process.tail())")
        }

        @Test("Exit codes: refused 2, wrong password 3, TLS to a closed port 2, silent server 5", .timeLimit(.minutes(2)))
        func exitCodes() async throws {
            let dir = try TempDir("shot-codes")
            defer { dir.remove() }
            let out = dir.path("x.ppm")
            let closedPort = try Ports.free()
            let refused = try await saffronShot("spice://127.0.0.1:\(closedPort)", out: out, in: dir, name: "refused")
            #expect(refused.status == .exited(2), "\(refused.tail())")

            let server = try await SaffronServer(["--demo", "static"], size: "640x480", environment: ["SAFFRON_PASSWORD": "right"], in: dir)
            defer { server.killNow() }
            let wrong = try await saffronShot("spice://127.0.0.1:\(server.port)", out: out, ["--password", "wrong"], in: dir, name: "wrong")
            #expect(wrong.status == .exited(3), "\(wrong.tail())")
            let right = try await saffronShot("spice://127.0.0.1:\(server.port)", out: out, ["--password", "right"], in: dir, name: "right")
            #expect(right.succeeded, "\(right.tail())")
            await server.stop()

            // TLS to a closed port cannot connect (2); TLS refusals (wrong CA, subject) are 4 (ClientIOTests).
            let tlsOnly = try await saffronShot("spice+tls://127.0.0.1:\(closedPort)", out: out, in: dir, name: "tls")
            #expect(tlsOnly.status == .exited(2), "\(tlsOnly.tail())")

            // A TCP listener that never answers the link: bounded by --timeout.
            let silent = try SilentListener()
            defer { silent.close() }
            let timedOut = try await saffronShot("spice://127.0.0.1:\(silent.port)", out: out, ["--timeout", "2"], in: dir, name: "silent")
            #expect(timedOut.status == .exited(5), "\(timedOut.tail())")
            report("shot exit codes: refused \(refused.status), wrong password \(wrong.status), tls \(tlsOnly.status), silent \(timedOut.status)")
        }
    }
}
