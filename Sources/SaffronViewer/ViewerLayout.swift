/// Where the remote desktop sits in the window: 1:1 when the sizes match, else scaled to fit
/// with its aspect ratio kept and the rest letterboxed. Maps window points to remote points.
public struct ViewerLayout: Equatable, Sendable {
    public var windowWidth: Int
    public var windowHeight: Int
    public var remoteWidth: Int
    public var remoteHeight: Int

    public init(windowWidth: Int, windowHeight: Int, remoteWidth: Int, remoteHeight: Int) {
        self.windowWidth = windowWidth
        self.windowHeight = windowHeight
        self.remoteWidth = remoteWidth
        self.remoteHeight = remoteHeight
    }

    /// The destination rectangle of the remote picture in window pixels (x, y, width, height).
    public var destination: (x: Int, y: Int, width: Int, height: Int) {
        guard remoteWidth > 0, remoteHeight > 0, windowWidth > 0, windowHeight > 0 else { return (0, 0, 0, 0) }
        if remoteWidth == windowWidth && remoteHeight == windowHeight { return (0, 0, remoteWidth, remoteHeight) }
        // Fit: the smaller of the two scale factors, compared without floating point.
        let w: Int, h: Int
        if windowWidth * remoteHeight <= windowHeight * remoteWidth {
            w = windowWidth
            h = max(1, remoteHeight * windowWidth / remoteWidth)
        } else {
            h = windowHeight
            w = max(1, remoteWidth * windowHeight / remoteHeight)
        }
        return ((windowWidth - w) / 2, (windowHeight - h) / 2, w, h)
    }

    /// The remote pixel under a window point (clamped to the desktop's edges; nil with no desktop).
    public func remotePoint(windowX: Int, windowY: Int) -> (x: Int, y: Int)? {
        let d = destination
        guard d.width > 0, d.height > 0 else { return nil }
        let x = (windowX - d.x) * remoteWidth / d.width
        let y = (windowY - d.y) * remoteHeight / d.height
        return (min(max(x, 0), remoteWidth - 1), min(max(y, 0), remoteHeight - 1))
    }

    /// A remote point in window pixels (where to draw the remote cursor in server mouse mode).
    public func windowPoint(remoteX: Int, remoteY: Int) -> (x: Int, y: Int) {
        let d = destination
        guard remoteWidth > 0, remoteHeight > 0 else { return (0, 0) }
        return (d.x + remoteX * d.width / remoteWidth, d.y + remoteY * d.height / remoteHeight)
    }

    /// Remote pixels per window pixel ×1000 (1000 when 1:1).
    public var scaleMillis: Int {
        let d = destination
        guard d.width > 0 else { return 1000 }
        return d.width * 1000 / max(remoteWidth, 1)
    }
}
