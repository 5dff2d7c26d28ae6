import CX11
import Foundation
import Logging
import SaffronDesktop
import Synchronization

/// A real X11 desktop as a Saffron desktop source: an existing display (`display: ":1"`) or a
/// private X server (Xorg + dummy, or Xvfb) with a session command. One thread owns the X connection (`XDesktopWorker`);
/// input and resize requests reach it through a queue and a wake-up pipe.
public final class X11Desktop: DesktopSource {
    public struct Options: Sendable {
        /// Attach to this display (XAUTHORITY from the environment); nil starts a private X server.
        public var display: String?
        /// The session command for a private X server (nil: a light desktop if installed, else xterm).
        public var session: String?
        /// Which private X server to start (auto: Xorg + dummy where it can run, else Xvfb).
        public var server: PrivateXSession.ServerKind = .auto
        /// Screen size of a private X server, and the size asked of an attached display's RandR.
        public var size: Size
        /// Time between captures while a viewer keeps up, while all are behind, and with none.
        public var pacing = FramePacer.Rates()
        /// Send vertical moves as COPY_BITS (off: every change is sent as pixels; for comparisons).
        public var detectMoves = true

        public init(display: String? = nil, session: String? = nil, size: Size) {
            self.display = display
            self.session = session
            self.size = size
        }
    }

    /// A client's clipboard action, for the X thread.
    enum ClipboardCommand {
        case offered(ClipboardSelectionName, [ClipboardFormat])
        case released(ClipboardSelectionName)
        case requested(ClipboardSelectionName, ClipboardFormat)
        case data(ClipboardSelectionName, ClipboardFormat, [UInt8]?)
    }

    struct Shared {
        var cursor: CursorState
        var inputs: [InputEvent] = []
        var clipboard: [ClipboardCommand] = []
        var resize: Size?
        /// Several monitors asked for (the screen becomes their bounding box).
        var layout: [Rect]?
        /// The monitors now (nil: one, the whole screen).
        var monitors: [Rect]?
        var stop = false
        var started = false
    }

    public let name: String
    public let framebuffer: Framebuffer
    public let pacer: FramePacer?
    /// The X display served, e.g. ":10".
    public let displayName: String
    /// The private X server and session, if this desktop started them.
    public let privateX: PrivateXSession?
    let shared: Mutex<Shared>
    private let wake: WakePipe
    private let worker: XDesktopWorker
    /// Whether captures go through MIT-SHM (else XGetImage, e.g. a server without the extension).
    var capturesThroughShm: Bool { worker.capture.usesShm }
    private let logger: Logger

    public init(options: Options, logger: Logger) throws {
        self.logger = logger
        var session: PrivateXSession?
        if options.display == nil {
            session = try PrivateXSession(size: options.size, kind: options.server, sessionCommand: options.session, logger: logger)
        }
        let displayName = options.display ?? session!.display
        let connection: XDisplayConnection
        do {
            connection = try XDisplayConnection(name: displayName, authorityFile: session?.authorityFile)
        } catch {
            session?.stop()
            throw error
        }
        if session?.kind == .xorg && !XkbEvdevKeymap.load(into: connection) {
            logger.warning("X display \(displayName): cannot load the evdev keymap; keys may arrive as other keys")
        }
        // The screen at the asked size before the session starts, so its windows open there.
        if options.size != connection.currentScreenSize, connection.randrEventBase != nil {
            if case .unchanged(let why) = RandRResizer(connection: connection).resize(to: options.size) {
                logger.notice("X display \(displayName) stays \(connection.currentScreenSize): cannot resize to \(options.size) (\(why))")
            }
        }
        do {
            try session?.startSession()
        } catch {
            session?.stop()
            throw error
        }
        self.displayName = displayName
        privateX = session
        name = "Saffron X11 desktop \(displayName)"
        let size = connection.currentScreenSize
        framebuffer = Framebuffer(size: size)
        shared = Mutex(Shared(cursor: CursorState(image: nil, position: Point(x: size.width / 2, y: size.height / 2), visible: true)))
        wake = try WakePipe()
        let pacer = FramePacer(rates: options.pacing)
        self.pacer = pacer
        worker = XDesktopWorker(connection: connection, framebuffer: framebuffer, privateX: session,
                                pacer: pacer, detectMoves: options.detectMoves, logger: logger)
        worker.captureAll()
        logger.info("X11 desktop on \(displayName): \(size), MIT-SHM \(worker.capture.usesShm ? "on" : "off"), RandR \(connection.randrEventBase != nil ? "on" : "off")")
    }

    deinit {
        // run() was never called: let go of the X server while it is still there, then stop
        // what we started.
        if !shared.withLock({ $0.started }) {
            worker.shutDown()
            privateX?.stop()
        }
    }

    public var cursor: CursorState { shared.withLock { $0.cursor } }

    public func handle(_ event: InputEvent) {
        shared.withLock { $0.inputs.append(event) }
        wake.signal()
    }

    public var clipboard: ClipboardSink? { self }

    private func queue(_ command: ClipboardCommand) {
        shared.withLock { $0.clipboard.append(command) }
        wake.signal()
    }

    public func requestLayout(_ monitors: [Rect]) {
        shared.withLock { $0.layout = monitors; $0.resize = nil }
        wake.signal()
    }

    public var monitors: [Rect] {
        shared.withLock { $0.monitors } ?? [Rect(origin: .zero, size: framebuffer.size)]
    }

    public func requestResize(to size: Size) {
        shared.withLock { $0.resize = size; $0.layout = nil }
        wake.signal()
    }

    /// Runs the X thread until cancelled (then stops the session and Xvfb it started) or until
    /// the X server or session ends (reported as `.ended`).
    public func run(events: @escaping @Sendable (DesktopEvent) -> Void) async throws {
        let alreadyRunning = shared.withLock { s -> Bool in
            defer { s.started = true }
            return s.started
        }
        guard !alreadyRunning else { throw X11Error("X11Desktop.run may only be called once") }
        let worker = self.worker, wake = self.wake
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    worker.loop(desktop: self, wake: wake, events: events)
                    done.resume()
                }
                thread.name = "saffron-x11"
                thread.start()
            }
        } onCancel: {
            shared.withLock { $0.stop = true }
            wake.signal()
        }
    }
}

/// A self-pipe that wakes the X thread's poll().
final class WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32
    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw X11Error("pipe2 failed: errno \(errno)") }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }
    func signal() {
        var b: UInt8 = 1
        _ = write(writeFD, &b, 1)
    }
    func drain() {
        var buf = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buf, 64) > 0 {}
    }
    deinit {
        close(readFD)
        close(writeFD)
    }
}

extension X11Desktop: ClipboardSink {
    public func clientOffered(_ selection: ClipboardSelectionName, formats: [ClipboardFormat]) { queue(.offered(selection, formats)) }
    public func clientReleased(_ selection: ClipboardSelectionName) { queue(.released(selection)) }
    public func clientRequested(_ selection: ClipboardSelectionName, format: ClipboardFormat) { queue(.requested(selection, format)) }
    public func clientData(_ selection: ClipboardSelectionName, format: ClipboardFormat, data: [UInt8]?) {
        queue(.data(selection, format, data))
    }
}
