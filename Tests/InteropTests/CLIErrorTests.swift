import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension Interop {
    /// `saffron serve` refuses bad setups with a useful message and stops cleanly on signals.
    @Suite("Command-line errors and signals")
    struct CLIErrors {
        func serve(_ arguments: [String], environment: [String: String] = [:], in dir: TempDir, name: String) async throws -> ToolRun {
            try await runTool(try Paths.saffron(), ["serve"] + arguments, environment: environment,
                              in: dir, name: name, timeout: 20)
        }

        /// Polls `process`'s stdout for `text` until it appears, the process ends or `within` passes.
        func waitFor(_ text: String, from process: ChildProcess, within: Duration, every: Duration) async throws -> Bool {
            let deadline = ContinuousClock.now + within
            while !process.stdout.contains(text) && process.status == nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: every)
            }
            return process.stdout.contains(text)
        }

        @Test("a port already in use", .timeLimit(.minutes(1)))
        func portInUse() async throws {
            let dir = try TempDir("cli-port")
            defer { dir.remove() }
            let busy = try Ports.Listener()
            let run = try await serve(["--port", String(busy.port), "--disable-ticketing"], in: dir, name: "serve-busy")
            #expect(!run.succeeded && !run.status.timedOut, "want a non-zero exit: \(run.status)\n\(run.tail())")
            #expect(run.output.contains("in use"), "message should say the port is in use\n\(run.tail())")
            withExtendedLifetime(busy) {}
        }

        @Test("a bad --size", .timeLimit(.minutes(1)))
        func badSize() async throws {
            let dir = try TempDir("cli-size")
            defer { dir.remove() }
            let run = try await serve(["--port", String(try Ports.free()), "--size", "12x", "--disable-ticketing"], in: dir, name: "serve-size")
            #expect(!run.succeeded && !run.status.timedOut, "want a non-zero exit: \(run.status)\n\(run.tail())")
            #expect(run.output.contains("--size"), "\(run.tail())")
        }

        @Test("an unreadable password file", .timeLimit(.minutes(1)))
        func unreadablePasswordFile() async throws {
            let dir = try TempDir("cli-pw")
            defer { dir.remove() }
            let missing = dir.path("no-such-password-file")
            let run = try await serve(["--port", String(try Ports.free()), "--password-file", missing], in: dir, name: "serve-pw")
            #expect(!run.succeeded && !run.status.timedOut, "want a non-zero exit: \(run.status)\n\(run.tail())")
            #expect(run.output.contains(missing), "message should name the file\n\(run.tail())")
        }

        @Test("no password and no --disable-ticketing", .timeLimit(.minutes(1)))
        func noPassword() async throws {
            let dir = try TempDir("cli-nopw")
            defer { dir.remove() }
            guard ProcessInfo.processInfo.environment["SAFFRON_PASSWORD"] == nil else {
                Issue.record("unset SAFFRON_PASSWORD to run the tests")
                return
            }
            let run = try await serve(["--port", String(try Ports.free())], in: dir, name: "serve-nopw")
            #expect(!run.succeeded && !run.status.timedOut, "want a non-zero exit: \(run.status)\n\(run.tail())")
            #expect(run.output.lowercased().contains("password"), "\(run.tail())")
        }

        @Test("SIGINT stops a running server with exit 0 within 5 s", .timeLimit(.minutes(1)))
        func sigint() async throws {
            let dir = try TempDir("cli-sigint")
            defer { dir.remove() }
            let server = try await SaffronServer(["--demo", "static", "--disable-ticketing"], in: dir)
            defer { server.killNow() }
            let banner = "Connect with:  remote-viewer spice://127.0.0.1:\(server.port)"
            #expect(try await waitFor(banner, from: server.process, within: .seconds(3), every: .milliseconds(50)),
                    "\(server.process.tail())")
            let sent = ContinuousClock.now
            server.process.signal(SIGINT)
            let status = await server.process.wait(seconds: 5)
            #expect(status == .exited(0), "after SIGINT: \(status?.description ?? "still running after 5 s")\n\(server.process.tail())")
            report("SIGINT: \(status?.description ?? "running") after \(String(format: "%.2f", (ContinuousClock.now - sent).seconds)) s")
        }

        /// Regression: the banner used to be printed before the signal handling was installed, so
        /// a SIGINT sent on seeing it either killed the server (default action) or was lost
        /// between SIG_IGN and dispatch's registration (the server kept running): 19 of 40 such
        /// starts went wrong. Signalled within a millisecond of the banner, ten times.
        @Test("SIGINT sent the moment the banner appears stops the server with exit 0 (10 starts)", .timeLimit(.minutes(2)))
        func sigintAtBanner() async throws {
            let dir = try TempDir("cli-sigint-race")
            defer { dir.remove() }
            var outcomes: [String] = []
            for round in 0..<10 {
                let process = try ChildProcess(try Paths.saffron(), ["serve", "--demo", "static", "--disable-ticketing", "--addr", "127.0.0.1",
                                                                     "--port", String(try Ports.free())],
                                               in: dir, name: "sigint-race-\(round)")
                defer { process.killNow() }
                #expect(try await waitFor("Connect with:", from: process, within: .seconds(10), every: .milliseconds(1)),
                        "round \(round): no banner\n\(process.tail())")
                process.signal(SIGINT)
                let status = await process.wait(seconds: 5)
                outcomes.append(status?.description ?? "running")
                #expect(status == .exited(0), "round \(round) after SIGINT: \(status?.description ?? "still running after 5 s")\n\(process.tail())")
            }
            report("SIGINT at the banner: \(outcomes)")
        }
    }
}
