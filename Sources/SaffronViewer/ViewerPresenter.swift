import SpiceClient

/// Where the server-mode cursor is drawn: the guest's pointer position and the shape's hot spot.
struct CursorOverlay {
    var x: Int, y: Int, hotX: Int, hotY: Int
}

/// Puts the desktop, the server-mode cursor and the status line on the screen. Two kinds:
/// `SurfacePresenter` (the window's own pixels, damaged rectangles only) and
/// `RendererPresenter` (an SDL renderer on the GPU). Main thread only.
protocol ViewerPresenter: AnyObject {
    /// The drawable size in pixels.
    var outputSize: (width: Int, height: Int) { get }
    /// The shape drawn for the guest's pointer in server mouse mode (nil: none).
    func setCursor(_ shape: ClientCursorShape?)
    /// The status line over the bottom of the window (nil: none).
    func setStatus(_ text: String?)
    /// Shows the canvas's `damage` (desktop pixels; everything when `full`), the cursor and the
    /// status line. Without a session the last picture stays.
    func present(session: SpiceClientSession?, damage: ViewerMailbox.Damage?, full: Bool, layout: ViewerLayout, cursor: CursorOverlay?)
}
