import Foundation

/// Xspice (Xorg + spiceqxl = spice-server) with xterm, xclock and xev, started by the shared
/// reference-xspice.sh with `--keep` and stopped with `--stop` (the script kills by its PIDs).
final class XspiceServer: @unchecked Sendable {
    let display: Int
    let port: Int
    private let dir: TempDir
    private var stopped = false

    /// Where xclock draws (`-geometry 150x150+860+10` plus its border): it ticks every second.
    static let clockArea = (x: 850, y: 0, width: 174, height: 175)

    init(extra: String, in dir: TempDir) async throws {
        self.dir = dir
        var disp = 40 + Int.random(in: 0..<50)
        while FileManager.default.fileExists(atPath: "/tmp/.X\(disp)-lock") { disp += 1 }
        display = disp
        port = try Ports.free()
        let script = try Paths.interopScript("reference-xspice.sh")
        let run = try await runTool(script, [String(disp), String(port), "--keep"],
                                    environment: ["OUT": dir.path("xspice"), "XSPICE_EXTRA": extra, "TIMEOUT": "40"],
                                    in: dir, name: "xspice-\(disp)", timeout: 90)
        guard run.succeeded else { throw HarnessError("reference-xspice.sh failed\n\(run.tail())") }
    }

    func stop() async {
        guard !stopped else { return }
        stopped = true
        if let script = try? Paths.interopScript("reference-xspice.sh") {
            _ = try? await runTool(script, [String(display), "--stop"], environment: ["OUT": dir.path("xspice")],
                                   in: dir, name: "xspice-stop-\(display)", timeout: 30)
        }
    }
}
