import Glibc
import SaffronDesktop

/// The xorg.conf of a private Xorg with the dummy video driver, and the mode timings Saffron
/// gives it (at start and through RandR).
enum XorgDummyConfig {
    /// The largest screen RandR may set (two 4K monitors side by side fit, as 7680x2160 does).
    static let maximum = Size(width: 7680, height: 4320)

    static var driverInstalled: Bool {
        let candidates: [String] = ["/usr/lib/xorg/modules/drivers/dummy_drv.so", "/usr/lib64/xorg/modules/drivers/dummy_drv.so"]
        return candidates.contains { path in access(path, R_OK) == 0 }
    }

    /// Timings of a `width`x`height` mode. The dummy driver only checks them against the monitor
    /// ranges below and its 300 MHz clock limit, so: small blanking, and a refresh rate that
    /// drops below 60 Hz for very large screens to keep the dot clock under that limit.
    struct Timing: Equatable {
        var dotClockHz: Int
        var width: Int, hSyncStart: Int, hSyncEnd: Int, hTotal: Int
        var height: Int, vSyncStart: Int, vSyncEnd: Int, vTotal: Int
    }

    static func timing(for size: Size) -> Timing {
        let w = size.width
        let hTotal = w + 160, vTotal = size.height + 30
        let maxClock = 280_000_000
        let refresh = min(60, max(5, maxClock / (hTotal * vTotal)))
        return Timing(dotClockHz: hTotal * vTotal * refresh,
                      width: w, hSyncStart: w + 48, hSyncEnd: w + 80, hTotal: hTotal,
                      height: size.height, vSyncStart: size.height + 3, vSyncEnd: size.height + 8, vTotal: vTotal)
    }

    static func modeName(_ size: Size) -> String { "\(size.width)x\(size.height)_saffron" }

    static func text(initial: Size) -> String {
        let t = timing(for: initial)
        let mhz = Double(t.dotClockHz) / 1_000_000
        let videoRamKB = maximum.width * maximum.height * 4 / 1024
        return """
        # Written by Saffron for a private Xorg with the dummy driver.
        Section "ServerFlags"
            Option "AutoAddDevices" "false"
            Option "AutoEnableDevices" "false"
            Option "DontVTSwitch" "true"
            Option "DontZap" "true"
        EndSection
        Section "Device"
            Identifier "saffron-dummy"
            Driver "dummy"
            VideoRam \(videoRamKB)
        EndSection
        Section "Monitor"
            Identifier "saffron-monitor"
            HorizSync 1.0-2000.0
            VertRefresh 1.0-200.0
            Modeline "\(modeName(initial))" \(mhz) \(t.width) \(t.hSyncStart) \(t.hSyncEnd) \(t.hTotal) \(t.height) \(t.vSyncStart) \(t.vSyncEnd) \(t.vTotal)
        EndSection
        Section "Screen"
            Identifier "saffron-screen"
            Device "saffron-dummy"
            Monitor "saffron-monitor"
            DefaultDepth 24
            SubSection "Display"
                Depth 24
                Modes "\(modeName(initial))"
                Virtual \(maximum.width) \(maximum.height)
            EndSubSection
        EndSection

        """
    }
}

extension String {
    /// Writes the string to a new file readable only by its owner.
    func write(toFile path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw X11Error("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw X11Error("cannot write \(path): short write") }
    }
}
