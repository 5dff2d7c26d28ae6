import CX11
import Glibc
import SaffronDesktop

/// Sets the X screen to a size through RandR 1.2, as `xrandr --newmode/--addmode/--output
/// --mode --fb` would: a mode of that size (created when the server has none), the first
/// connected output's CRTC switched to it, and the screen resized around it. Servers whose
/// RandR refuses (Debian 12's Xvfb keeps its start size) leave the screen as it was.
struct RandRResizer {
    let connection: XDisplayConnection

    enum Outcome: Equatable {
        case resized
        case unchanged(String)
    }

    func resize(to size: Size) -> Outcome {
        let d = connection.display, root = connection.root
        var minW: Int32 = 0, minH: Int32 = 0, maxW: Int32 = 0, maxH: Int32 = 0
        guard XRRGetScreenSizeRange(d, root, &minW, &minH, &maxW, &maxH) != 0 else { return .unchanged("no RandR 1.2") }
        guard size.width >= Int(minW), size.height >= Int(minH), size.width <= Int(maxW), size.height <= Int(maxH) else {
            return .unchanged("\(size) is outside the screen's range \(minW)x\(minH)...\(maxW)x\(maxH)")
        }
        guard let resources = XRRGetScreenResourcesCurrent(d, root) else { return .unchanged("no screen resources") }
        defer { XRRFreeScreenResources(resources) }
        guard let (output, crtc) = firstConnectedOutput(resources) else { return .unchanged("no connected output with a CRTC") }
        guard let mode = findOrCreateMode(size, resources: resources, output: output) else { return .unchanged("cannot create a \(size) mode") }

        // xrandr's order: switch the CRTC off, resize the screen, switch it on with the new mode,
        // all under a server grab so clients never see the screen without its CRTC.
        let previous = XErrorHooks.errorCount(d)
        XGrabServer(d)
        XRRSetCrtcConfig(d, resources, crtc, Time(CurrentTime), 0, 0, 0, UInt16(RR_Rotate_0), nil, 0)
        let mmw = Int32(Double(size.width) * 25.4 / 96), mmh = Int32(Double(size.height) * 25.4 / 96)
        XRRSetScreenSize(d, root, Int32(size.width), Int32(size.height), mmw, mmh)
        var outputs = [output]
        let status = XRRSetCrtcConfig(d, resources, crtc, Time(CurrentTime), 0, 0, mode, UInt16(RR_Rotate_0), &outputs, 1)
        XUngrabServer(d)
        XSync(d, 0)
        if status != 0 || XErrorHooks.errorCount(d) != previous {
            return .unchanged("the X server refused the \(size) mode (status \(status))")
        }
        return connection.currentScreenSize == size ? .resized : .unchanged("the X server kept \(connection.currentScreenSize)")
    }

    private func firstConnectedOutput(_ resources: UnsafeMutablePointer<XRRScreenResources>) -> (RROutput, RRCrtc)? {
        let d = connection.display
        let primary = XRRGetOutputPrimary(d, connection.root)
        var candidates: [RROutput] = primary != 0 ? [primary] : []
        for i in 0..<Int(resources.pointee.noutput) { candidates.append(resources.pointee.outputs[i]) }
        for output in candidates {
            guard let info = XRRGetOutputInfo(d, resources, output) else { continue }
            defer { XRRFreeOutputInfo(info) }
            guard info.pointee.connection == RR_Connected else { continue }
            if info.pointee.crtc != 0 { return (output, info.pointee.crtc) }
            if info.pointee.ncrtc > 0 { return (output, info.pointee.crtcs[0]) }
        }
        return nil
    }

    /// A mode of exactly `size` the output already lists, else a new one added to it.
    private func findOrCreateMode(_ size: Size, resources: UnsafeMutablePointer<XRRScreenResources>, output: RROutput) -> RRMode? {
        let d = connection.display
        var known: RRMode?
        for i in 0..<Int(resources.pointee.nmode) {
            let m = resources.pointee.modes[i]
            if Int(m.width) == size.width && Int(m.height) == size.height { known = m.id; break }
        }
        if let known {
            // Make sure the output accepts it (a mode we created earlier is already added).
            if let info = XRRGetOutputInfo(d, resources, output) {
                defer { XRRFreeOutputInfo(info) }
                let listed = (0..<Int(info.pointee.nmode)).contains { info.pointee.modes[$0] == known }
                if !listed { XRRAddOutputMode(d, output, known) }
            }
            return known
        }
        let t = XorgDummyConfig.timing(for: size)
        let name = XorgDummyConfig.modeName(size)
        let previous = XErrorHooks.errorCount(d)
        let mode: RRMode = name.withCString { cName in
            var info = XRRModeInfo()
            info.width = UInt32(t.width)
            info.height = UInt32(t.height)
            info.dotClock = UInt(t.dotClockHz)
            info.hSyncStart = UInt32(t.hSyncStart)
            info.hSyncEnd = UInt32(t.hSyncEnd)
            info.hTotal = UInt32(t.hTotal)
            info.vSyncStart = UInt32(t.vSyncStart)
            info.vSyncEnd = UInt32(t.vSyncEnd)
            info.vTotal = UInt32(t.vTotal)
            info.name = UnsafeMutablePointer(mutating: cName)
            info.nameLength = UInt32(strlen(cName))
            return XRRCreateMode(d, connection.root, &info)
        }
        XSync(d, 0)
        guard mode != 0, XErrorHooks.errorCount(d) == previous else { return nil }
        XRRAddOutputMode(d, output, mode)
        XSync(d, 0)
        return XErrorHooks.errorCount(d) == previous ? mode : nil
    }
}
