import Foundation
import Testing

extension Interop {
    /// `saffron serve --x11`: a private Xvfb with real X clients, seen and driven through spice-gtk.
    @Suite("X11 desktop")
    struct X11 {
        /// A running `saffron serve --x11 --session SCRIPT` and the X display it reports.
        struct XServe {
            let server: SaffronServer
            let display: String
            let authority: String

            init(session: String, size: String = "1024x768", extra: [String] = [], environment: [String: String] = [:],
                 in dir: TempDir) async throws {
                _ = try Paths.tool("Xvfb", package: "xvfb")
                _ = try Paths.tool("xauth", package: "xauth")
                server = try await SaffronServer(["--x11", "--session", session, "--disable-ticketing"] + extra, size: size,
                                                 environment: environment, in: dir, name: "saffron-x11")
                // "Saffron is serving the X11 desktop :N (...)" on stdout (written just after it starts
                // listening: wait for it, bounded); XAUTHORITY=... in the log.
                var out = server.process.stdout, err = server.process.stderr
                let deadline = ContinuousClock.now + .seconds(5)
                while out.firstMatch(of: /X11 desktop :[0-9]+/) == nil && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    out = server.process.stdout
                    err = server.process.stderr
                }
                guard let d = out.firstMatch(of: /X11 desktop (:[0-9]+)/)?.1 else {
                    server.killNow()
                    throw HarnessError("no X display in saffron's banner\n\(server.process.tail())")
                }
                guard let a = err.firstMatch(of: /XAUTHORITY=(\S+)/)?.1 else {
                    server.killNow()
                    throw HarnessError("no XAUTHORITY in saffron's log\n\(server.process.tail())")
                }
                display = String(d)
                authority = String(a)
            }

            var environment: [String: String] { ["DISPLAY": display, "XAUTHORITY": authority] }

            /// Runs an X tool against the served display.
            func xtool(_ name: String, package: String, _ args: [String], in dir: TempDir, label: String) async throws -> ToolRun {
                let run = try await runTool(try Paths.tool(name, package: package), args, environment: environment,
                                            in: dir, name: label, timeout: 20)
                guard run.succeeded else { throw HarnessError("\(name) failed\n\(run.tail())") }
                return run
            }

            /// `xwd -root` of the served display, read back.
            func rootScreen(in dir: TempDir, label: String) async throws -> XWDImage {
                let out = dir.path("\(label).xwd")
                _ = try await xtool("xwd", package: "x11-apps", ["-root", "-silent", "-out", out], in: dir, label: label)
                return try XWDImage(path: out)
            }

            /// A served desktop whose session is an 80x40 xterm titled `title` that waits until
            /// the file `go` exists, then runs `script` (kept in the test folder); returns once the
            /// window is mapped.
            static func xterm(title: String, go: String, script: String, in dir: TempDir) async throws -> XServe {
                let file = dir.path("\(title).sh")
                try "while [ ! -e \(go) ]; do sleep 0.05; done; \(script)".write(toFile: file, atomically: true, encoding: .utf8)
                let x = try await XServe(session: "exec xterm -geometry 80x40+0+0 -T \(title) -e sh \(file)", in: dir)
                do {
                    try await x.waitForWindow(title, in: dir)
                } catch {
                    x.server.killNow()
                    throw error
                }
                return x
            }

            /// Pastes `selection` (clipboard or primary) as `target` with xclip, retrying (bounded,
            /// 15 s) until `count` bytes come: the client's data arrives through the server.
            func paste(selection: String, target: String, count: Int, in dir: TempDir, label: String) async throws -> Data {
                let xclip = try Paths.tool("xclip", package: "xclip")
                let file = dir.path("pasted-\(label)")
                var pasted = Data()
                let deadline = ContinuousClock.now + .seconds(15)
                while ContinuousClock.now < deadline {
                    let run = try await runTool("/bin/sh", ["-c", "exec '\(xclip)' -o -selection \(selection) -t \(target) > '\(file)'"],
                                                environment: environment, in: dir, name: "xclip-o-\(label)", timeout: 20)
                    pasted = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
                    if run.succeeded, pasted.count == count { break }
                    try await Task.sleep(for: .milliseconds(300))
                }
                return pasted
            }

            /// Waits (bounded) until `xwininfo -name NAME` finds a mapped window.
            func waitForWindow(_ name: String, in dir: TempDir) async throws {
                let deadline = ContinuousClock.now + .seconds(15)
                var n = 0
                while ContinuousClock.now < deadline {
                    n += 1
                    let run = try await runTool(try Paths.tool("xwininfo", package: "x11-utils"), ["-name", name],
                                                environment: environment, in: dir, name: "xwininfo-\(n)", timeout: 10)
                    if run.succeeded && run.stdout.contains("IsViewable") { return }
                    try await Task.sleep(for: .milliseconds(200))
                }
                throw HarnessError("window '\(name)' did not appear on \(display) within 15 s\n\(server.process.tail())")
            }
        }

        @Test("spicy-screenshot equals xwd of the X screen (xterm, xclock, xeyes)", .timeLimit(.minutes(2)))
        func screenshotMatchesXwd() async throws {
            let dir = try TempDir("x11-shot")
            defer { dir.remove() }
            let session = "xterm -geometry 80x24+10+10 -T term & xclock -geometry 200x200+600+40 & exec xeyes -geometry 200x150+600+400"
            let x = try await XServe(session: session, in: dir)
            defer { x.server.killNow() }
            for w in ["term", "xclock", "xeyes"] { try await x.waitForWindow(w, in: dir) }
            // Compare once the screen is still: xwd before and after the screenshot must agree.
            var last = ""
            var matched = false
            for attempt in 1...5 {
                try await Task.sleep(for: .milliseconds(400))
                let shot = dir.path("shot-\(attempt).ppm")
                let a = try await x.rootScreen(in: dir, label: "xwd-a\(attempt)")
                let run = try await Peers.spicyScreenshot(port: x.server.port, out: shot, in: dir, name: "spicy-\(attempt)")
                let b = try await x.rootScreen(in: dir, label: "xwd-b\(attempt)")
                let image = try PPMImage(path: shot)
                guard a.pixels == b.pixels else { last = "screen not still on attempt \(attempt)"; continue }
                guard let diff = a.mismatches(with: image) else {
                    Issue.record("screenshot is \(image.size), X screen \(a.width)x\(a.height)")
                    return
                }
                last = "attempt \(attempt): \(diff) of \(a.width * a.height) pixels differ"
                if diff == 0 {
                    matched = true
                    let distinct = Set(a.pixels).count
                    report("x11 screenshot: \(image.size) equals xwd -root exactly (\(distinct) distinct colours), spicy-screenshot \(String(format: "%.2f", run.seconds)) s")
                    break
                }
            }
            #expect(matched, "spicy-screenshot never equalled the xwd capture: \(last)")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        @Test("typed text, Backspace, arrows and Caps Lock arrive in an xterm exactly", .timeLimit(.minutes(2)))
        func keyboardIntoXterm() async throws {
            let dir = try TempDir("x11-keys")
            defer { dir.remove() }
            let file = dir.path("typed.txt")
            // No window manager: focus follows the pointer, so the xterm covers the screen centre.
            let session = "exec xterm -geometry 80x24+200+200 -T typing -e sh -c 'stty -echoctl; cat > \(file)'"
            let x = try await XServe(session: session, in: dir)
            defer { x.server.killNow() }
            try await x.waitForWindow("typing", in: dir)
            let gi = try await Peers.giClient(port: x.server.port, [
                "--move", "500,350",
                "--keys", "Hello World 123!?", "--scancodes", "0x0e",                 // Backspace eats '?'
                "--keys", "\\n(a-b_c) \"q\" <>:~",
                "--scancodes", "0x14b,0x148",                                       // Left, Up: ESC [ D, ESC [ A
                "--keys", "\\n",
                "--scancodes", "0x3a", "--keys", "caps", "--scancodes", "0x3a",    // Caps Lock on, off
                "--keys", "low\\n",
                "--json", dir.path("gi.json"), "--out", dir.path("gi-keys.png"),
            ], in: dir)
            #expect(gi.succeeded, "\(gi.tail())")
            let want = "Hello World 123!\n(a-b_c) \"q\" <>:~\u{1B}[D\u{1B}[A\nCAPSlow\n"
            var got = ""
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                got = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                if got == want { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(got == want, "xterm's cat wrote \(got.debugDescription), want \(want.debugDescription)")
            report("x11 keys: \(want.count) characters typed through spice-gtk arrived exactly in the xterm")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        @Test("clicks and motion arrive at the X coordinates (xev)", .timeLimit(.minutes(2)))
        func pointerIntoXev() async throws {
            let dir = try TempDir("x11-pointer")
            defer { dir.remove() }
            let log = dir.path("xev.log")
            let session = "exec xev -geometry 400x300+300+200 > \(log)"
            let x = try await XServe(session: session, in: dir)
            defer { x.server.killNow() }
            try await x.waitForWindow("Event Tester", in: dir)
            let gi = try await Peers.giClient(port: x.server.port, [
                "--move", "420,260", "--click", "450,300", "--click", "610,410,right", "--move", "333,222",
                "--out", dir.path("gi-pointer.png"),
            ], in: dir)
            #expect(gi.succeeded, "\(gi.tail())")
            var text = ""
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if text.contains("root:(333,222)") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            // Every xev event block: the name, then "(wx,wy), root:(x,y)" and "button N".
            let blocks = text.components(separatedBy: "\n\n")
            func events(_ kind: String) -> [String] {
                blocks.filter { $0.hasPrefix(kind) }.compactMap { b in
                    guard let m = b.firstMatch(of: /root:\(([0-9-]+),([0-9-]+)\)/) else { return nil }
                    let button = b.firstMatch(of: /button ([0-9]+)/).map { " b\($0.1)" } ?? ""
                    return "\(m.1),\(m.2)\(button)"
                }
            }
            #expect(events("ButtonPress") == ["450,300 b1", "610,410 b3"], "presses: \(events("ButtonPress"))")
            #expect(events("ButtonRelease") == ["450,300 b1", "610,410 b3"], "releases: \(events("ButtonRelease"))")
            let motions = events("MotionNotify")
            #expect(motions.contains("420,260") && motions.last == "333,222", "motion: \(motions)")
            // Window-relative coordinates agree with the window's geometry.
            let wininfo = try await x.xtool("xwininfo", package: "x11-utils", ["-name", "Event Tester"], in: dir, label: "xwininfo-geo")
            let ax = Int(wininfo.stdout.firstMatch(of: /Absolute upper-left X:\s+([0-9-]+)/)?.1 ?? "") ?? -1
            let ay = Int(wininfo.stdout.firstMatch(of: /Absolute upper-left Y:\s+([0-9-]+)/)?.1 ?? "") ?? -1
            // xwininfo shows the outer corner; event coordinates start inside the border.
            let border = Int(wininfo.stdout.firstMatch(of: /Border width:\s+([0-9]+)/)?.1 ?? "") ?? 0
            let press = blocks.first { $0.hasPrefix("ButtonPress") } ?? ""
            let rel = press.firstMatch(of: /\(([0-9-]+),([0-9-]+)\), root/)
            #expect(rel.map { "\($0.1),\($0.2)" } == "\(450 - ax - border),\(300 - ay - border)",
                    "window-relative press in \(press); window at \(ax),\(ay), border \(border)")
            report("x11 pointer: presses \(events("ButtonPress")), \(motions.count) motion events, last \(motions.last ?? "-")")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        @Test("a scrolling xterm goes out as COPY_BITS and spice-gtk's frame equals xwd afterwards", .timeLimit(.minutes(2)))
        func scrollingXterm() async throws {
            let dir = try TempDir("x11-scroll")
            defer { dir.remove() }
            let go = dir.path("go")
            // The xterm waits for the client, then prints 200 different lines (a scroll per frame).
            let x = try await XServe.xterm(title: "scroller", go: go, script: "head -200 /usr/share/common-licenses/GPL-3 | "
                + "while IFS= read -r l; do printf '%s\\n' \"$l\"; sleep 0.01; done; echo done; sleep 600", in: dir)
            defer { x.server.killNow() }
            let frame = dir.path("gi.ppm")
            let gi = try Peers.startGiClient(port: x.server.port, ["--settle", "2", "--max-settle", "40", "--out", frame], in: dir, name: "gi-scroll")
            defer { gi.killNow() }
            try await Task.sleep(for: .seconds(1))
            _ = FileManager.default.createFile(atPath: go, contents: Data())
            let status = await gi.wait(seconds: 60)
            #expect(status == .exited(0), "\(gi.tail())")
            let shown = try PPMImage(path: frame), screen = try await x.rootScreen(in: dir, label: "root")
            #expect(screen.mismatches(with: shown) == 0, "spice-gtk's frame after the scroll differs from the X screen in \(screen.mismatches(with: shown) ?? -1) pixels")
            let stats = try #require(try await x.server.waitForStats(seconds: 3) { $0.clientsTotal >= 1 })
            #expect(stats.copyBitsMessages > 0, "no COPY_BITS while an xterm scrolled: \(stats)")
            report("x11 scroll: 200 lines, \(stats.copyBitsMessages) COPY_BITS, \(stats.drawBytes) draw bytes in all, first frame included (\(stats.drawBytes / 200) per line); codecs \(stats.imagesByCodec ?? [:]); frame equals xwd")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        /// The acceptance's terminal flood. xterm's jump scroll redraws whole screens (X receives
        /// one CopyArea for the 100,000 lines, per xtrace), so what must go out is new text: the
        /// criterion checked here is the bytes against re-sending the damaged area.
        @Test("`seq 1 100000` in an xterm: at least 5x fewer bytes than re-sending its damaged area; spice-gtk's frame equals xwd", .timeLimit(.minutes(3)))
        func seqFlood() async throws {
            let dir = try TempDir("x11-seq")
            defer { dir.remove() }
            let go = dir.path("go"), done = dir.path("done")
            let x = try await XServe.xterm(title: "flood", go: go, script: "seq 1 100000; : > \(done); sleep 600", in: dir)
            defer { x.server.killNow() }
            let frame = dir.path("gi.ppm")
            let gi = try Peers.startGiClient(port: x.server.port, ["--settle", "2", "--max-settle", "90", "--out", frame], in: dir, name: "gi-seq")
            defer { gi.killNow() }
            // The first frame out, then quiet: what follows belongs to the flood.
            _ = try await x.server.waitForStats(seconds: 10) { $0.clientsTotal >= 1 && $0.drawMessages >= 1 }
            try await Task.sleep(for: .seconds(1.5))
            let before = try #require(try x.server.stats())
            let started = ContinuousClock.now
            _ = FileManager.default.createFile(atPath: go, contents: Data())
            while !FileManager.default.fileExists(atPath: done), ContinuousClock.now - started < .seconds(90) {
                try await Task.sleep(for: .milliseconds(100))
            }
            let flood = ContinuousClock.now - started
            #expect(FileManager.default.fileExists(atPath: done), "seq did not finish in 90 s")
            let status = await gi.wait(seconds: 60)
            #expect(status == .exited(0), "\(gi.tail())")
            let shown = try PPMImage(path: frame), screen = try await x.rootScreen(in: dir, label: "root")
            #expect(screen.mismatches(with: shown) == 0, "spice-gtk's frame after seq differs from the X screen in \(screen.mismatches(with: shown) ?? -1) pixels")
            // Stats are written every 0.5 s: wait until they stop changing.
            var after = try #require(try x.server.stats())
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(600))
                let next = try #require(try x.server.stats())
                if next.drawBytes == after.drawBytes && next.damagePixels == after.damagePixels { break }
                after = next
            }
            let bytes = after.drawBytes - before.drawBytes, damaged = (after.damagePixels - before.damagePixels) * 4
            #expect(damaged > 0 && bytes > 0, "no damage or no drawing during seq: \(before) -> \(after)")
            #expect(bytes * 5 <= damaged, "seq sent \(bytes) draw bytes for \(damaged) bytes of damaged area")
            report("x11 seq 1 100000: \(flood) in the xterm, \(after.damageEvents - before.damageEvents) frames, "
                   + "\(after.copyBitsMessages - before.copyBitsMessages) COPY_BITS, \(bytes) draw bytes for \(damaged) bytes of damaged area "
                   + "(\(damaged / max(bytes, 1))x fewer); frame equals xwd")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        @Test("the client's monitor configuration resizes the X screen (RandR): 1024x768, 1920x1080, two monitors side by side", .timeLimit(.minutes(2)))
        func agentResizesTheScreen() async throws {
            let dir = try TempDir("x11-resize")
            defer { dir.remove() }
            let log = dir.path("xev.log")
            // xev on what becomes the second monitor: a click there must land at its X coordinates.
            let x = try await XServe(session: "exec xev -geometry 300x200+1100+100 > \(log)", size: "800x600", in: dir)
            defer { x.server.killNow() }
            let json = dir.path("agent.json")
            let run = try await Peers.giAgentClient(port: x.server.port, ["--monitors", "1024x768", "--monitors", "1920x1080",
                                                                          "--monitors", "1024x768,1024x768", "--json", json], in: dir)
            #expect(run.succeeded, "\(run.tail())")
            let info = try await x.xtool("xdpyinfo", package: "x11-utils", [], in: dir, label: "xdpyinfo")
            #expect(info.stdout.contains("dimensions:    2048x768 pixels"), "X screen after two 1024x768 monitors: \(info.stdout.firstMatch(of: /dimensions:.*/).map { String($0.0) } ?? "?")")
            let monitors = try await x.xtool("xrandr", package: "x11-xserver-utils", ["--listmonitors"], in: dir, label: "xrandr-monitors")
            #expect(monitors.stdout.contains("Monitors: 2"), "\(monitors.stdout)")
            #expect(monitors.stdout.contains("1024/") && monitors.stdout.contains("+0+0") && monitors.stdout.contains("+1024+0"),
                    "xrandr --listmonitors: \(monitors.stdout)")
            // A client of the two-monitor desktop clicks on the second monitor.
            try await x.waitForWindow("Event Tester", in: dir)
            let gi = try await Peers.giClient(port: x.server.port, ["--move", "1200,150", "--click", "1250,170", "--out", dir.path("gi.png")], in: dir)
            #expect(gi.succeeded, "\(gi.tail())")
            var text = ""
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if text.contains("root:(1250,170)") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(text.contains("ButtonPress") && text.contains("root:(1250,170)"), "xev on the second monitor: \(text.suffix(400))")
            report("x11 agent resize: \(run.stdout.split(separator: "\n").filter { $0.contains("surface") }.joined(separator: "; ")); "
                + "RandR monitors \(monitors.stdout.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        @Test("a word double-clicked in an xterm (through spice-gtk's pointer) arrives in the client as PRIMARY", .timeLimit(.minutes(2)))
        func xtermSelectionReachesTheClient() async throws {
            let dir = try TempDir("x11-xterm-selection")
            defer { dir.remove() }
            // Font "fixed" (6x13) with a 2-pixel border: the word spans columns 3-18 of line 1.
            let x = try await XServe(session: "exec xterm -fn fixed -geometry 60x10+0+0 -T sel -e sh -c 'echo; echo \"   Saffronselected words\"; sleep 600'",
                                     size: "800x600", in: dir)
            defer { x.server.killNow() }
            try await x.waitForWindow("sel", in: dir)
            try await Task.sleep(for: .milliseconds(500))
            let click = "\(2 + 8 * 6),\(2 + 13 + 6)"
            let gi = try await Peers.giClient(port: x.server.port, ["--move", click, "--click", click, "--click", click,
                                                                    "--input-delay", "0.03", "--out", dir.path("gi.png")], in: dir)
            #expect(gi.succeeded, "\(gi.tail())")
            let out = dir.path("primary.txt")
            let get = try await Peers.giAgentClient(port: x.server.port, ["--clipboard-get", out, "--selection", "1", "--timeout", "20"], in: dir)
            #expect(get.succeeded, "\(get.tail())")
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(text == "Saffronselected", "PRIMARY from the xterm: \(text.debugDescription)")
            report("x11 xterm selection: double-click through spice-gtk, PRIMARY \(text.debugDescription) reached spice-gtk")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        @Test("clipboard both ways through the built-in agent: text, PRIMARY, a PNG, 1 MB of text (INCR)", .timeLimit(.minutes(3)))
        func clipboardBothWays() async throws {
            let dir = try TempDir("x11-clipboard")
            defer { dir.remove() }
            let x = try await XServe(session: "exec xterm -geometry 80x24+0+0 -T clip", size: "800x600", in: dir)
            defer { x.server.killNow() }
            try await x.waitForWindow("clip", in: dir)
            let xclip = try Paths.tool("xclip", package: "xclip")
            var big = ""
            var n: UInt64 = 0x9E37_79B9
            while big.utf8.count < 1_048_576 {
                n = n &* 6_364_136_223_846_793_005 &+ 1
                big += "line \(n % 1_000_000_007) of the big clipboard — ünïcödé ✓\n"
            }
            let png = try Self.testPNG()
            let cases: [(name: String, bytes: [UInt8], selection: Int, type: Int, target: String)] = [
                ("text", Array("Hello from spice-gtk — ✓ 123\n".utf8), 0, 1, "UTF8_STRING"),
                ("primary", Array("selected text".utf8), 1, 1, "UTF8_STRING"),
                ("png", png, 0, 2, "image/png"),
                ("1 MB text", Array(big.utf8), 0, 1, "UTF8_STRING"),
            ]
            for c in cases {
                let selection = c.selection == 1 ? "primary" : "clipboard"
                // Client -> X: spice-gtk grabs, xclip pastes in the session.
                let input = dir.path("in-\(c.name.filter(\.isLetter))")
                try Data(c.bytes).write(to: URL(fileURLWithPath: input))
                let holder = try Peers.startGiAgentClient(port: x.server.port, ["--clipboard-set", input, "--selection", String(c.selection),
                                                                               "--type", String(c.type), "--hold", "20"], in: dir)
                defer { holder.killNow() }
                let pasted = try await x.paste(selection: selection, target: c.target, count: c.bytes.count, in: dir,
                                               label: c.name.filter(\.isLetter))
                #expect(Array(pasted) == c.bytes, "\(c.name): xclip got \(pasted.count) bytes of \(c.bytes.count) from the client\n\(holder.tail())")
                holder.killNow()
                // X -> client: xclip owns the selection, spice-gtk pastes.
                let copy = try ChildProcess(xclip, ["-i", "-selection", selection, "-t", c.target, input], environment: x.environment,
                                            in: dir, name: "xclip-i-\(c.name.filter(\.isLetter))", ownGroup: true)
                defer { copy.killNow() }
                let out = dir.path("out-\(c.name.filter(\.isLetter))")
                let get = try await Peers.giAgentClient(port: x.server.port, ["--clipboard-get", out, "--selection", String(c.selection),
                                                                              "--type", String(c.type), "--timeout", "30"], in: dir)
                #expect(get.succeeded, "\(c.name): \(get.tail())")
                let got = (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data()
                #expect(Array(got) == c.bytes, "\(c.name): spice-gtk got \(got.count) bytes of \(c.bytes.count) from xclip")
                report("x11 clipboard \(c.name): \(c.bytes.count) bytes client->X and X->client exact")
            }
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        @Test("file transfer: 50 MB lands byte-identical, the same name again gets a number, a cancelled transfer leaves nothing", .timeLimit(.minutes(3)))
        func fileTransfer() async throws {
            let dir = try TempDir("x11-xfer")
            defer { dir.remove() }
            let folder = dir.path("Downloads")
            let x = try await XServe(session: "exec xterm -geometry 80x24+0+0", size: "800x600", extra: ["--transfer-dir", folder], in: dir)
            defer { x.server.killNow() }
            var bytes = [UInt8](repeating: 0, count: 50 * 1024 * 1024)
            var n: UInt64 = 0x2545_F491_4F6C_DD1D
            for i in stride(from: 0, to: bytes.count, by: 8) {
                n ^= n << 13; n ^= n >> 7; n ^= n << 17
                withUnsafeBytes(of: n) { for j in 0..<8 { bytes[i + j] = $0[j] } }
            }
            let source = dir.path("payload.bin")
            try Data(bytes).write(to: URL(fileURLWithPath: source))
            for round in 0..<2 {
                let send = try await Peers.giAgentClient(port: x.server.port, ["--file-send", source, "--timeout", "100"], in: dir,
                                                         name: "gi-file-\(round)", timeout: 120)
                #expect(send.succeeded, "\(send.tail())")
                report("x11 file transfer \(round): \(send.stdout.split(separator: "\n").last ?? "")")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder).sorted()) ?? []
            #expect(names == ["payload (1).bin", "payload.bin"])
            #expect(FileManager.default.contents(atPath: folder + "/payload.bin") == Data(bytes), "50 MB differ")
            // A big sparse file, cancelled after 300 ms: its partial file is removed.
            let sparse = dir.path("huge.img")
            #expect(FileManager.default.createFile(atPath: sparse, contents: nil))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: sparse))
            try handle.truncate(atOffset: 4 << 30)
            try handle.close()
            let cancel = try await Peers.giAgentClient(port: x.server.port, ["--file-send", sparse, "--cancel-after-ms", "300", "--timeout", "60"],
                                                       in: dir, name: "gi-file-cancel", timeout: 90)
            #expect(cancel.succeeded, "\(cancel.tail())")
            var left: [String] = []
            let deadline = ContinuousClock.now + .seconds(10)
            repeat {
                left = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
                if left == ["payload (1).bin", "payload.bin"] { break }
                try await Task.sleep(for: .milliseconds(200))
            } while ContinuousClock.now < deadline
            #expect(left == ["payload (1).bin", "payload.bin"], "after the cancelled transfer: \(left)")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }

        /// A small valid PNG (64x48 RGB gradient), made here.
        static func testPNG() throws -> [UInt8] {
            func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
            var raw: [UInt8] = []
            for y in 0..<48 { raw.append(0); for x in 0..<(64 * 3) { raw.append(UInt8((x * 7 + y * 3) & 255)) } }
            // Stored (uncompressed) deflate blocks inside a zlib stream: valid without a compressor.
            var z: [UInt8] = [0x78, 0x01]
            var i = 0
            while i < raw.count {
                let n = min(65535, raw.count - i)
                z.append(i + n == raw.count ? 1 : 0)
                z += [UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
                z += raw[i..<(i + n)]
                i += n
            }
            var a: UInt32 = 1, b: UInt32 = 0
            for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
            z += be32(b << 16 | a)
            func crc(_ bytes: [UInt8]) -> UInt32 {
                var c: UInt32 = 0xFFFF_FFFF
                for byte in bytes { c ^= UInt32(byte); for _ in 0..<8 { c = (c >> 1) ^ (0xEDB8_8320 & (0 &- (c & 1))) } }
                return ~c
            }
            func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
                let td = Array(type.utf8) + data
                return be32(UInt32(data.count)) + td + be32(crc(td))
            }
            return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
                + chunk("IHDR", be32(64) + be32(48) + [8, 2, 0, 0, 0]) + chunk("IDAT", z) + chunk("IEND", [])
        }
    }
}
