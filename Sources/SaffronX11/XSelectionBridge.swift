import CX11
import Glibc
import SaffronDesktop

/// The X side of the clipboard (ICCCM selections CLIPBOARD and PRIMARY), on the X thread.
///
/// Client → X: when a client copies, a hidden window of ours owns the selection and answers
/// applications' SelectionRequests (TARGETS, then the data, fetched once from the client and
/// kept for this ownership; INCR for data above a request's size).
/// X → client: XFIXES tells us when an application takes a selection; we ask it for TARGETS
/// and offer the formats it has; a client's paste becomes a ConvertSelection (INCR when the
/// application sends it in pieces).
final class XSelectionBridge {
    private let connection: XDisplayConnection
    private let window: Window
    private let atoms: Atoms
    private let emit: (ClipboardEvent) -> Void
    /// Largest clipboard taken either way.
    let maxBytes: Int
    private let chunk: Int

    struct Atoms {
        let clipboard, primary, targets, timestamp, incr, utf8, string, text, textPlainUTF8, textPlain, atom: Atom
        let png, bmp, tiff, jpeg, targetsProperty, dataProperty: Atom
    }

    /// A selection the client owns: its formats, data fetched so far, requests waiting for data.
    private struct ClientOwned {
        var formats: [ClipboardFormat]
        var data: [ClipboardFormat: [UInt8]] = [:]
        var waiting: [ClipboardFormat: [XSelectionRequestEvent]] = [:]
    }
    private var clientOwned: [ClipboardSelectionName: ClientOwned] = [:]

    /// An INCR transfer to an application, one chunk per PropertyNotify(delete).
    private struct OutgoingIncr {
        var requestor: Window
        var property: Atom
        var type: Atom
        var data: [UInt8]
        var offset: Int
    }
    private var outgoing: [OutgoingIncr] = []

    /// A paste in progress from an application (by selection), INCR data accumulating.
    private struct IncomingRead {
        var format: ClipboardFormat
        var incr: [UInt8]?
    }
    private var reading: [ClipboardSelectionName: IncomingRead] = [:]
    /// Pastes asked while one is in progress for the same selection.
    private var queuedReads: [ClipboardSelectionName: [ClipboardFormat]] = [:]

    init(connection: XDisplayConnection, maxBytes: Int = 64 * 1024 * 1024, emit: @escaping (ClipboardEvent) -> Void) {
        self.connection = connection
        self.maxBytes = maxBytes
        self.emit = emit
        let d = connection.display
        func atom(_ name: String) -> Atom { XInternAtom(d, name, 0) }
        atoms = Atoms(clipboard: atom("CLIPBOARD"), primary: atom("PRIMARY"), targets: atom("TARGETS"), timestamp: atom("TIMESTAMP"),
                      incr: atom("INCR"), utf8: atom("UTF8_STRING"), string: atom("STRING"), text: atom("TEXT"),
                      textPlainUTF8: atom("text/plain;charset=utf-8"), textPlain: atom("text/plain"), atom: atom("ATOM"),
                      png: atom("image/png"), bmp: atom("image/bmp"), tiff: atom("image/tiff"), jpeg: atom("image/jpeg"),
                      targetsProperty: atom("SAFFRON_TARGETS"), dataProperty: atom("SAFFRON_DATA"))
        var attributes = XSetWindowAttributes()
        attributes.event_mask = Int(PropertyChangeMask)
        window = XCreateWindow(d, connection.root, -10, -10, 1, 1, 0, 0, UInt32(InputOnly), nil, UInt(CWEventMask), &attributes)
        let maxRequest = Int(XExtendedMaxRequestSize(d) > 0 ? XExtendedMaxRequestSize(d) : XMaxRequestSize(d)) * 4
        chunk = max(4096, min(256 * 1024, maxRequest - 1024))
        for sel in [atoms.clipboard, atoms.primary] {
            XFixesSelectSelectionInput(d, connection.root, sel,
                                       UInt(XFixesSetSelectionOwnerNotifyMask | XFixesSelectionWindowDestroyNotifyMask | XFixesSelectionClientCloseNotifyMask))
        }
    }

    // MARK: names

    private func selectionAtom(_ s: ClipboardSelectionName) -> Atom { s == .clipboard ? atoms.clipboard : atoms.primary }
    private func selectionName(_ a: Atom) -> ClipboardSelectionName? {
        a == atoms.clipboard ? .clipboard : a == atoms.primary ? .primary : nil
    }

    /// The X targets a format is offered under (first: the one asked for when pasting).
    private func targets(for format: ClipboardFormat) -> [Atom] {
        switch format {
        case .utf8Text: return [atoms.utf8, atoms.textPlainUTF8, atoms.string, atoms.text, atoms.textPlain]
        case .png: return [atoms.png]
        case .bmp: return [atoms.bmp]
        case .tiff: return [atoms.tiff]
        case .jpeg: return [atoms.jpeg]
        }
    }

    private func format(forTarget t: Atom) -> ClipboardFormat? {
        ClipboardFormat.allCases.first { targets(for: $0).contains(t) }
    }

    // MARK: client side (called on the X thread with the client's commands)

    func clientOffered(_ selection: ClipboardSelectionName, formats: [ClipboardFormat]) {
        let d = connection.display
        // A new copy: requests waiting on the old one get nothing.
        if let old = clientOwned[selection] { for r in old.waiting.values.joined() { refuse(r) } }
        clientOwned[selection] = ClientOwned(formats: formats)
        XSetSelectionOwner(d, selectionAtom(selection), window, UInt(CurrentTime))
        if XGetSelectionOwner(d, selectionAtom(selection)) != window { clientOwned[selection] = nil }
    }

    func clientReleased(_ selection: ClipboardSelectionName) {
        guard let owned = clientOwned.removeValue(forKey: selection) else { return }
        for r in owned.waiting.values.joined() { refuse(r) }
        if XGetSelectionOwner(connection.display, selectionAtom(selection)) == window {
            XSetSelectionOwner(connection.display, selectionAtom(selection), 0, UInt(CurrentTime))
        }
    }

    func clientData(_ selection: ClipboardSelectionName, format: ClipboardFormat, data: [UInt8]?) {
        guard var owned = clientOwned[selection] else { return }
        let waiting = owned.waiting.removeValue(forKey: format) ?? []
        if let data, data.count <= maxBytes { owned.data[format] = data }
        clientOwned[selection] = owned
        for request in waiting {
            if let data = owned.data[format] { answer(request, with: data) } else { refuse(request) }
        }
    }

    /// A client pastes: ask the application owning the selection for the data.
    func clientRequested(_ selection: ClipboardSelectionName, format: ClipboardFormat) {
        if reading[selection] != nil {
            queuedReads[selection, default: []].append(format)
            return
        }
        reading[selection] = IncomingRead(format: format)
        XConvertSelection(connection.display, selectionAtom(selection), targets(for: format)[0], atoms.dataProperty, window, UInt(CurrentTime))
    }

    // MARK: X events

    /// Handles selection-related events; false for others.
    func handle(_ event: inout XEvent) -> Bool {
        if event.type == connection.fixesEventBase + XFixesSelectionNotify {
            let (selection, owner) = withUnsafePointer(to: &event) {
                $0.withMemoryRebound(to: XFixesSelectionNotifyEvent.self, capacity: 1) { ($0.pointee.selection, $0.pointee.owner) }
            }
            ownerChanged(selection: selection, owner: owner)
            return true
        }
        switch event.type {
        case SelectionRequest:
            selectionRequest(event.xselectionrequest)
        case SelectionNotify:
            guard event.xselection.requestor == window else { return false }
            selectionNotify(event.xselection)
        case SelectionClear:
            guard event.xselectionclear.window == window, let sel = selectionName(event.xselectionclear.selection) else { return false }
            if let owned = clientOwned.removeValue(forKey: sel) { for r in owned.waiting.values.joined() { refuse(r) } }
        case PropertyNotify:
            return propertyNotify(event.xproperty)
        default:
            return false
        }
        return true
    }

    private func ownerChanged(selection atom: Atom, owner: Window) {
        guard let sel = selectionName(atom), owner != window else { return }
        if owner == 0 {
            emit(.released(sel))
            return
        }
        // Ask the new owner what it has; the answer comes as SelectionNotify on targetsProperty.
        XConvertSelection(connection.display, atom, atoms.targets, atoms.targetsProperty, window, UInt(CurrentTime))
    }

    private func selectionRequest(_ r: XSelectionRequestEvent) {
        guard let sel = selectionName(r.selection), var owned = clientOwned[sel] else { return refuse(r) }
        if r.target == atoms.targets {
            var list: [Atom] = [atoms.targets, atoms.timestamp]
            for f in owned.formats { list += targets(for: f) }
            XChangeProperty(connection.display, r.requestor, r.property, atoms.atom, 32, PropModeReplace,
                            list.withUnsafeBytes { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }, Int32(list.count))
            return notify(r, property: r.property)
        }
        guard let format = format(forTarget: r.target), owned.formats.contains(format) else { return refuse(r) }
        if let data = owned.data[format] { return answer(r, with: data) }
        let first = owned.waiting[format] == nil
        owned.waiting[format, default: []].append(r)
        clientOwned[sel] = owned
        if first { emit(.requested(sel, format)) }
    }

    /// Gives `data` to a requestor: at once, or INCR in chunks when it is large.
    private func answer(_ r: XSelectionRequestEvent, with data: [UInt8]) {
        let d = connection.display
        let property = r.property != 0 ? r.property : r.target  // obsolete clients pass None
        if data.count <= chunk {
            _ = data.withUnsafeBufferPointer { XChangeProperty(d, r.requestor, property, r.target, 8, PropModeReplace, $0.baseAddress, Int32($0.count)) }
            return notify(r, property: property)
        }
        XSelectInput(d, r.requestor, Int(PropertyChangeMask))
        var size = Int(data.count)
        _ = withUnsafeBytes(of: &size) { XChangeProperty(d, r.requestor, property, atoms.incr, 32, PropModeReplace, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), 1) }
        outgoing.append(OutgoingIncr(requestor: r.requestor, property: property, type: r.target, data: data, offset: 0))
        notify(r, property: property)
    }

    private func refuse(_ r: XSelectionRequestEvent) { notify(r, property: 0) }

    private func notify(_ r: XSelectionRequestEvent, property: Atom) {
        var e = XEvent()
        e.xselection.type = SelectionNotify
        e.xselection.display = r.display
        e.xselection.requestor = r.requestor
        e.xselection.selection = r.selection
        e.xselection.target = r.target
        e.xselection.property = property
        e.xselection.time = r.time
        XSendEvent(connection.display, r.requestor, 0, 0, &e)
    }

    private func propertyNotify(_ p: XPropertyEvent) -> Bool {
        let d = connection.display
        // An application took the last INCR chunk: send the next (a zero-length one ends it).
        if p.state == PropertyDelete, let i = outgoing.firstIndex(where: { $0.requestor == p.window && $0.property == p.atom }) {
            var t = outgoing[i]
            let n = min(chunk, t.data.count - t.offset)
            _ = t.data.withUnsafeBufferPointer {
                XChangeProperty(d, t.requestor, t.property, t.type, 8, PropModeReplace, $0.baseAddress! + t.offset, Int32(n))
            }
            t.offset += n
            if n == 0 { outgoing.remove(at: i) } else { outgoing[i] = t }
            return true
        }
        // A piece of an INCR paste from an application.
        if p.window == window, p.atom == atoms.dataProperty, p.state == PropertyNewValue,
           let (sel, read) = reading.first(where: { $0.value.incr != nil }) {
            let (_, bytes) = readProperty(atoms.dataProperty, delete: true)
            var acc = read.incr!
            if bytes.isEmpty {
                finishRead(sel, data: acc)
            } else if acc.count + bytes.count > maxBytes {
                finishRead(sel, data: nil)
            } else {
                acc += bytes
                reading[sel]?.incr = acc
            }
            return true
        }
        return p.window == window
    }

    private func selectionNotify(_ s: XSelectionEvent) {
        guard let sel = selectionName(s.selection) else { return }
        if s.property == atoms.targetsProperty || (s.target == atoms.targets && s.property == 0) {
            guard s.property != 0 else { return }
            let (_, bytes) = readProperty(atoms.targetsProperty, delete: true)
            var formats: [ClipboardFormat] = []
            bytes.withUnsafeBytes { raw in
                for atom in raw.bindMemory(to: Atom.self) {
                    if let f = format(forTarget: atom), !formats.contains(f) { formats.append(f) }
                }
            }
            if !formats.isEmpty { emit(.offered(sel, formats)) }
            return
        }
        guard let read = reading[sel] else { return }
        guard s.property != 0 else { return finishRead(sel, data: nil) }
        let (type, bytes) = readProperty(atoms.dataProperty, delete: true)
        if type == atoms.incr {
            reading[sel]?.incr = []  // the deletion above asked for the first piece
            return
        }
        _ = read
        finishRead(sel, data: bytes.count <= maxBytes ? bytes : nil)
    }

    private func finishRead(_ sel: ClipboardSelectionName, data: [UInt8]?) {
        guard let read = reading.removeValue(forKey: sel) else { return }
        emit(.data(sel, read.format, data))
        if var queue = queuedReads[sel], !queue.isEmpty {
            let next = queue.removeFirst()
            queuedReads[sel] = queue
            clientRequested(sel, format: next)
        }
    }

    /// A property of our window, whole (format 32 items come as C longs, kept as such).
    private func readProperty(_ property: Atom, delete: Bool) -> (type: Atom, bytes: [UInt8]) {
        let d = connection.display
        var type: Atom = 0
        var format: Int32 = 0
        var items: UInt = 0, after: UInt = 0
        var data: UnsafeMutablePointer<UInt8>?
        let longs = (maxBytes + 3) / 4
        guard XGetWindowProperty(d, window, property, 0, longs, delete ? 1 : 0, UInt(AnyPropertyType),
                                 &type, &format, &items, &after, &data) == Success else { return (0, []) }
        defer { if let data { XFree(data) } }
        guard let data else { return (type, []) }
        let unit = format == 8 ? 1 : format == 16 ? MemoryLayout<Int16>.size : MemoryLayout<Int>.size
        return (type, Array(UnsafeBufferPointer(start: data, count: Int(items) * unit)))
    }
}
