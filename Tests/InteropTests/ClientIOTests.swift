import Foundation
import Testing

extension Interop {
    /// The client library's TLS, inputs and agent (`saffron shot` with actions) against QEMU,
    /// Xspice and saffron serve.
    @Suite("client TLS, inputs and agent")
    struct ClientIO {
        @Test("TLS: spice+tls with the CA equals the plaintext shot; wrong CA, wrong subject exit 4; NEED_SECURED moves main to TLS",
              .timeLimit(.minutes(3)))
        func tls() async throws {
            let dir = try TempDir("client-tls")
            defer { dir.remove() }
            let x509 = try await TLS.makeCertificates(in: dir)
            let ca = "\(x509)/ca-cert.pem"
            let tlsOnly = try await SaffronServer(["--demo", "static", "--disable-ticketing"], size: "800x600",
                                                  x509Dir: x509, plaintext: false, in: dir, name: "tls-only")
            defer { tlsOnly.killNow() }
            let plain = try await SaffronServer(["--demo", "static", "--disable-ticketing"], size: "800x600", in: dir, name: "plain")
            defer { plain.killNow() }
            let plainRun = try await saffronShot("spice://127.0.0.1:\(plain.port)", out: dir.path("plain.ppm"), in: dir, name: "shot-plain")
            try #require(plainRun.succeeded, "\(plainRun.tail())")
            let tlsRun = try await saffronShot("spice+tls://127.0.0.1:\(tlsOnly.tlsPort)", out: dir.path("tls.ppm"), ["--ca-file", ca],
                                               in: dir, name: "shot-tls")
            try #require(tlsRun.succeeded, "\(tlsRun.tail())\n\(tlsOnly.process.tail())")
            let a = try PPMImage(path: dir.path("plain.ppm")), b = try PPMImage(path: dir.path("tls.ppm"))
            #expect(a == b, "TLS shot vs plaintext shot: \(b.describeDifference(from: a))")
            let tlsLinks = tlsOnly.process.stderr.split(separator: "\n").filter { $0.contains("linked") && $0.contains("tls=true") }.count
            #expect(tlsLinks >= 2, "main and display linked over TLS (\(tlsLinks))\n\(tlsOnly.process.tail())")

            // The certificate's subject is /CN=127.0.0.1: a matching host-subject passes, another fails.
            let subjectOK = try await saffronShot("spice+tls://127.0.0.1:\(tlsOnly.tlsPort)", out: dir.path("subj.ppm"),
                                                  ["--ca-file", ca, "--host-subject", "CN=127.0.0.1"], in: dir, name: "shot-subject")
            #expect(subjectOK.succeeded, "\(subjectOK.tail())")
            let subjectBad = try await saffronShot("spice+tls://127.0.0.1:\(tlsOnly.tlsPort)", out: dir.path("x.ppm"),
                                                   ["--ca-file", ca, "--host-subject", "CN=somebody else"], in: dir, name: "shot-bad-subject")
            #expect(subjectBad.status == .exited(4), "\(subjectBad.tail())")
            let wrongCA = try await saffronShot("spice+tls://127.0.0.1:\(tlsOnly.tlsPort)", out: dir.path("x.ppm"),
                                                ["--ca-file", dir.path("other-ca-cert.pem")], in: dir, name: "shot-wrong-ca")
            #expect(wrongCA.status == .exited(4), "\(wrongCA.tail())")
            // A .vv file with the CA inline.
            let caText = try String(contentsOfFile: ca, encoding: .utf8).replacingOccurrences(of: "\n", with: "\\n")
            let vv = dir.path("conn.vv")
            try "[virt-viewer]\ntype=spice\nhost=127.0.0.1\ntls-port=\(tlsOnly.tlsPort)\nca=\(caText)\n".write(toFile: vv, atomically: true, encoding: .utf8)
            let vvRun = try await saffronShot(vv, out: dir.path("vv.ppm"), in: dir, name: "shot-vv")
            #expect(vvRun.succeeded, "\(vvRun.tail())")
            if vvRun.succeeded { #expect(try PPMImage(path: dir.path("vv.ppm")) == a, "the .vv shot differs") }
            #expect(await tlsOnly.stop() == .exited(0), "\(tlsOnly.process.tail())")
            await plain.stop()

            // --tls-channel main: plaintext first, NEED_SECURED, main moves to the TLS port.
            let mixed = try await SaffronServer(["--demo", "static", "--disable-ticketing", "--tls-channel", "main"], size: "800x600",
                                                x509Dir: x509, in: dir, name: "mixed")
            defer { mixed.killNow() }
            let mixedRun = try await saffronShot("spice://127.0.0.1:\(mixed.port)?tls-port=\(mixed.tlsPort)", out: dir.path("mixed.ppm"),
                                                 ["--ca-file", ca], in: dir, name: "shot-mixed")
            #expect(mixedRun.succeeded, "\(mixedRun.tail())\n\(mixed.process.tail())")
            if mixedRun.succeeded { #expect(try PPMImage(path: dir.path("mixed.ppm")) == a, "the mixed-channel shot differs") }
            let log = mixed.process.stderr
            #expect(log.contains("NEED_SECURED"), "\(mixed.process.tail())")
            #expect(log.split(separator: "\n").contains { $0.contains("linked") && $0.contains("channel=main") && $0.contains("tls=true") },
                    "main over TLS\n\(mixed.process.tail())")
            #expect(log.split(separator: "\n").contains { $0.contains("linked") && $0.contains("channel=display") && !$0.contains("tls=true") },
                    "display stays plaintext\n\(mixed.process.tail())")
            let noTLSPort = try await saffronShot("spice://127.0.0.1:\(mixed.port)", out: dir.path("x.ppm"), ["--timeout", "10"],
                                                  in: dir, name: "shot-need-secured")
            #expect(noTLSPort.status == .exited(4), "NEED_SECURED without a TLS port\n\(noTLSPort.tail())")
            report("client TLS: tls-only \(tlsRun.status) equal to plaintext, subject ok \(subjectOK.status) / bad \(subjectBad.status), "
                   + "wrong CA \(wrongCA.status), .vv \(vvRun.status), NEED_SECURED→TLS \(mixedRun.status), without tls-port \(noTLSPort.status)")
            #expect(await mixed.stop() == .exited(0), "\(mixed.process.tail())")
        }

        /// QEMU with `-boot menu=on,splash-time=20000` on a free port, once SeaBIOS drew its prompt.
        static func bootMenuQEMU(in dir: TempDir, name: String) async throws -> (ChildProcess, Int) {
            let (qemu, port) = try await Peers.startQEMU(in: dir, name: name, extra: ["-boot", "menu=on,splash-time=20000"])
            for attempt in 1...40 {
                let probe = dir.path("\(name)-probe-\(attempt).ppm")
                let run = try await saffronShot("spice://127.0.0.1:\(port)", out: probe, ["--wait-still", "100"], in: dir, name: "\(name)-probe-\(attempt)")
                // "SeaBIOS (version ...)" and "Press ESC for boot menu." (reference-qemu.sh's 1400 pixels)
                if run.succeeded, try PPMImage(path: probe).nonBlack > 1400 { return (qemu, port) }
                try await Task.sleep(for: .milliseconds(250))
            }
            qemu.killNow()
            throw HarnessError("SeaBIOS never showed its boot prompt\n\(qemu.tail())")
        }

        @Test("QEMU boot menu: ESC through the library opens it (our next shot equals spice-gtk's after the same ESC)",
              .timeLimit(.minutes(3)))
        func qemuBootMenu() async throws {
            let dir = try TempDir("client-bootmenu")
            defer { dir.remove() }
            // spice-gtk's picture of the menu: a second QEMU, ESC sent by gi-client.
            let (refQEMU, refPort) = try await Self.bootMenuQEMU(in: dir, name: "qemu-ref")
            defer { refQEMU.killNow() }
            let gi = try await Peers.giClient(port: refPort, ["--scancodes", "0x01", "--out", dir.path("gi-menu.ppm")], in: dir, name: "gi-esc")
            try #require(gi.succeeded, "\(gi.tail())")
            try await Task.sleep(for: .seconds(1))

            let (qemu, port) = try await Self.bootMenuQEMU(in: dir, name: "qemu")
            defer { qemu.killNow() }
            let before = dir.path("before.ppm"), after = dir.path("after.ppm")
            let run0 = try await saffronShot("spice://127.0.0.1:\(port)", out: before, ["--wait-still", "100"], in: dir, name: "shot-before")
            try #require(run0.succeeded, "\(run0.tail())")
            let esc = try await saffronShot("spice://127.0.0.1:\(port)", out: after, ["--scancodes", "01", "--delay", "1500", "--wait-still", "100"],
                                            in: dir, name: "shot-esc")
            try #require(esc.succeeded, "\(esc.tail())")
            let beforeImage = try PPMImage(path: before), afterImage = try PPMImage(path: after)
            let changed = afterImage.difference(from: beforeImage)
            #expect(changed.count > 500, "ESC changed only \(changed.count) pixels")
            // SeaBIOS's text cursor blinks: compare menu pictures (ours of this QEMU, spice-gtk's of the
            // reference QEMU) until they catch the same phase; tolerate a difference only inside one
            // character cell (9x16) otherwise.
            var best = (count: Int.max, w: 0, h: 0)
            for attempt in 1...8 {
                let spicy = dir.path("spicy-ref-\(attempt).ppm"), ours = dir.path("ours-\(attempt).ppm")
                _ = try await Peers.spicyScreenshot(port: refPort, out: spicy, in: dir, name: "spicy-ref-\(attempt)")
                let r = try await saffronShot("spice://127.0.0.1:\(port)", out: ours, ["--wait-still", "100"], in: dir, name: "shot-menu-\(attempt)")
                try #require(r.succeeded, "\(r.tail())")
                let a = try PPMImage(path: spicy), b = try PPMImage(path: ours)
                guard a.width == b.width, a.height == b.height else { continue }
                let d = b.difference(from: a)
                if d.count < best.count { best = (d.count, d.count == 0 ? 0 : d.maxX - d.minX + 1, d.count == 0 ? 0 : d.maxY - d.minY + 1) }
                if d.count == 0 { break }
            }
            #expect(best.count == 0 || (best.w <= 9 && best.h <= 16),
                    "our boot menu vs spice-gtk's: \(best.count) pixels differ in \(best.w)x\(best.h)")
            let giMenu = try PPMImage(path: dir.path("gi-menu.ppm"))
            #expect(giMenu.difference(from: beforeImage).count > 500, "gi-client's ESC opened the reference menu")
            report("QEMU boot menu: ESC changed \(changed.count) px; ours vs spice-gtk's menu: \(best.count) px differ (\(best.w)x\(best.h))")
            #expect(await qemu.stop(grace: 5).code >= 0)
            #expect(await refQEMU.stop(grace: 5).code >= 0)
        }

        @Test("Xspice: text typed through the library arrives in its xterm (same picture as spice-gtk typing it)",
              .timeLimit(.minutes(3)))
        func xspiceTyping() async throws {
            let dir = try TempDir("client-typing")
            defer { dir.remove() }
            let text = "Saffron typed: 42 {ok} ~/x_y+z?\\n"
            let c = XspiceServer.clockArea
            // spice-gtk types the same text into another Xspice.
            let ref = try await XspiceServer(extra: "", in: dir)
            let refPicture: PPMImage
            do {
                let gi = try await Peers.giClient(port: ref.port, ["--keys", text, "--out", dir.path("gi.ppm")], in: dir, name: "gi-keys")
                try #require(gi.succeeded, "\(gi.tail())")
                try await Task.sleep(for: .milliseconds(500))
                _ = try await Peers.spicyScreenshot(port: ref.port, out: dir.path("ref.ppm"), in: dir, name: "spicy-ref")
                refPicture = try PPMImage(path: dir.path("ref.ppm")).masking(x: c.x, y: c.y, width: c.width, height: c.height)
            } catch {
                await ref.stop()
                throw error
            }
            await ref.stop()

            let xspice = try await XspiceServer(extra: "", in: dir)
            do {
                let before = dir.path("before.ppm"), after = dir.path("after.ppm")
                let r0 = try await saffronShot("spice://127.0.0.1:\(xspice.port)", out: before, in: dir, name: "shot-before")
                try #require(r0.succeeded, "\(r0.tail())")
                let typed = try await saffronShot("spice://127.0.0.1:\(xspice.port)", out: after, ["--keys", text], in: dir, name: "shot-keys")
                try #require(typed.succeeded, "\(typed.tail())")
                let b = try PPMImage(path: before).masking(x: c.x, y: c.y, width: c.width, height: c.height)
                let a = try PPMImage(path: after).masking(x: c.x, y: c.y, width: c.width, height: c.height)
                let changed = a.difference(from: b)
                #expect(changed.count > 100, "typing changed \(changed.count) pixels")
                // Our picture after typing equals spice-gtk's picture after typing the same keys.
                var last = a
                for attempt in 1...4 where last != refPicture {
                    try await Task.sleep(for: .milliseconds(400))
                    let again = dir.path("again-\(attempt).ppm")
                    let r = try await saffronShot("spice://127.0.0.1:\(xspice.port)", out: again, in: dir, name: "shot-again-\(attempt)")
                    try #require(r.succeeded, "\(r.tail())")
                    last = try PPMImage(path: again).masking(x: c.x, y: c.y, width: c.width, height: c.height)
                }
                #expect(last == refPicture, "typed by saffron vs typed by spice-gtk: \(last.describeDifference(from: refPicture))")
                report("Xspice typing: \(changed.count) px changed in the xterm area (bbox \(changed.minX),\(changed.minY)-\(changed.maxX),\(changed.maxY)); "
                       + "vs spice-gtk typing: \(last.describeDifference(from: refPicture))")
            } catch {
                await xspice.stop()
                throw error
            }
            await xspice.stop()
        }

        @Test("saffron serve --x11: clipboard both ways and monitors config through the client's agent", .timeLimit(.minutes(3)))
        func x11Agent() async throws {
            let dir = try TempDir("client-agent")
            defer { dir.remove() }
            let folder = dir.path("Downloads")
            let x = try await X11.XServe(session: "exec xterm -geometry 80x24+0+0 -T clip", size: "800x600",
                                         extra: ["--transfer-dir", folder], in: dir)
            defer { x.server.killNow() }
            try await x.waitForWindow("clip", in: dir)
            let target = "spice://127.0.0.1:\(x.server.port)"
            let xclip = try Paths.tool("xclip", package: "xclip")
            var big = ""
            var n: UInt64 = 0x9E37_79B9
            while big.utf8.count < 1_048_576 {
                n = n &* 6_364_136_223_846_793_005 &+ 1
                big += "line \(n % 1_000_000_007) of the big clipboard — ünïcödé ✓\n"
            }
            let png = try X11.testPNG()
            let cases: [(name: String, bytes: [UInt8], selection: Int, type: Int, target: String)] = [
                ("text", Array("Hello from saffron — ✓ 123\n".utf8), 0, 1, "UTF8_STRING"),
                ("primary", Array("selected text".utf8), 1, 1, "UTF8_STRING"),
                ("png", png, 0, 2, "image/png"),
                ("1 MB text", Array(big.utf8), 0, 1, "UTF8_STRING"),
            ]
            for c in cases {
                let label = c.name.filter(\.isLetter)
                let selection = c.selection == 1 ? "primary" : "clipboard"
                // Client -> X: our client grabs and holds, xclip pastes in the session.
                let input = dir.path("in-\(label)")
                try Data(c.bytes).write(to: URL(fileURLWithPath: input))
                let holder = try ChildProcess(try Paths.saffron(), ["shot", target, "--clipboard-set", input, "--selection", String(c.selection),
                                                                    "--clipboard-type", String(c.type), "--hold", "20"],
                                              in: dir, name: "holder-\(label)", ownGroup: true)
                defer { holder.killNow() }
                let pasted = try await x.paste(selection: selection, target: c.target, count: c.bytes.count, in: dir, label: label)
                #expect(Array(pasted) == c.bytes, "\(c.name): xclip got \(pasted.count) bytes of \(c.bytes.count) from our client\n\(holder.tail())")
                holder.killNow()
                // X -> client: xclip owns the selection, our client asks for it.
                let copy = try ChildProcess(xclip, ["-i", "-selection", selection, "-t", c.target, input], environment: x.environment,
                                            in: dir, name: "xclip-i-\(label)", ownGroup: true)
                defer { copy.killNow() }
                try await Task.sleep(for: .milliseconds(300))
                let out = dir.path("out-\(label)")
                let get = try await runTool(try Paths.saffron(), ["shot", target, "--clipboard-get", out, "--selection", String(c.selection),
                                                                  "--clipboard-type", String(c.type), "--timeout", "30"],
                                            in: dir, name: "get-\(label)", timeout: 60)
                #expect(get.succeeded, "\(c.name): \(get.tail())")
                let got = (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data()
                #expect(Array(got) == c.bytes, "\(c.name): our client got \(got.count) bytes of \(c.bytes.count) from xclip")
                copy.killNow()
                report("client agent clipboard \(c.name): \(c.bytes.count) bytes client->X \(pasted.count == c.bytes.count ? "exact" : "WRONG"), "
                       + "X->client \(got.count == c.bytes.count ? "exact" : "WRONG")")
            }
            // A type the desktop does not offer: xclip answers any target with its text, so the
            // server must say "none" itself (from the TARGETS it saw) rather than ask X.
            let textOnly = dir.path("text-only")
            try Data("only text here".utf8).write(to: URL(fileURLWithPath: textOnly))
            let textCopy = try ChildProcess(xclip, ["-i", "-selection", "clipboard", "-t", "UTF8_STRING", textOnly], environment: x.environment,
                                            in: dir, name: "xclip-i-text-only", ownGroup: true)
            defer { textCopy.killNow() }
            try await Task.sleep(for: .milliseconds(500))
            let wrongType = try await runTool(try Paths.saffron(), ["shot", target, "--clipboard-get", dir.path("as-png"), "--clipboard-type", "2", "--timeout", "20"],
                                              in: dir, name: "get-png-of-text", timeout: 40)
            #expect(wrongType.status == .exited(7) && wrongType.stderr.contains("no data of type 2"),
                    "asking for PNG while the desktop offers text: \(wrongType.tail())")
            textCopy.killNow()

            // Monitors config: two 1024x768 side by side make a 2048x768 X screen and our next picture.
            let shot = dir.path("monitors.ppm")
            let run = try await saffronShot(target, out: shot, ["--monitors", "1024x768+0+0,1024x768+1024+0"], in: dir, name: "shot-monitors")
            #expect(run.succeeded, "\(run.tail())")
            let info = try await x.xtool("xdpyinfo", package: "x11-utils", [], in: dir, label: "xdpyinfo")
            #expect(info.stdout.contains("dimensions:    2048x768 pixels"), "\(info.stdout.firstMatch(of: /dimensions:.*/).map { String($0.0) } ?? "?")")
            if run.succeeded { #expect(try PPMImage(path: shot).size == "2048x768") }
            // File transfer: 5 MB through FILE_XFER_START/DATA, bounded by the agent tokens.
            var payload = [UInt8](repeating: 0, count: 5 * 1024 * 1024 + 123)
            var r: UInt64 = 0x2545_F491_4F6C_DD1D
            for i in payload.indices { r ^= r << 13; r ^= r >> 7; r ^= r << 17; payload[i] = UInt8(truncatingIfNeeded: r) }
            let source = dir.path("payload.bin")
            try Data(payload).write(to: URL(fileURLWithPath: source))
            let send = try await runTool(try Paths.saffron(), ["shot", target, "--send-file", source, "--timeout", "60"],
                                         in: dir, name: "send-file", timeout: 90)
            #expect(send.succeeded, "\(send.tail())\n\(x.server.process.tail())")
            let landed = (try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/payload.bin"))) ?? Data()
            #expect(Array(landed) == payload, "file transfer: \(landed.count) of \(payload.count) bytes landed")
            report("client agent file transfer: \(landed.count) bytes \(Array(landed) == payload ? "identical" : "DIFFERENT") in \(String(format: "%.2f", send.seconds)) s")
            report("client agent monitors: X screen \(info.stdout.firstMatch(of: /dimensions:\s+(\S+)/).map { String($0.1) } ?? "?")")
            #expect(await x.server.stop() == .exited(0), "\(x.server.process.tail())")
        }
    }
}
