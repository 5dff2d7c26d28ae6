import ArgumentParser
import Foundation
import Logging
import SaffronViewer
import SpiceClient

/// `saffron view`: a window on a SPICE server.
struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Open a window on a SPICE server (SDL2): desktop, cursor, keyboard, mouse, clipboard.",
        discussion: """
            TARGET is spice://HOST:PORT, spice+tls://HOST:PORT or a remote-viewer .vv file.
            The guest's desktop follows the window's size (through its agent) unless --no-resize-guest.
            Shift+F11 toggles fullscreen; in server mouse mode a click grabs the pointer and
            Shift+F12 or Ctrl+Alt releases it. Text copied on either side can be pasted on the other.
            When the connection drops the window stays and reconnects.
            Exit codes: 0 closed by the user, 1 usage or window error, 3 authentication refused,
            4 link or TLS refused.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Window title (default: the .vv file's title or Saffron - HOST:PORT).")
    var title: String?

    @Flag(help: "Start fullscreen.")
    var fullscreen = false

    @Flag(name: .customLong("no-resize-guest"), help: "Keep the guest's size and scale it into the window.")
    var noResizeGuest = false

    @Option(name: .customLong("max-fps"), help: "Present at most this many frames a second (1-1000).")
    var maxFPS = 60

    @Option(help: "surface (the window's own pixels, damaged rectangles only) or gpu (an SDL renderer: smooth scaling).")
    var renderer: String = "surface"

    @Flag(help: "Log protocol details to stderr.")
    var verbose = false

    func validate() throws {
        guard (1...1000).contains(maxFPS) else { throw ValidationError("--max-fps must be 1...1000") }
        guard ViewerOptions.Renderer(rawValue: renderer) != nil else { throw ValidationError("--renderer must be surface or gpu") }
    }

    func run() throws {
        let spice: SpiceTarget
        let config: SpiceClientConfiguration
        do {
            (spice, config) = try connection.resolve()
        } catch {
            switch error {
            case .badTarget(let m): throw fail(4, m)
            case .badPassword(let m): throw fail(3, m)
            }
        }
        var logger = Logger(label: "saffron-view")
        logger.logLevel = verbose ? .debug : .info
        var options = ViewerOptions()
        options.title = title
        options.fullscreen = fullscreen
        options.resizeGuest = !noResizeGuest
        options.maxFramesPerSecond = maxFPS
        options.renderer = ViewerOptions.Renderer(rawValue: renderer) ?? .surface
        let viewer = SDLViewer(configuration: config, options: options, title: spice.title, logger: logger)
        let refused: Bool
        do { refused = try viewer.run() } catch { throw fail(1, "\(error)") }
        if refused { throw ExitCode(3) }
    }

    private func fail(_ code: Int32, _ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("saffron view: \(message)\n".utf8))
        return ExitCode(code)
    }
}
