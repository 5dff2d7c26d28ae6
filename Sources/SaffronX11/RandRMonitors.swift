import CX11
import SaffronDesktop

/// Several client monitors on one X screen as RandR 1.5 monitors (what `xrandr --setmonitor`
/// makes), so window managers and toolkits see separate heads. The first takes the output (which
/// hides its automatic monitor), the others have none. Ours are named SAFFRON-<n>.
struct RandRMonitors {
    let connection: XDisplayConnection

    /// Replaces our monitors by `rects` (one rect or none: back to the output's own monitor).
    func apply(_ rects: [Rect]) -> Bool {
        let d = connection.display, root = connection.root
        removeOurs()
        guard rects.count > 1 else { XSync(d, 0); return true }
        let output = primaryOutput()
        let previous = XErrorHooks.errorCount(d)
        for (i, r) in rects.enumerated() {
            let withOutput = i == 0 && output != 0
            guard let m = XRRAllocateMonitor(d, withOutput ? 1 : 0) else { return false }
            defer { XFree(m) }
            m.pointee.name = XInternAtom(d, "SAFFRON-\(i)", 0)
            m.pointee.primary = i == 0 ? 1 : 0
            m.pointee.automatic = 0
            m.pointee.x = Int32(r.x)
            m.pointee.y = Int32(r.y)
            m.pointee.width = Int32(r.width)
            m.pointee.height = Int32(r.height)
            m.pointee.mwidth = Int32(Double(r.width) * 25.4 / 96)
            m.pointee.mheight = Int32(Double(r.height) * 25.4 / 96)
            if withOutput { m.pointee.outputs[0] = output }
            XRRSetMonitor(d, root, m)
        }
        XSync(d, 0)
        return XErrorHooks.errorCount(d) == previous
    }

    /// The monitors the X server lists now (for logs and tests).
    func current() -> [(name: String, rect: Rect)] {
        let d = connection.display
        var n: Int32 = 0
        guard let list = XRRGetMonitors(d, connection.root, 0, &n) else { return [] }
        defer { XRRFreeMonitors(list) }
        return (0..<Int(n)).map { i in
            let m = list[i]
            let name = XGetAtomName(d, m.name).map { p in defer { XFree(p) }; return String(cString: p) } ?? "?"
            return (name, Rect(x: Int(m.x), y: Int(m.y), width: Int(m.width), height: Int(m.height)))
        }
    }

    private func removeOurs() {
        for (name, _) in current() where name.hasPrefix("SAFFRON-") {
            XRRDeleteMonitor(connection.display, connection.root, XInternAtom(connection.display, name, 0))
        }
    }

    private func primaryOutput() -> RROutput {
        let d = connection.display
        let primary = XRRGetOutputPrimary(d, connection.root)
        if primary != 0 { return primary }
        guard let res = XRRGetScreenResourcesCurrent(d, connection.root) else { return 0 }
        defer { XRRFreeScreenResources(res) }
        return res.pointee.noutput > 0 ? res.pointee.outputs[0] : 0
    }
}
