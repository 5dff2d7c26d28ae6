import CSDL2
import SpiceClient

/// Presents through the window's own surface (XShm on X11) and pushes only what changed: the
/// path for machines without a GPU (`SDL_RENDER_DRIVER=software`), where an SDL renderer would
/// copy and present the whole window for every band of a frame. At 1:1 the damaged rows go
/// from the canvas straight into the window's pixels; scaled, the desktop is blitted scaled.
final class SurfacePresenter: ViewerPresenter {
    private let window: OpaquePointer
    private var cursorSprite: UnsafeMutablePointer<SDL_Surface>?
    private var statusText: String?
    private var statusSprite: UnsafeMutablePointer<SDL_Surface>?
    private var statusWidth = 0
    /// Where the server-mode cursor sprite was drawn last (window pixels), to repaint under it.
    private var lastCursor: SDL_Rect?

    init(window: OpaquePointer) { self.window = window }

    deinit {
        if let cursorSprite { SDL_FreeSurface(cursorSprite) }
        if let statusSprite { SDL_FreeSurface(statusSprite) }
    }

    var outputSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        SDL_GetWindowSize(window, &w, &h)
        return (Int(w), Int(h))
    }

    func setCursor(_ shape: ClientCursorShape?) {
        if let cursorSprite { SDL_FreeSurface(cursorSprite) }
        cursorSprite = shape.flatMap { Self.sprite(argb: $0.pixels, width: $0.width, height: $0.height) }
    }

    func setStatus(_ text: String?) {
        statusText = text
        if let statusSprite { SDL_FreeSurface(statusSprite) }
        statusSprite = nil
    }

    /// Copies the damage from the canvas into the window and pushes those rectangles (plus the
    /// cursor's old and new places and the status line).
    func present(session: SpiceClientSession?, damage: ViewerMailbox.Damage?, full: Bool, layout: ViewerLayout, cursor: CursorOverlay?) {
        guard let surface = SDL_GetWindowSurface(window) else { return }
        if let statusText, statusSprite == nil || statusWidth != Int(surface.pointee.w) {
            if let statusSprite { SDL_FreeSurface(statusSprite) }
            let bar = StatusBar.render(statusText, width: Int(surface.pointee.w))
            statusSprite = Self.sprite(argb: bar.pixels, width: bar.width, height: bar.height)
            statusWidth = bar.width
        }
        let d = layout.destination
        var rects: [SDL_Rect] = []
        var area = damage
        if full {
            // Without a session the window keeps the last picture (under the status line).
            if session != nil {
                _ = SDL_FillRect(surface, nil, 0)
                area = .init(x0: 0, y0: 0, x1: layout.remoteWidth, y1: layout.remoteHeight)
            }
            rects.append(SDL_Rect(x: 0, y: 0, w: surface.pointee.w, h: surface.pointee.h))
        }
        // The desktop under the cursor's previous place is repainted with the damage.
        if let old = lastCursor, let p0 = layout.remotePoint(windowX: Int(old.x), windowY: Int(old.y)),
           let p1 = layout.remotePoint(windowX: Int(old.x + old.w), windowY: Int(old.y + old.h)) {
            area.merge(.init(x0: p0.x - 1, y0: p0.y - 1, x1: p1.x + 2, y1: p1.y + 2))
            rects.append(old)
            lastCursor = nil
        }
        if let area, let session, d.width > 0 {
            _ = session.surface.withPrimaryPixels { w, h, pixels in
                guard w == layout.remoteWidth, h == layout.remoteHeight else { return }
                let x0 = max(area.x0, 0), y0 = max(area.y0, 0), x1 = min(area.x1, w), y1 = min(area.y1, h)
                guard x1 > x0, y1 > y0, let base = pixels.baseAddress else { return }
                if let r = Self.copyUnscaled(base, width: w, x0: x0, y0: y0, x1: x1, y1: y1, to: surface, at: (d.x, d.y),
                                             scaled: d.width != w || d.height != h) {
                    rects.append(r)
                } else {
                    // Scaled (or a window format we do not write directly): SDL converts and scales the whole desktop.
                    guard let src = SDL_CreateRGBSurfaceWithFormatFrom(UnsafeMutableRawPointer(mutating: base), Int32(w), Int32(h), 32,
                                                                      Int32(w * 4), SDL_PIXELFORMAT_RGB888.rawValue) else { return }
                    defer { SDL_FreeSurface(src) }
                    var dst = SDL_Rect(x: Int32(d.x), y: Int32(d.y), w: Int32(d.width), h: Int32(d.height))
                    _ = SDL_UpperBlitScaled(src, nil, surface, &dst)
                    rects.append(SDL_Rect(x: Int32(d.x), y: Int32(d.y), w: Int32(d.width), h: Int32(d.height)))
                }
            }
        }
        if let cursor, let sprite = cursorSprite {
            let p = layout.windowPoint(remoteX: cursor.x - cursor.hotX, remoteY: cursor.y - cursor.hotY)
            var dst = SDL_Rect(x: Int32(p.x), y: Int32(p.y), w: sprite.pointee.w, h: sprite.pointee.h)
            let target = dst
            _ = SDL_UpperBlit(sprite, nil, surface, &dst)
            rects.append(target)
            lastCursor = target
        }
        if let statusSprite {
            let h = statusSprite.pointee.h
            var dst = SDL_Rect(x: 0, y: surface.pointee.h - h, w: statusSprite.pointee.w, h: h)
            let target = dst
            _ = SDL_UpperBlit(statusSprite, nil, surface, &dst)
            rects.append(target)
        }
        // Rectangles must lie inside the window for SDL's X11 backend.
        let ww = surface.pointee.w, wh = surface.pointee.h
        var clipped = rects.compactMap { r -> SDL_Rect? in
            let x = max(r.x, 0), y = max(r.y, 0), x2 = min(r.x + r.w, ww), y2 = min(r.y + r.h, wh)
            return x2 > x && y2 > y ? SDL_Rect(x: x, y: y, w: x2 - x, h: y2 - y) : nil
        }
        guard !clipped.isEmpty else { return }
        _ = SDL_UpdateWindowSurfaceRects(window, &clipped, Int32(clipped.count))
    }

    /// 1:1 into an XRGB/ARGB8888 window surface: row copies. Nil when scaled or another format.
    private static func copyUnscaled(_ base: UnsafePointer<UInt32>, width w: Int, x0: Int, y0: Int, x1: Int, y1: Int,
                                     to surface: UnsafeMutablePointer<SDL_Surface>, at origin: (x: Int, y: Int), scaled: Bool) -> SDL_Rect? {
        guard !scaled, let format = surface.pointee.format?.pointee.format,
              format == SDL_PIXELFORMAT_RGB888.rawValue || format == SDL_PIXELFORMAT_ARGB8888.rawValue else { return nil }
        let sw = Int(surface.pointee.w), sh = Int(surface.pointee.h), pitch = Int(surface.pointee.pitch)
        let cx0 = max(x0, -origin.x), cy0 = max(y0, -origin.y)
        let cx1 = min(x1, sw - origin.x), cy1 = min(y1, sh - origin.y)
        guard cx1 > cx0, cy1 > cy0 else { return SDL_Rect() }
        if SDL_LockSurface(surface) != 0 { return nil }
        defer { SDL_UnlockSurface(surface) }
        guard let pixels = surface.pointee.pixels else { return nil }
        for y in cy0..<cy1 {
            let dst = pixels + (y + origin.y) * pitch + (cx0 + origin.x) * 4
            dst.copyMemory(from: base + y * w + cx0, byteCount: (cx1 - cx0) * 4)
        }
        return SDL_Rect(x: Int32(cx0 + origin.x), y: Int32(cy0 + origin.y), w: Int32(cx1 - cx0), h: Int32(cy1 - cy0))
    }

    /// An ARGB surface with alpha blending, holding a copy of `argb`.
    private static func sprite(argb: [UInt32], width: Int, height: Int) -> UnsafeMutablePointer<SDL_Surface>? {
        guard width > 0, height > 0, argb.count == width * height,
              let s = SDL_CreateRGBSurfaceWithFormat(0, Int32(width), Int32(height), 32, SDL_PIXELFORMAT_ARGB8888.rawValue) else { return nil }
        if SDL_LockSurface(s) == 0, let pixels = s.pointee.pixels {
            let pitch = Int(s.pointee.pitch)
            argb.withUnsafeBytes { src in
                for y in 0..<height {
                    (pixels + y * pitch).copyMemory(from: src.baseAddress! + y * width * 4, byteCount: width * 4)
                }
            }
            SDL_UnlockSurface(s)
        }
        _ = SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_BLEND)
        return s
    }
}
