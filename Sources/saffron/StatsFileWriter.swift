import Foundation
import SpiceServer

/// Writes the server's counters as JSON to a file (atomically) twice a second while they change.
struct StatsFileWriter: Sendable {
    let path: String
    let stats: ServerStats

    func run() async throws {
        var last: ServerStats.Snapshot?
        while !Task.isCancelled {
            let now = stats.snapshot
            if now != last {
                write(now)
                last = now
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    func writeOnce() { write(stats.snapshot) }

    private func write(_ snapshot: ServerStats.Snapshot) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(snapshot) else { return }
        let tmp = path + ".tmp"
        if FileManager.default.createFile(atPath: tmp, contents: data) {
            _ = rename(tmp, path)
        }
    }
}
