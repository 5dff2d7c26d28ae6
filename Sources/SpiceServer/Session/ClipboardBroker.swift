import SaffronDesktop
import Synchronization

/// Who owns each selection between the desktop and its clients: the last to offer. A desktop
/// request for data goes to the owning client only; a desktop offer is kept so clients that
/// connect later are told of it too.
final class ClipboardBroker: Sendable {
    private struct State {
        var clientOwner: [ClipboardSelectionName: UInt32] = [:]
        var desktopOffers: [ClipboardSelectionName: [ClipboardFormat]] = [:]
    }
    private let state = Mutex(State())

    /// A client (session id) offered data for `selection`.
    func clientOffered(_ selection: ClipboardSelectionName, session: UInt32) {
        state.withLock {
            $0.clientOwner[selection] = session
            $0.desktopOffers[selection] = nil
        }
    }

    /// True when the release came from the owner (then the desktop is to be told).
    func clientReleased(_ selection: ClipboardSelectionName, session: UInt32) -> Bool {
        state.withLock { s in
            guard s.clientOwner[selection] == session else { return false }
            s.clientOwner[selection] = nil
            return true
        }
    }

    func owns(_ selection: ClipboardSelectionName, session: UInt32) -> Bool {
        state.withLock { $0.clientOwner[selection] == session }
    }

    /// A client left: it owns nothing any more (returns what it owned).
    func clientLeft(session: UInt32) -> [ClipboardSelectionName] {
        state.withLock { s in
            let owned = s.clientOwner.filter { $0.value == session }.map(\.key)
            for sel in owned { s.clientOwner[sel] = nil }
            return owned
        }
    }

    /// False when the desktop offered `selection` without `format` (a request for it gets an
    /// empty answer at once, as spice-vdagent gives: some X programs, xclip among them, answer
    /// any target with their data, which would hand text to a client asking for PNG).
    func desktopMayHave(_ selection: ClipboardSelectionName, _ format: ClipboardFormat) -> Bool {
        state.withLock { s in s.desktopOffers[selection].map { $0.contains(format) } ?? true }
    }

    /// The desktop's current offers (for a client that starts now).
    var desktopOffers: [ClipboardSelectionName: [ClipboardFormat]] { state.withLock { $0.desktopOffers } }

    /// Follows the desktop's clipboard events.
    func observe(_ event: ClipboardEvent) {
        state.withLock { s in
            switch event {
            case .offered(let sel, let formats):
                s.desktopOffers[sel] = formats
                s.clientOwner[sel] = nil
            case .released(let sel):
                s.desktopOffers[sel] = nil
            case .requested, .data:
                break
            }
        }
    }
}
