import SaffronDesktop

/// How the demo desktop behaves over time.
public enum DemoMode: String, Sendable, Equatable, CaseIterable {
    /// The clock ticks and the animation runs (~25 fps), reporting small damage rectangles.
    case animated
    /// A deterministic still frame: the clock shows 12:00:00 and the animation stays at phase 0.
    /// Input still updates the text box, pointer trail and status line.
    case `static`
    /// Not the demo scene: every pixel changes every frame, as fast as the client takes them
    /// (`FullFrameDesktop`, for benchmarks of clients and links).
    case fullFrame = "full-frame"
    /// Not the demo scene: a photo-like texture panning across the whole screen, every frame
    /// (`FullFrameDesktop`'s photo pattern: video-like content for client benchmarks).
    case fullFramePhoto = "full-frame-photo"
}

/// Where everything goes at one desktop size. All positions derive from the size, so the layout
/// scales from 320x200 up to 3840x2160 (and clips gracefully below that).
struct DemoLayout: Equatable {
    let size: Size
    /// Text scale: 1 below 1280x720, 2 at 1280x800, 3 at 1920x1080, 6 at 3840x2160.
    let scale: Int
    let margin: Int
    let cellWidth: Int
    let cellHeight: Int

    let wordmarkScale: Int
    let wordmarkOrigin: Point
    let taglineOrigin: Point?

    let titleHeight: Int
    let clockWindow: Rect
    let animationWindow: Rect
    let keyboardWindow: Rect

    let clockPanel: Rect
    let clockScale: Int
    let clockOrigin: Point

    let animationArea: Rect
    let barsArea: Rect
    let ballRadius: Int

    let hintOrigin: Point
    let textArea: Rect
    let textOrigin: Point
    let textColumns: Int
    let textRows: Int

    let statusBar: Rect
    let statusOrigin: Point
    let statusColumns: Int

    let trailRadius: Int

    static let tagline = "SPICE remote desktop - built-in demo"
    static let wordmark = "Saffron"
    static let clockCharacters = 8  // "HH:MM:SS"

    init(size: Size) {
        self.size = size
        let w = max(size.width, 1), h = max(size.height, 1)
        let s = max(1, min(w / 640, h / 360))
        scale = s
        cellWidth = BitmapFont.cellWidth * s
        cellHeight = BitmapFont.cellHeight * s
        let m = max(4, min(w, h) / 40)
        margin = m

        // Wordmark and tagline across the top.
        var wm = max(2, s * 3)
        while wm > 1 && Self.wordmark.count * BitmapFont.cellWidth * wm > w - 2 * m { wm -= 1 }
        wordmarkScale = wm
        wordmarkOrigin = Point(x: m, y: m / 2)
        let topHeight = m / 2 + 7 * wm + m / 2
        let tagX = m + Self.wordmark.count * BitmapFont.cellWidth * wm + 2 * cellWidth
        if tagX + Self.tagline.count * cellWidth <= w - m {
            taglineOrigin = Point(x: tagX, y: m / 2 + 7 * wm - 7 * s)
        } else {
            taglineOrigin = nil
        }

        // Status bar along the bottom.
        let statusHeight = cellHeight + 2 * s
        statusBar = Rect(x: 0, y: h - statusHeight, width: w, height: statusHeight)
        statusOrigin = Point(x: m, y: h - statusHeight + 2 * s)
        statusColumns = max(1, (w - 2 * m) / cellWidth)

        // Two columns of windows in the work area between.
        let workTop = topHeight + m / 2
        let workBottom = h - statusHeight - m
        let workHeight = max(workBottom - workTop, 0)
        let workWidth = max(w - 2 * m, 0)
        let leftWidth = max((workWidth - m) * 9 / 20, 0)
        let clockHeight = max((workHeight - m) * 2 / 5, 0)
        clockWindow = Rect(x: m, y: workTop, width: leftWidth, height: clockHeight)
        animationWindow = Rect(x: m, y: workTop + clockHeight + m, width: leftWidth,
                               height: max(workHeight - clockHeight - m, 0))
        let rightX = m + leftWidth + m
        keyboardWindow = Rect(x: rightX, y: workTop, width: max(w - m - rightX, 0), height: workHeight)
        titleHeight = cellHeight + 2 * s

        let pad = 2 * s
        // Clock: dot-matrix digits centred on a dark panel.
        clockPanel = Self.body(of: clockWindow, titleHeight: titleHeight).insetBy(dx: pad, dy: pad)
        let digitsWide = Self.clockCharacters * BitmapFont.cellWidth - 1
        clockScale = max(1, min(clockPanel.width * 85 / 100 / digitsWide, clockPanel.height * 65 / 100 / 7))
        clockOrigin = Point(x: clockPanel.x + (clockPanel.width - digitsWide * clockScale) / 2,
                            y: clockPanel.y + (clockPanel.height - 7 * clockScale) / 2)

        // Animation: a bouncing ball above a strip of moving colour bars.
        let animInner = Self.body(of: animationWindow, titleHeight: titleHeight).insetBy(dx: pad, dy: pad)
        let barsHeight = max(3, animInner.height / 10)
        barsArea = Rect(x: animInner.x, y: animInner.maxY - barsHeight, width: animInner.width, height: barsHeight)
        animationArea = Rect(x: animInner.x, y: animInner.y, width: animInner.width,
                             height: max(animInner.height - barsHeight - pad, 0))
        ballRadius = max(2, min(animationArea.width, animationArea.height) / 7)

        // Keyboard: a hint line, then the text box.
        let kbInner = Self.body(of: keyboardWindow, titleHeight: titleHeight).insetBy(dx: pad, dy: pad)
        hintOrigin = Point(x: kbInner.x, y: kbInner.y + s)
        textArea = Rect(x: kbInner.x, y: kbInner.y + cellHeight + s, width: kbInner.width,
                        height: max(kbInner.height - cellHeight - s, 0))
        textOrigin = Point(x: textArea.x + 3 * s, y: textArea.y + 3 * s)
        textColumns = max(1, (textArea.width - 6 * s) / cellWidth)
        textRows = max(1, (textArea.height - 6 * s) / cellHeight)

        trailRadius = max(2, 3 * s)
    }

    static func body(of window: Rect, titleHeight: Int) -> Rect {
        Rect(x: window.x + 1, y: window.y + titleHeight, width: max(window.width - 2, 0),
             height: max(window.height - titleHeight - 1, 0))
    }

    func body(of window: Rect) -> Rect { Self.body(of: window, titleHeight: titleHeight) }

    /// The cell of character `index` of the clock (the 5x7 dot matrix).
    /// A row of 60 dots under the digits, lit up to the current second (empty if no room).
    var secondsRow: Rect {
        let width = (Self.clockCharacters * BitmapFont.cellWidth - 1) * clockScale
        let dot = width / 60
        let y = clockOrigin.y + 7 * clockScale + 2 * clockScale
        guard dot >= 3, y + dot <= clockPanel.maxY - clockScale else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        return Rect(x: clockOrigin.x + (width - dot * 60) / 2, y: y, width: dot * 60, height: dot - 1)
    }

    func secondDot(_ second: Int) -> Rect {
        let row = secondsRow, dot = row.width / 60
        return Rect(x: row.x + second * dot, y: row.y, width: dot - 1, height: row.height)
    }

    func clockCell(_ index: Int) -> Rect {
        Rect(x: clockOrigin.x + index * BitmapFont.cellWidth * clockScale, y: clockOrigin.y,
             width: BitmapFont.glyphWidth * clockScale, height: 7 * clockScale)
    }

    /// Columns `first...last` of text row `row` of the Keyboard box.
    func textCells(row: Int, first: Int, last: Int) -> Rect {
        Rect(x: textOrigin.x + first * cellWidth, y: textOrigin.y + row * cellHeight,
             width: (last - first + 1) * cellWidth, height: cellHeight)
    }

    func statusCells(first: Int, last: Int) -> Rect {
        Rect(x: statusOrigin.x + first * cellWidth, y: statusOrigin.y,
             width: (last - first + 1) * cellWidth, height: cellHeight)
    }

    // MARK: Animation geometry (a pure function of the phase)

    func ballCenter(phase: Int) -> Point {
        let r = ballRadius, a = animationArea
        let rangeX = max(a.width - 2 * r - 3, 1), rangeY = max(a.height - 2 * r - 3, 1)
        func triangle(_ v: Int, _ range: Int) -> Int {
            let p = v % (2 * range)
            return p < range ? p : 2 * range - p
        }
        return Point(x: a.x + r + 1 + triangle(phase * max(1, 3 * scale) + rangeX / 3, rangeX),
                     y: a.y + r + 1 + triangle(phase * max(1, 2 * scale), rangeY))
    }

    func ballRect(phase: Int) -> Rect { Rect(center: ballCenter(phase: phase), radius: ballRadius + 1) }

    var barWidth: Int { max(4, barsArea.height) }

    func barsOffset(phase: Int) -> Int { (phase * max(1, scale) * 2) % (barWidth * Palette.bars.count) }

    func trailDotRadius(index: Int, count: Int) -> Int { max(1, trailRadius * (index + 1 + count / 2) / (count + count / 2)) }
}

/// Everything the demo shows, as plain values: rendering is a pure function of this, and the
/// damage between two scenes is computed by comparing them.
struct DemoScene: Equatable {
    static let caret: Character = "\u{1}"
    static let staticClock = "12:00:00"
    static let trailLength = 24

    var layout: DemoLayout
    var clockText: String
    var phase: Int
    var textGrid: [[Character]]
    var status: String
    var trail: [Point]  // oldest first

    static func initial(size: Size, clockText: String = staticClock) -> DemoScene {
        let layout = DemoLayout(size: size)
        return DemoScene(
            layout: layout, clockText: clockText, phase: 0,
            textGrid: TextBoxModel().grid(columns: layout.textColumns, rows: layout.textRows, caret: caret),
            status: "Saffron demo desktop: type in the Keyboard window, move and click the mouse",
            trail: [])
    }

    /// The rectangles whose pixels differ between `old` and `self` (a superset; never misses).
    func damage(since old: DemoScene) -> [Rect] {
        let l = layout
        guard old.layout == l else { return [l.size.bounds] }
        var rects: [Rect] = []
        if old.clockText != clockText {
            let a = Array(old.clockText), b = Array(clockText)
            for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] {
                rects.append(l.clockCell(i))
            }
            if Self.seconds(old.clockText) != Self.seconds(clockText) { rects.append(l.secondsRow) }
        }
        if old.phase != phase {
            let r0 = l.ballRect(phase: old.phase), r1 = l.ballRect(phase: phase)
            if r0 != r1 {
                rects.append(r0)
                rects.append(r1)
            }
            if l.barsOffset(phase: old.phase) != l.barsOffset(phase: phase) { rects.append(l.barsArea) }
        }
        if old.textGrid != textGrid {
            for row in 0..<max(old.textGrid.count, textGrid.count) {
                let a = row < old.textGrid.count ? old.textGrid[row] : []
                let b = row < textGrid.count ? textGrid[row] : []
                if let span = Self.changedSpan(a, b) {
                    rects.append(l.textCells(row: row, first: span.lowerBound, last: span.upperBound))
                }
            }
        }
        if old.status != status, let span = Self.changedSpan(Array(old.status), Array(status)) {
            let last = min(span.upperBound, l.statusColumns - 1)
            if span.lowerBound <= last { rects.append(l.statusCells(first: span.lowerBound, last: last)) }
        }
        if old.trail != trail {
            for (i, p) in old.trail.enumerated() {
                rects.append(Rect(center: p, radius: l.trailDotRadius(index: i, count: old.trail.count) + 1))
            }
            for (i, p) in trail.enumerated() {
                rects.append(Rect(center: p, radius: l.trailDotRadius(index: i, count: trail.count) + 1))
            }
        }
        return Rect.coalesced(rects.map { $0.clamped(to: l.size) })
    }

    /// The seconds of an "HH:MM:SS" text (0 if unparsable).
    static func seconds(_ clock: String) -> Int {
        min(max(Int(clock.suffix(2)) ?? 0, 0), 59)
    }

    /// The first...last index where two character rows differ, or nil if equal.
    static func changedSpan(_ a: [Character], _ b: [Character]) -> ClosedRange<Int>? {
        let n = max(a.count, b.count)
        var first = -1, last = -1
        for i in 0..<n where (i < a.count ? a[i] : " ") != (i < b.count ? b[i] : " ") {
            if first < 0 { first = i }
            last = i
        }
        return first < 0 ? nil : first...last
    }
}

enum Palette {
    static let saffron: UInt32 = 0xF4C430
    static let backgroundTop: UInt32 = 0x1F2A44
    static let backgroundBottom: UInt32 = 0x6B3A4C
    static let windowBody: UInt32 = 0xF4F1EA
    static let windowBorder: UInt32 = 0x2B2B33
    static let titleTop: UInt32 = 0xF8D770
    static let titleBottom: UInt32 = 0xE0A526
    static let titleText: UInt32 = 0x2A1E05
    static let clockPanel: UInt32 = 0x12161C
    static let clockDim: UInt32 = 0x2C2617
    static let clockLit: UInt32 = 0xFFB627
    static let animationBackground: UInt32 = 0x17202E
    static let animationGrid: UInt32 = 0x22304A
    static let ball: UInt32 = 0xF4C430
    static let ballHighlight: UInt32 = 0xFFF4C8
    static let bars: [UInt32] = [0xE8505B, 0xF9A03F, 0xF4C430, 0x7BC67B, 0x3FA7D6, 0x8E6CCF]
    static let hint: UInt32 = 0x6A6458
    static let textBox: UInt32 = 0xFFFFFF
    static let textBoxBorder: UInt32 = 0xB8B0A0
    static let text: UInt32 = 0x1E1E24
    static let caret: UInt32 = 0xE0A526
    static let statusBar: UInt32 = 0x14121C
    static let statusText: UInt32 = 0xE8E4F0
    static let tagline: UInt32 = 0xD8D0E8
    static let trailOld: UInt32 = 0xE8505B
    static let trailNew: UInt32 = 0xF4C430
    static let buttons: [UInt32] = [0x4FAE4F, 0xC9741F, 0xD8443C]
}

/// Draws a scene. Every element is drawn clipped, so redrawing any rectangle reproduces exactly
/// the pixels a full redraw would give there.
enum DemoRenderer {
    /// Renders `rects` of `scene` into `pixels` (the framebuffer's array, `size` = layout size).
    static func render(_ scene: DemoScene, into pixels: inout [UInt32], size: Size, rects: [Rect]) {
        guard size == scene.layout.size, pixels.count == size.area else { return }
        pixels.withUnsafeMutableBufferPointer { buf in
            for r in rects {
                let canvas = Canvas(pixels: buf, size: size, clip: r)
                if !canvas.clip.isEmpty { draw(scene, canvas) }
            }
        }
    }

    static func draw(_ scene: DemoScene, _ c: Canvas) {
        let l = scene.layout
        drawBackground(l, c)
        drawWordmark(l, c)
        drawWindow(l.clockWindow, title: "Clock", l, c)
        drawWindow(l.animationWindow, title: "Animation", l, c)
        drawWindow(l.keyboardWindow, title: "Keyboard", l, c)
        drawClock(scene.clockText, l, c)
        drawAnimation(phase: scene.phase, l, c)
        drawKeyboard(scene.textGrid, l, c)
        drawStatus(scene.status, l, c)
        drawTrail(scene.trail, l, c)
    }

    static func drawBackground(_ l: DemoLayout, _ c: Canvas) {
        let clip = c.clip
        let h = max(l.size.height - 1, 1)
        let period = 24 * l.scale
        for y in clip.y..<clip.maxY {
            let base = Canvas.mix(Palette.backgroundTop, Palette.backgroundBottom, y * 256 / h)
            let light = Canvas.mix(base, 0xFFFFFF, 9)
            let row = y * c.width
            for x in clip.x..<clip.maxX {
                c.pixels[row + x] = ((x + y) / period) & 1 == 0 ? base : light
            }
        }
    }

    static func drawWordmark(_ l: DemoLayout, _ c: Canvas) {
        let shadow = max(1, l.wordmarkScale / 3)
        c.text(DemoLayout.wordmark, at: l.wordmarkOrigin.offsetBy(dx: shadow, dy: shadow), scale: l.wordmarkScale, 0x120E1C)
        c.text(DemoLayout.wordmark, at: l.wordmarkOrigin, scale: l.wordmarkScale, Palette.saffron)
        if let t = l.taglineOrigin { c.text(DemoLayout.tagline, at: t, scale: l.scale, Palette.tagline) }
    }

    static func drawWindow(_ w: Rect, title: String, _ l: DemoLayout, _ c: Canvas) {
        guard !w.isEmpty else { return }
        let s = l.scale
        let shadow = w.offsetBy(dx: 3 * s, dy: 3 * s)
        guard w.union(shadow).intersects(c.clip) else { return }
        for piece in shadow.subtracting(w) { c.blend(piece, 0x000000, alpha: 90) }
        c.fill(l.body(of: w), Palette.windowBody)
        let bar = Rect(x: w.x + 1, y: w.y + 1, width: w.width - 2, height: l.titleHeight - 1)
        c.verticalGradient(bar, top: Palette.titleTop, bottom: Palette.titleBottom)
        c.frame(w, Palette.windowBorder)
        c.fill(Rect(x: w.x, y: w.y + l.titleHeight - 1, width: w.width, height: 1), Palette.windowBorder)
        c.text(title, at: Point(x: w.x + 3 * s, y: w.y + (l.titleHeight - 7 * s) / 2), scale: s, Palette.titleText)
        let r = max(2, l.titleHeight / 5)
        let cy = w.y + l.titleHeight / 2
        for (i, color) in Palette.buttons.enumerated() {
            let cx = w.maxX - (3 * s + r) - i * (2 * r + 3 * s)
            if cx - r > w.x + 3 * s + title.count * l.cellWidth { c.disc(center: Point(x: cx, y: cy), radius: r, color) }
        }
    }

    static func drawClock(_ text: String, _ l: DemoLayout, _ c: Canvas) {
        guard l.clockPanel.intersects(c.clip) else { return }
        c.fill(l.clockPanel, Palette.clockPanel)
        let sc = l.clockScale
        let gap = sc >= 4 ? max(1, sc / 6) : 0
        for (i, ch) in text.enumerated() {
            let cell = l.clockCell(i)
            guard cell.intersects(c.clip) else { continue }
            if gap > 0 {  // unlit dots of the matrix
                for row in 0..<7 {
                    for col in 0..<BitmapFont.glyphWidth {
                        c.fill(Rect(x: cell.x + col * sc, y: cell.y + row * sc, width: sc - gap, height: sc - gap), Palette.clockDim)
                    }
                }
            }
            c.glyph(ch, at: cell.origin, scale: sc, Palette.clockLit, dots: true)
        }
        let row = l.secondsRow
        if !row.isEmpty && row.intersects(c.clip) {
            let lit = DemoScene.seconds(text)
            for second in 0..<60 {
                c.fill(l.secondDot(second), second < lit ? Palette.clockLit : Palette.clockDim)
            }
        }
    }

    static func drawAnimation(phase: Int, _ l: DemoLayout, _ c: Canvas) {
        let a = l.animationArea
        if a.intersects(c.clip) {
            c.fill(a, Palette.animationBackground)
            let step = 12 * l.scale
            var x = a.x + step
            while x < a.maxX {
                if x >= c.clip.x && x < c.clip.maxX { c.fill(Rect(x: x, y: a.y, width: 1, height: a.height), Palette.animationGrid) }
                x += step
            }
            var y = a.y + step
            while y < a.maxY {
                if y >= c.clip.y && y < c.clip.maxY { c.fill(Rect(x: a.x, y: y, width: a.width, height: 1), Palette.animationGrid) }
                y += step
            }
            let center = l.ballCenter(phase: phase)
            if Rect(center: center, radius: l.ballRadius + 1).intersects(c.clip) {
                c.disc(center: center, radius: l.ballRadius, Palette.ball)
                let hr = max(1, l.ballRadius / 3)
                c.disc(center: center.offsetBy(dx: -l.ballRadius / 3, dy: -l.ballRadius / 3), radius: hr, Palette.ballHighlight, alpha: 200)
            }
        }
        let b = l.barsArea.intersection(c.clip)
        if !b.isEmpty {
            let bw = l.barWidth, offset = l.barsOffset(phase: phase), n = Palette.bars.count
            for x in b.x..<b.maxX {
                let color = Palette.bars[((x - l.barsArea.x + offset) / bw) % n]
                c.fill(Rect(x: x, y: b.y, width: 1, height: b.height), color)
            }
        }
    }

    static func drawKeyboard(_ grid: [[Character]], _ l: DemoLayout, _ c: Canvas) {
        guard l.body(of: l.keyboardWindow).intersects(c.clip) else { return }
        c.text("Type here (US layout):", at: l.hintOrigin, scale: l.scale, Palette.hint)
        c.fill(l.textArea, Palette.textBox)
        c.frame(l.textArea, Palette.textBoxBorder, thickness: max(1, l.scale / 2))
        let s = l.scale
        for (row, line) in grid.enumerated() where row < l.textRows {
            let rowRect = l.textCells(row: row, first: 0, last: l.textColumns - 1)
            guard rowRect.intersects(c.clip) else { continue }
            for (col, ch) in line.enumerated() where col < l.textColumns {
                let cell = Rect(x: rowRect.x + col * l.cellWidth, y: rowRect.y, width: l.cellWidth, height: l.cellHeight)
                guard cell.intersects(c.clip) else { continue }
                if ch == DemoScene.caret {
                    c.fill(Rect(x: cell.x, y: cell.y, width: l.cellWidth - s, height: 9 * s), Palette.caret)
                } else {
                    c.glyph(ch, at: cell.origin, scale: s, Palette.text)
                }
            }
        }
    }

    static func drawStatus(_ status: String, _ l: DemoLayout, _ c: Canvas) {
        guard l.statusBar.intersects(c.clip) else { return }
        c.fill(l.statusBar, Palette.statusBar)
        c.fill(Rect(x: 0, y: l.statusBar.y, width: l.size.width, height: 1), Palette.saffron)
        c.text(status.prefix(l.statusColumns), at: l.statusOrigin, scale: l.scale, Palette.statusText)
    }

    static func drawTrail(_ trail: [Point], _ l: DemoLayout, _ c: Canvas) {
        let n = trail.count
        for (i, p) in trail.enumerated() {
            let r = l.trailDotRadius(index: i, count: n)
            guard Rect(center: p, radius: r + 1).intersects(c.clip) else { continue }
            let t = (i + 1) * 256 / n
            c.disc(center: p, radius: r, Canvas.mix(Palette.trailOld, Palette.trailNew, t), alpha: 40 + t * 216 / 256)
        }
    }
}
