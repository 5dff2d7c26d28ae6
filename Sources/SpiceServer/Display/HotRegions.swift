import SaffronDesktop

/// Rectangles drawn again and again in quick succession (an animation, a video, a progress bar,
/// the bands of a full-screen redraw): their images will not recur, so they get no place in the
/// client's pixmap cache, where they would only evict what does recur (windows, icons) and add
/// INVAL_LIST traffic, and make the client keep a copy of every frame. Images cached before a
/// rectangle turned hot are still served from the cache.
struct HotRegions {
    /// Draws of the same rectangle at most this far apart count as one run.
    var window: Duration = .milliseconds(400)
    /// A run this long makes the rectangle hot.
    var threshold = 3
    /// Rectangles remembered (the oldest go first).
    var capacity = 256

    private var runs: [Rect: (last: ContinuousClock.Instant, count: Int)] = [:]

    /// `rect` is drawn now; true when it is hot.
    mutating func drawn(_ rect: Rect, at now: ContinuousClock.Instant) -> Bool {
        var run = runs[rect] ?? (now, 0)
        run.count = now - run.last <= window ? run.count + 1 : 1
        run.last = now
        runs[rect] = run
        if runs.count > capacity {
            runs = runs.filter { now - $0.value.last <= window }
            if runs.count > capacity { runs.removeAll() }
        }
        return run.count >= threshold
    }

    var count: Int { runs.count }
}
