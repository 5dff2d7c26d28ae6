import Synchronization

/// Bounds the connections still in the link stage (TLS handshake + SPICE link), per peer address
/// and in total, so one host cannot hold every slot with idle sockets (each still ends after the
/// link timeout). `admit` before the link starts; `release` exactly once when it ends.
public final class LinkAdmission: Sendable {
    public let maxPerPeer: Int
    public let maxTotal: Int
    private let state = Mutex<(total: Int, perPeer: [String: Int])>((0, [:]))

    public init(maxPerPeer: Int, maxTotal: Int) {
        self.maxPerPeer = maxPerPeer
        self.maxTotal = maxTotal
    }

    public enum Verdict: Equatable, Sendable {
        case admitted
        /// Refused: the message says which limit.
        case refused(String)
    }

    public func admit(peer: String) -> Verdict {
        state.withLock { s in
            if s.total >= maxTotal {
                return .refused("\(s.total) connections are already linking (limit \(maxTotal))")
            }
            let mine = s.perPeer[peer, default: 0]
            if mine >= maxPerPeer {
                return .refused("\(mine) connections from \(peer) are already linking (limit \(maxPerPeer) per address)")
            }
            s.total += 1
            s.perPeer[peer] = mine + 1
            return .admitted
        }
    }

    public func release(peer: String) {
        state.withLock { s in
            guard let mine = s.perPeer[peer], mine > 0 else { return }
            s.total -= 1
            s.perPeer[peer] = mine == 1 ? nil : mine - 1
        }
    }

    /// Connections in the link stage now (total, from `peer`).
    public func pending(peer: String) -> (total: Int, peer: Int) {
        state.withLock { ($0.total, $0.perPeer[peer, default: 0]) }
    }
}
