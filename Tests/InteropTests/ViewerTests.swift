import Foundation
import Testing

extension Interop {
    /// `saffron view` in an Xvfb of its own, looked at with xwd and driven with xdotool/xclip.
    @Suite("saffron view")
    struct Viewer {
        /// The viewer's own X display: an Xvfb that picks a free display number itself.
        struct LocalX {
            let xvfb: ChildProcess
            let display: String

            init(size: String = "1600x1200", in dir: TempDir) async throws {
                xvfb = try ChildProcess(try Paths.tool("Xvfb", package: "xvfb"),
                                        ["-displayfd", "1", "-screen", "0", "\(size)x24", "-nolisten", "tcp", "-noreset"],
                                        in: dir, name: "viewer-xvfb")
                let deadline = ContinuousClock.now + .seconds(10)
                var number: Substring?
                while number == nil {
                    if let status = xvfb.status { throw HarnessError("the viewer's Xvfb ended (\(status))\n\(xvfb.tail())") }
                    guard ContinuousClock.now < deadline else { xvfb.killNow(); throw HarnessError("Xvfb gave no display number in 10 s") }
                    try await Task.sleep(for: .milliseconds(50))
                    number = xvfb.stdout.firstMatch(of: /([0-9]+)\n/)?.1
                }
                display = ":\(number!)"
            }

            var environment: [String: String] { ["DISPLAY": display, "XAUTHORITY": "/dev/null"] }

            func tool(_ name: String, package: String, _ args: [String], in dir: TempDir, label: String) async throws -> ToolRun {
                try await runTool(try Paths.tool(name, package: package), args, environment: environment, in: dir, name: label, timeout: 20)
            }

            /// `saffron view URI` on this display, rendering in software (pixel-exact copies).
            func startViewer(_ uri: String, _ extra: [String] = [], in dir: TempDir, name: String = "viewer") throws -> ChildProcess {
                try ChildProcess(try Paths.saffron(), ["view", uri] + extra,
                                 environment: environment.merging(["SDL_VIDEODRIVER": "x11", "SDL_RENDER_DRIVER": "software"]) { $1 },
                                 in: dir, name: name)
            }

            /// The viewer's window id (bounded wait until it is mapped).
            func window(named pattern: String, viewer: ChildProcess, in dir: TempDir) async throws -> String {
                let deadline = ContinuousClock.now + .seconds(20)
                var n = 0
                while ContinuousClock.now < deadline {
                    if let status = viewer.status { throw HarnessError("saffron view ended (\(status))\n\(viewer.tail())") }
                    n += 1
                    let run = try await tool("xdotool", package: "xdotool", ["search", "--onlyvisible", "--name", pattern], in: dir, label: "xdotool-search-\(n)")
                    if let id = run.stdout.split(separator: "\n").first, run.succeeded { return String(id) }
                    try await Task.sleep(for: .milliseconds(200))
                }
                throw HarnessError("no visible window named '\(pattern)' on \(display) within 20 s\n\(viewer.tail())")
            }

            func capture(window id: String, in dir: TempDir, label: String) async throws -> XWDImage {
                let out = dir.path("\(label).xwd")
                let run = try await tool("xwd", package: "x11-apps", ["-id", id, "-silent", "-out", out], in: dir, label: "xwd-\(label)")
                guard run.succeeded else { throw HarnessError("xwd -id \(id) failed\n\(run.tail())") }
                return try XWDImage(path: out)
            }

            func stop() async { _ = await xvfb.stop(grace: 3) }
        }

        /// Waits (bounded) until the viewer window's pixels equal `expected()`'s; the last
        /// difference when they never do.
        static func waitForEqual(_ x: LocalX, window: String, in dir: TempDir, seconds: Double,
                                 expected: () async throws -> XWDImage) async throws -> (Bool, String) {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            var n = 0
            var last = "nothing compared"
            while ContinuousClock.now < deadline {
                n += 1
                let want = try await expected()
                let got = try await x.capture(window: window, in: dir, label: "window-\(n)")
                if got.width == want.width, got.height == want.height {
                    let diff = zip(got.pixels, want.pixels).filter { $0 != $1 }.count
                    if diff == 0 { return (true, "") }
                    last = "\(diff) of \(got.width * got.height) pixels differ"
                } else {
                    last = "window \(got.width)x\(got.height), remote \(want.width)x\(want.height)"
                }
                try await Task.sleep(for: .milliseconds(300))
            }
            return (false, last)
        }

        @Test("the window equals the X desktop, keys typed in it reach the xterm, the desktop follows the window's size, text copies both ways",
              .timeLimit(.minutes(3)))
        func viewerOnX11Desktop() async throws {
            let dir = try TempDir("viewer-x11")
            defer { dir.remove() }
            let file = dir.path("typed.txt")
            let session = "exec xterm -geometry 100x40+0+0 -T typing -e sh -c 'stty -echoctl; cat > \(file)'"
            let remote = try await X11.XServe(session: session, in: dir)
            defer { remote.server.killNow() }
            try await remote.waitForWindow("typing", in: dir)
            let local = try await LocalX(in: dir)
            defer { local.xvfb.killNow() }
            let viewer = try local.startViewer("spice://127.0.0.1:\(remote.server.port)", ["--title", "viewer-under-test"], in: dir)
            defer { viewer.killNow() }
            let window = try await local.window(named: "viewer-under-test", viewer: viewer, in: dir)

            // 1. Pixels: the window shows exactly the remote X screen (1024x768, 1:1).
            var shots = 0
            let remoteScreen: () async throws -> XWDImage = {
                shots += 1
                return try await remote.rootScreen(in: dir, label: "remote-xwd-\(shots)")
            }
            let started = ContinuousClock.now
            let (equal, why) = try await Self.waitForEqual(local, window: window, in: dir, seconds: 20, expected: remoteScreen)
            #expect(equal, "the viewer's window never equalled the remote screen: \(why)\n\(viewer.tail())")
            report("viewer: window equals xwd -root of the served X desktop (1024x768) after \(String(format: "%.2f", (ContinuousClock.now - started).seconds)) s")

            // 2. Keys: xdotool types into the viewer window (XTEST on the viewer's display).
            _ = try await local.tool("xdotool", package: "xdotool", ["mousemove", "--window", window, "400", "300"], in: dir, label: "xdotool-move")
            _ = try await local.tool("xdotool", package: "xdotool", ["windowfocus", "--sync", window], in: dir, label: "xdotool-focus")
            try await Task.sleep(for: .milliseconds(300))
            let typed = try await local.tool("xdotool", package: "xdotool", ["type", "--delay", "40", "Viewer typed: Hello 123!?"], in: dir, label: "xdotool-type")
            #expect(typed.succeeded, "\(typed.tail())")
            _ = try await local.tool("xdotool", package: "xdotool", ["key", "--delay", "40", "BackSpace", "Left", "Return"], in: dir, label: "xdotool-keys")
            let want = "Viewer typed: Hello 123!\u{1B}[D\n"  // cat's cooked mode: Backspace erases, Left is ESC [ D
            var got = ""
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                got = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                if got == want { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(got == want, "the remote xterm's cat wrote \(got.debugDescription), want \(want.debugDescription)\n\(viewer.tail())")

            // 3. Clipboard: local → remote, then remote → local.
            let xclip = try Paths.tool("xclip", package: "xclip")
            let localText = "copied on the viewer's side: \"quotes\" and UTF-8 \u{00E9}\u{4E2D} \(UUID().uuidString.prefix(8))"
            try Data(localText.utf8).write(to: URL(fileURLWithPath: dir.path("local-copy.txt")))
            let offer = try ChildProcess(xclip, ["-selection", "clipboard", "-loops", "5", dir.path("local-copy.txt")],
                                         environment: local.environment, in: dir, name: "xclip-local-in")
            defer { offer.killNow() }
            // SDL 2.26 does not report other programs' copies: the viewer looks when the pointer
            // comes back into its window (and on focus), as after a copy in another program.
            try await Task.sleep(for: .milliseconds(300))
            _ = try await local.tool("xdotool", package: "xdotool", ["mousemove", "5", "5"], in: dir, label: "xdotool-leave")
            _ = try await local.tool("xdotool", package: "xdotool", ["mousemove", "--window", window, "400", "300"], in: dir, label: "xdotool-enter")
            let pasted = try await remote.paste(selection: "clipboard", target: "UTF8_STRING", count: localText.utf8.count, in: dir, label: "viewer-to-remote")
            #expect(String(decoding: pasted, as: UTF8.self) == localText)

            let remoteText = "copied in the served desktop \u{00FC} \(UUID().uuidString.prefix(8))"
            try Data(remoteText.utf8).write(to: URL(fileURLWithPath: dir.path("remote-copy.txt")))
            let remoteOffer = try ChildProcess(xclip, ["-selection", "clipboard", "-loops", "5", dir.path("remote-copy.txt")],
                                               environment: remote.environment, in: dir, name: "xclip-remote-in")
            defer { remoteOffer.killNow() }
            var localPaste = ""
            let clipDeadline = ContinuousClock.now + .seconds(15)
            var attempt = 0
            while ContinuousClock.now < clipDeadline {
                attempt += 1
                let run = try await local.tool("xclip", package: "xclip", ["-o", "-selection", "clipboard", "-t", "UTF8_STRING"], in: dir, label: "xclip-local-out-\(attempt)")
                localPaste = run.stdout
                if localPaste == remoteText { break }
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(localPaste == remoteText, "the viewer's desktop pasted \(localPaste.debugDescription)")

            // 4. Resize: the window changes size, the remote desktop follows (through the agent)
            // and the window shows it 1:1 again.
            _ = try await local.tool("xdotool", package: "xdotool", ["windowsize", window, "900", "700"], in: dir, label: "xdotool-size")
            let resized = ContinuousClock.now
            let (followed, whyNot) = try await Self.waitForEqual(local, window: window, in: dir, seconds: 20, expected: remoteScreen)
            let last = try await remoteScreen()
            #expect(followed && last.width == 900 && last.height == 700,
                    "after resizing the window to 900x700 the remote screen is \(last.width)x\(last.height): \(whyNot)\n\(viewer.tail())")
            report("viewer: keys typed with xdotool arrived exactly (\(want.count) characters); clipboard both ways; window 900x700 → desktop 900x700 and equal again after \(String(format: "%.2f", (ContinuousClock.now - resized).seconds)) s")

            viewer.signal(SIGTERM)
            let status = await viewer.wait(seconds: 5)
            #expect(status == .exited(0), "saffron view on SIGTERM: \(String(describing: status))\n\(viewer.tail())")
            #expect(await remote.server.stop() == .exited(0), "\(remote.server.process.tail())")
            await local.stop()
        }

        @Test("the window says the connection dropped, reconnects when the server is back, and shows the desktop again",
              .timeLimit(.minutes(2)))
        func viewerReconnects() async throws {
            let dir = try TempDir("viewer-reconnect")
            defer { dir.remove() }
            let size = "800x600"
            let frame = try await demoFrame(size: size, in: dir)
            var server = try await SaffronServer(["--demo", "static", "--disable-ticketing"], size: size, in: dir, name: "saffron-1")
            defer { server.killNow() }
            let port = server.port
            let local = try await LocalX(in: dir)
            defer { local.xvfb.killNow() }
            let viewer = try local.startViewer("spice://127.0.0.1:\(port)", ["--title", "reconnecting-viewer"], in: dir)
            defer { viewer.killNow() }
            let window = try await local.window(named: "reconnecting-viewer", viewer: viewer, in: dir)
            let expectedImage = XWDImage(frame)
            let demo: () async throws -> XWDImage = { expectedImage }
            let (first, why) = try await Self.waitForEqual(local, window: window, in: dir, seconds: 15, expected: demo)
            #expect(first, "the window never equalled demo-frame: \(why)\n\(viewer.tail())")

            // The server goes away: the window keeps the last picture under a status line.
            #expect(await server.stop() == .exited(0))
            var sawStatus = false
            let statusDeadline = ContinuousClock.now + .seconds(10)
            var n = 0
            while ContinuousClock.now < statusDeadline && !sawStatus {
                n += 1
                let image = try await local.capture(window: window, in: dir, label: "dropped-\(n)")
                // The bar: the bottom rows differ from the demo frame, the top half does not.
                let rows = image.height
                let bottom = (rows - 10) * image.width
                let changedBottom = zip(image.pixels[bottom..<bottom + image.width], expectedImage.pixels[bottom..<bottom + image.width]).filter { $0 != $1 }.count
                let topSame = Array(image.pixels[0..<(rows / 2) * image.width]) == Array(expectedImage.pixels[0..<(rows / 2) * image.width])
                sawStatus = changedBottom > image.width / 2 && topSame
                if !sawStatus { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(sawStatus, "no status line over the last picture after the server stopped\n\(viewer.tail())")
            let title = try await local.tool("xdotool", package: "xdotool", ["getwindowname", window], in: dir, label: "title-dropped")
            #expect(title.stdout.contains("reconnecting in"), "window title while disconnected: \(title.stdout)")

            // Back on the same port: the viewer finds it and the status line goes.
            let downFor = ContinuousClock.now
            server = try await SaffronServer(["--demo", "static", "--disable-ticketing"], size: size, port: port, in: dir, name: "saffron-2")
            let (again, whyNot) = try await Self.waitForEqual(local, window: window, in: dir, seconds: 20, expected: demo)
            #expect(again, "after the server came back the window never equalled demo-frame: \(whyNot)\n\(viewer.tail())")
            report("viewer: reconnected \(String(format: "%.2f", (ContinuousClock.now - downFor).seconds)) s after the server came back; window equals demo-frame again")
            viewer.signal(SIGTERM)
            #expect(await viewer.wait(seconds: 5) == .exited(0), "\(viewer.tail())")
            #expect(await server.stop() == .exited(0))
            await local.stop()
        }

        /// Pixels of the window that differ from a picture: count and bounding box size.
        static func difference(_ a: XWDImage, _ b: PPMImage) -> (count: Int, w: Int, h: Int)? {
            guard a.width == b.width, a.height == b.height else { return nil }
            let want = XWDImage(b)
            var n = 0, x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
            for i in 0..<(a.width * a.height) where a.pixels[i] != want.pixels[i] {
                n += 1
                let x = i % a.width, y = i / a.width
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
            }
            return (n, n == 0 ? 0 : x1 - x0 + 1, n == 0 ? 0 : y1 - y0 + 1)
        }

        @Test("QEMU (server mouse mode, no agent): the window equals saffron shot's picture; Escape pressed in the window opens SeaBIOS's boot menu",
              .timeLimit(.minutes(3)))
        func viewerOnQEMU() async throws {
            let dir = try TempDir("viewer-qemu")
            defer { dir.remove() }
            let (qemu, port) = try await ClientIO.bootMenuQEMU(in: dir, name: "qemu")
            defer { qemu.killNow() }
            let local = try await LocalX(in: dir)
            defer { local.xvfb.killNow() }
            let viewer = try local.startViewer("spice://127.0.0.1:\(port)", ["--title", "qemu-viewer"], in: dir)
            defer { viewer.killNow() }
            let window = try await local.window(named: "qemu-viewer", viewer: viewer, in: dir)

            /// The window vs a saffron shot, equal up to SeaBIOS's blinking cursor (one 9x16 cell).
            /// QEMU takes one client at a time: the shot's connection drops the viewer, which
            /// reconnects (with its status line meanwhile), so the window is polled afterwards.
            func compare(_ label: String) async throws -> (count: Int, w: Int, h: Int) {
                let shot = dir.path("\(label).ppm")
                let run = try await saffronShot("spice://127.0.0.1:\(port)", out: shot, ["--wait-still", "100"], in: dir, name: "\(label)-shot")
                try #require(run.succeeded, "\(run.tail())")
                let picture = try PPMImage(path: shot)
                var best = (count: Int.max, w: 0, h: 0)
                let deadline = ContinuousClock.now + .seconds(15)
                var attempt = 0
                while ContinuousClock.now < deadline {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(250))
                    let image = try await local.capture(window: window, in: dir, label: "\(label)-window-\(attempt)")
                    if let d = Self.difference(image, picture), d.count < best.count { best = d }
                    if best.count == 0 || (best.w <= 9 && best.h <= 16) { break }
                }
                return best
            }
            let before = try await compare("prompt")
            #expect(before.count == 0 || (before.w <= 9 && before.h <= 16), "window vs saffron shot of QEMU: \(before.count) pixels differ in \(before.w)x\(before.h)\n\(viewer.tail())")
            let prompt = try await local.capture(window: window, in: dir, label: "prompt-final")

            _ = try await local.tool("xdotool", package: "xdotool", ["mousemove", "--window", window, "100", "100"], in: dir, label: "xdotool-move")
            _ = try await local.tool("xdotool", package: "xdotool", ["windowfocus", "--sync", window], in: dir, label: "xdotool-focus")
            let esc = try await local.tool("xdotool", package: "xdotool", ["key", "Escape"], in: dir, label: "xdotool-esc")
            #expect(esc.succeeded, "\(esc.tail())")
            var changed = 0
            let deadline = ContinuousClock.now + .seconds(10)
            var n = 0
            while ContinuousClock.now < deadline && changed <= 500 {
                n += 1
                try await Task.sleep(for: .milliseconds(300))
                let now = try await local.capture(window: window, in: dir, label: "menu-\(n)")
                changed = zip(now.pixels, prompt.pixels).filter { $0 != $1 }.count
            }
            #expect(changed > 500, "Escape in the viewer changed only \(changed) pixels of the window\n\(viewer.tail())")
            let after = try await compare("menu")
            #expect(after.count == 0 || (after.w <= 9 && after.h <= 16), "menu: window vs saffron shot: \(after.count) pixels differ in \(after.w)x\(after.h)")
            report("viewer on QEMU: window = saffron shot (\(before.count) px differ, cursor cell); Escape typed in the window changed \(changed) px (boot menu), window = shot again (\(after.count) px)")
            viewer.signal(SIGTERM)
            #expect(await viewer.wait(seconds: 5) == .exited(0), "\(viewer.tail())")
            #expect(await qemu.stop(grace: 5).code >= 0)
            await local.stop()
        }
    }
}
