import CSDL2
import SpiceClient

/// Presents through an SDL renderer (OpenGL, Vulkan, Metal...): the desktop in a streaming
/// texture updated from the damaged rectangles, scaled smoothly; every present draws the whole
/// window, which is cheap on a GPU and costly without one.
final class RendererPresenter: ViewerPresenter {
    private let renderer: OpaquePointer
    private var texture: OpaquePointer?
    private var textureSize = (width: 0, height: 0)
    private var cursorTexture: OpaquePointer?
    private var cursorSize = (width: 0, height: 0)
    private var statusText: String?
    private var statusTexture: OpaquePointer?
    private var statusWidth = 0

    /// Takes ownership of `renderer`.
    init(renderer: OpaquePointer) { self.renderer = renderer }

    deinit {
        for t in [texture, cursorTexture, statusTexture] { if let t { SDL_DestroyTexture(t) } }
        SDL_DestroyRenderer(renderer)
    }

    var name: String {
        var info = SDL_RendererInfo()
        guard SDL_GetRendererInfo(renderer, &info) == 0, let name = info.name else { return "SDL renderer" }
        return String(cString: name)
    }

    var outputSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &w, &h)
        return (Int(w), Int(h))
    }

    func setCursor(_ shape: ClientCursorShape?) {
        if let cursorTexture { SDL_DestroyTexture(cursorTexture) }
        cursorTexture = shape.flatMap { makeTexture(argb: $0.pixels, width: $0.width, height: $0.height) }
        cursorSize = shape.map { ($0.width, $0.height) } ?? (0, 0)
    }

    func setStatus(_ text: String?) {
        statusText = text
        if let statusTexture { SDL_DestroyTexture(statusTexture) }
        statusTexture = nil
    }

    func present(session: SpiceClientSession?, damage: ViewerMailbox.Damage?, full: Bool, layout: ViewerLayout, cursor: CursorOverlay?) {
        var damage = damage
        if (layout.remoteWidth, layout.remoteHeight) != textureSize, layout.remoteWidth > 0, layout.remoteHeight > 0 {
            if let texture { SDL_DestroyTexture(texture) }
            texture = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_RGB888.rawValue, Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
                                        Int32(layout.remoteWidth), Int32(layout.remoteHeight))
            textureSize = texture == nil ? (0, 0) : (layout.remoteWidth, layout.remoteHeight)
            damage = .init(x0: 0, y0: 0, x1: layout.remoteWidth, y1: layout.remoteHeight)
        } else if full {
            damage = .init(x0: 0, y0: 0, x1: layout.remoteWidth, y1: layout.remoteHeight)
        }
        if let damage, let session { upload(damage, from: session) }

        _ = SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255)
        _ = SDL_RenderClear(renderer)
        if let texture {
            let d = layout.destination
            var dst = SDL_Rect(x: Int32(d.x), y: Int32(d.y), w: Int32(d.width), h: Int32(d.height))
            _ = SDL_RenderCopy(renderer, texture, nil, &dst)
        }
        if let cursor, let cursorTexture {
            let p = layout.windowPoint(remoteX: cursor.x - cursor.hotX, remoteY: cursor.y - cursor.hotY)
            let scale = layout.scaleMillis
            var dst = SDL_Rect(x: Int32(p.x), y: Int32(p.y), w: Int32(max(1, cursorSize.width * scale / 1000)),
                               h: Int32(max(1, cursorSize.height * scale / 1000)))
            _ = SDL_RenderCopy(renderer, cursorTexture, nil, &dst)
        }
        if let statusText {
            let (w, h) = outputSize
            if statusTexture == nil || statusWidth != w {
                if let statusTexture { SDL_DestroyTexture(statusTexture) }
                let bar = StatusBar.render(statusText, width: w)
                statusTexture = makeTexture(argb: bar.pixels, width: bar.width, height: bar.height)
                statusWidth = w
            }
            if let statusTexture {
                var dst = SDL_Rect(x: 0, y: Int32(h - StatusBar.height), w: Int32(w), h: Int32(StatusBar.height))
                _ = SDL_RenderCopy(renderer, statusTexture, nil, &dst)
            }
        }
        SDL_RenderPresent(renderer)
    }

    private func upload(_ d: ViewerMailbox.Damage, from session: SpiceClientSession) {
        guard let texture else { return }
        let size = textureSize
        _ = session.surface.withPrimaryPixels { width, height, pixels in
            guard width == size.width, height == size.height else { return }
            let x0 = max(d.x0, 0), y0 = max(d.y0, 0), x1 = min(d.x1, width), y1 = min(d.y1, height)
            guard x1 > x0, y1 > y0, let base = pixels.baseAddress else { return }
            var rect = SDL_Rect(x: Int32(x0), y: Int32(y0), w: Int32(x1 - x0), h: Int32(y1 - y0))
            _ = SDL_UpdateTexture(texture, &rect, base + y0 * width + x0, Int32(width * 4))
        }
    }

    private func makeTexture(argb pixels: [UInt32], width: Int, height: Int) -> OpaquePointer? {
        guard width > 0, height > 0, let t = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888.rawValue,
                                                               Int32(SDL_TEXTUREACCESS_STATIC.rawValue), Int32(width), Int32(height)) else { return nil }
        _ = pixels.withUnsafeBytes { SDL_UpdateTexture(t, nil, $0.baseAddress, Int32(width * 4)) }
        _ = SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND)
        return t
    }
}
