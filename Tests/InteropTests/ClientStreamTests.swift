import Foundation
import Testing

extension Interop {
    /// SPICE video streams from the real libspice-server: Xspice with `--streaming-video all`
    /// turns a window that redraws a picture 25 times a second (Resources/video-window.py, Tk)
    /// into an MJPEG stream after about 20 frames; `saffron shot` must receive it and draw it.
    @Suite("saffron shot: MJPEG streams")
    struct ClientStreams {
        /// The video region of our shot against the picture the window showed last (the best of
        /// its two pictures). spice-server's MJPEG quality adapts to the link; on localhost we
        /// measured 46.6-46.9 dB (32-47 dB when joining a running stream); against the other
        /// picture it is about 7 dB, upside down about 13 dB.
        static let minPSNR = 28.0
        /// Above this the region would be a lossless picture, not a decoded MJPEG frame.
        static let maxPSNR = 60.0
        static let geometry = (width: 320, height: 240, x: 300, y: 300)

        struct VideoInfo: Decodable {
            var x: Int, y: Int, width: Int, height: Int
            var frames: [String]
        }

        @Test("Xspice --streaming-video all: STREAM_CREATE/DATA arrive, the video region matches the frame (PSNR), the rest equals spicy-screenshot",
              .timeLimit(.minutes(3)))
        func xspiceStreams() async throws {
            let dir = try TempDir("shot-streams")
            defer { dir.remove() }
            let xspice = try await XspiceServer(extra: "--streaming-video all", in: dir)
            do {
                try await Self.check(xspice, in: dir)
            } catch {
                await xspice.stop()
                throw error
            }
            await xspice.stop()
        }

        static func check(_ xspice: XspiceServer, in dir: TempDir) async throws {
            let g = geometry, c = XspiceServer.clockArea
            var last: Attempt?
            for attempt in 1...3 {
                let result = try await Self.attempt(attempt, xspice, in: dir)
                last = result
                if result.counts[122, default: 0] >= 1, result.drawn >= 10, result.ours >= minPSNR, result.ours < maxPSNR,
                   result.rest == "identical" { break }
            }
            let result = try #require(last)
            // 122 STREAM_CREATE, 123 STREAM_DATA (316 STREAM_DATA_SIZED counted with them).
            let data = result.counts[123, default: 0] + result.counts[316, default: 0]
            #expect(result.counts[122, default: 0] >= 1, "no STREAM_CREATE: \(result.counts)\n\(result.shot)")
            #expect(data >= 10, "only \(data) stream frames: \(result.counts)")
            #expect(result.drawn >= 10, "\(result.drawn) stream frames drawn of \(data)\n\(result.shot)")
            // Lossy but close: the region shows a decoded MJPEG frame. Without stream drawing it
            // would hold the last lossless COPY from before the stream (identical to a frame).
            #expect(result.ours >= minPSNR && result.ours < maxPSNR, "video region PSNR \(result.ours) dB (spicy-screenshot \(result.spicy) dB)")
            #expect(result.rest == "identical", "outside the video and the clock (\(c)): \(result.rest)")
            report("shot Xspice streaming-video all: STREAM_CREATE \(result.counts[122, default: 0]), STREAM_DATA \(result.counts[123, default: 0]), "
                   + "DATA_SIZED \(result.counts[316, default: 0]), STREAM_CLIP \(result.counts[124, default: 0]), DESTROY \(result.counts[125, default: 0]), "
                   + "frames drawn \(result.drawn); video \(g.width)x\(g.height) PSNR vs the frame \(String(format: "%.1f", result.ours)) dB "
                   + "(spicy-screenshot \(String(format: "%.1f", result.spicy)) dB); rest vs spicy-screenshot \(result.rest)")
        }

        struct Attempt {
            var counts: [Int: Int], drawn: Int, ours: Double, spicy: Double, rest: String, shot: String
        }

        /// Connects `saffron shot` first, then starts the video: the stream begins while we are
        /// connected (a client that connects to a running stream first gets the region as a
        /// lossy picture, which would not show whether stream frames are drawn). The shot moves
        /// the pointer (an action, so that `--delay` applies), waits 3 s while the video plays,
        /// then shoots in a pause between bursts (`--wait-still 400` < the 0.6 s pause < the
        /// server's 1 s stream timeout): the region holds the last stream frame.
        static func attempt(_ n: Int, _ xspice: XspiceServer, in dir: TempDir) async throws -> Attempt {
            let g = geometry, c = XspiceServer.clockArea
            let oursPath = dir.path("streams-saffron-\(n).ppm"), spicyPath = dir.path("streams-spicy-\(n).ppm")
            let shot = try ChildProcess(try Paths.saffron(), ["shot", "spice://127.0.0.1:\(xspice.port)", "--out", oursPath,
                                                              "--move", "1,1", "--delay", "3000", "--wait-still", "400",
                                                              "--timeout", "40", "--verbose"], in: dir, name: "shot-streams-\(n)")
            defer { shot.killNow() }
            try await Task.sleep(for: .seconds(1))
            let script = Paths.packageRoot.appendingPathComponent("Tests/InteropTests/Resources/video-window.py").path
            let videoDir = dir.path("video-\(n)")
            let video = try ChildProcess(Peers.python, [script, videoDir, "--geometry", "\(g.width)x\(g.height)+\(g.x)+\(g.y)",
                                                        "--fps", "25", "--burst", "2", "--pause", "0.6", "--seconds", "60"],
                                         environment: ["DISPLAY": ":\(xspice.display)"], in: dir, name: "video-window-\(n)")
            defer { video.killNow() }
            let status = await shot.wait(seconds: 45)
            try #require(status == .exited(0), "saffron shot: \(String(describing: status))\n\(shot.tail())\n\(video.tail())")
            let infoPath = videoDir + "/video.json"
            let info = try JSONDecoder().decode(VideoInfo.self, from: try #require(FileManager.default.contents(atPath: infoPath),
                                                                                   "no \(infoPath)\n\(video.tail())"))
            try #require(info.x == g.x && info.y == g.y && info.width == g.width && info.height == g.height, "window at \(info)")
            let frames = try info.frames.map { try PPMImage(path: $0) }
            _ = try await Peers.spicyScreenshot(port: xspice.port, out: spicyPath, in: dir, name: "spicy-streams-\(n)")
            video.killNow()
            let ours = try PPMImage(path: oursPath), spicy = try PPMImage(path: spicyPath)
            let oursPSNR = frames.map { ours.cropping(x: g.x, y: g.y, width: g.width, height: g.height).psnr(against: $0) }.max()!
            let spicyPSNR = frames.map { spicy.cropping(x: g.x, y: g.y, width: g.width, height: g.height).psnr(against: $0) }.max()!
            func rest(_ p: PPMImage) -> PPMImage {
                p.masking(x: g.x, y: g.y, width: g.width, height: g.height).masking(x: c.x, y: c.y, width: c.width, height: c.height)
            }
            // The stream times out (1 s) before the next attempt starts a new one.
            try await Task.sleep(for: .seconds(2))
            return Attempt(counts: Self.messageCounts(shot.stderr), drawn: Self.framesDrawn(shot.stderr), ours: oursPSNR, spicy: spicyPSNR,
                           rest: rest(ours).describeDifference(from: rest(spicy)), shot: shot.tail(3))
        }

        /// `saffron shot --verbose`'s "video stream frames drawn N" line (0 without it).
        static func framesDrawn(_ stderr: String) -> Int {
            guard let line = stderr.split(separator: "\n").last(where: { $0.contains("video stream frames drawn ") }),
                  let n = line.split(separator: " ").last.flatMap({ Int($0) }) else { return 0 }
            return n
        }

        /// `saffron shot --verbose`'s "display messages by type 102:1 122:3 ..." line.
        static func messageCounts(_ stderr: String) -> [Int: Int] {
            guard let line = stderr.split(separator: "\n").last(where: { $0.contains("display messages by type") }),
                  let range = line.range(of: "by type ") else { return [:] }
            var counts: [Int: Int] = [:]
            for pair in line[range.upperBound...].split(separator: " ") {
                let parts = pair.split(separator: ":")
                if parts.count == 2, let type = Int(parts[0]), let n = Int(parts[1]) { counts[type] = n }
            }
            return counts
        }
    }
}

extension PPMImage {
    /// The rectangle as its own image (inside the picture).
    func cropping(x: Int, y: Int, width w: Int, height h: Int) -> PPMImage {
        precondition(x >= 0 && y >= 0 && x + w <= width && y + h <= height, "crop outside the picture")
        var out = [UInt8]()
        out.reserveCapacity(w * h * 3)
        for row in y..<(y + h) { out += rgb[((row * width + x) * 3)..<((row * width + x + w) * 3)] }
        return PPMImage(width: w, height: h, rgb: out)
    }
}
