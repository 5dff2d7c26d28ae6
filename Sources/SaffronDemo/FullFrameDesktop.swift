import SaffronDesktop
import Synchronization

/// A desktop whose every pixel changes all the time: the worst case for uncompressed bitmaps.
/// Each frame is repainted as soon as the previous one was handed on, so the client's pace is
/// what limits the rate (`saffron serve --demo full-frame`, saffron-bench, the client benchmark).
public final class FullFrameDesktop: DesktopSource {
    /// What the frames show.
    public enum Pattern: Sendable {
        /// Red steps per frame over a green/blue ramp of the pixel index: cheap to make, very
        /// regular (QUIC codes it in 2-3 bits per sample).
        case ramp
        /// A photographic texture (fractal noise with fine grain, ~QUIC's ratio on photos) panning
        /// diagonally: video-like content, what QUIC and JPEG are chosen for.
        case photo
    }

    public let name = "full-frame benchmark"
    public let framebuffer: Framebuffer
    private let frame = Mutex(UInt32(0))
    /// The photo pattern's texture, `PhotoTexture.margin` wider and taller than the screen.
    private let texture: PhotoTexture?

    public init(size: Size, pattern: Pattern = .ramp) {
        framebuffer = Framebuffer(size: size)
        texture = pattern == .photo ? PhotoTexture(width: size.width + PhotoTexture.margin,
                                                   height: size.height + PhotoTexture.margin, seed: 0x5AFF) : nil
    }

    public var pattern: Pattern { texture == nil ? .ramp : .photo }

    public var cursor: CursorState { CursorState(image: nil, position: .zero, visible: false) }
    public func handle(_ event: InputEvent) {}
    public func requestResize(to size: Size) {}

    public func run(events: @escaping @Sendable (DesktopEvent) -> Void) async throws {
        let full = Rect(origin: .zero, size: framebuffer.size)
        while !Task.isCancelled {
            let n = frame.withLock { f -> UInt32 in
                f &+= 1
                return f
            }
            framebuffer.withLockedPixels { size, px in
                if let texture {
                    texture.copyWindow(frame: Int(n), into: &px, size: size)
                } else {
                    let shade = (n &* 7) & 0xFF
                    for i in px.indices { px[i] = (shade << 16) | UInt32(truncatingIfNeeded: i & 0xFFFF) }
                }
            }
            events(.damage([full]))
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// A deterministic photo-like xRGB image: luminance from four octaves of smooth value noise plus
/// per-pixel grain, colour from two coarser noise fields.
struct PhotoTexture: Sendable {
    /// How far the window pans (pixels, each axis).
    static let margin = 256
    let width: Int
    let height: Int
    let pixels: [UInt32]

    init(width: Int, height: Int, seed: UInt64) {
        self.width = width
        self.height = height
        var state = seed
        func octave(_ cell: Int) -> ValueNoise { ValueNoise(width: width, height: height, cell: cell, state: &state) }
        let lum = [(octave(192), 120), (octave(48), 70), (octave(12), 36), (octave(4), 8)]
        let red = octave(256), blue = octave(160)
        var out = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var l = 0
                for (noise, weight) in lum { l += noise.sample(x, y) * weight }
                l = l / 256 + Self.grain(x, y, seed) - 24        // 0...255 noise values weighted to ~0...260
                let cr = (red.sample(x, y) - 128) / 3, cb = (blue.sample(x, y) - 128) / 3
                let r = Self.clamp(l + cr), b = Self.clamp(l + cb), g = Self.clamp(l - (cr + cb) / 2)
                out[y * width + x] = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
            }
        }
        pixels = out
    }

    /// Frame `frame`'s window (the screen's size) into `px`: offsets bounce over the margin at 3
    /// and 2 pixels per frame, so every pixel of textured content changes between frames.
    func copyWindow(frame: Int, into px: inout [UInt32], size: Size) {
        func bounce(_ v: Int) -> Int {
            let p = v % (2 * Self.margin)
            return p < Self.margin ? p : 2 * Self.margin - p
        }
        let ox = min(bounce(frame * 3), width - size.width), oy = min(bounce(frame * 2), height - size.height)
        let w = min(size.width, width), h = min(size.height, height)
        pixels.withUnsafeBufferPointer { src in
            px.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let from = src.baseAddress! + (y + oy) * width + ox
                    (dst.baseAddress! + y * size.width).update(from: from, count: w)
                }
            }
        }
    }

    private static func clamp(_ v: Int) -> Int { min(max(v, 0), 255) }

    /// Fine grain in -2...2 (a hash of the position: film grain / sensor noise).
    private static func grain(_ x: Int, _ y: Int, _ seed: UInt64) -> Int {
        var h = UInt64(truncatingIfNeeded: x) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: y) &* 0xC2B2_AE3D_27D4_EB4F ^ seed
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return Int(h % 5) - 2
    }
}

/// Random values 0...255 on a lattice `cell` pixels apart, smoothly interpolated.
struct ValueNoise: Sendable {
    let cell: Int
    let columns: Int
    let lattice: [Int]

    init(width: Int, height: Int, cell: Int, state: inout UInt64) {
        self.cell = cell
        columns = width / cell + 2
        let rows = height / cell + 2
        var values = [Int](repeating: 0, count: columns * rows)
        for i in values.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values[i] = Int(state >> 56)
        }
        lattice = values
    }

    /// The noise at (x, y), 0...255.
    func sample(_ x: Int, _ y: Int) -> Int {
        let cx = x / cell, cy = y / cell
        // Smoothstep weights in 0...256.
        func fade(_ r: Int) -> Int {
            let t = r * 256 / cell
            return t * t * (768 - 2 * t) / 65536
        }
        let fx = fade(x - cx * cell), fy = fade(y - cy * cell)
        let i = cy * columns + cx
        let top = lattice[i] * (256 - fx) + lattice[i + 1] * fx
        let bottom = lattice[i + columns] * (256 - fx) + lattice[i + columns + 1] * fx
        return (top * (256 - fy) + bottom * fy) >> 16
    }
}

extension DemoMode {
    /// The full-frame benchmark pattern this mode serves, nil for the demo scene's modes.
    public var fullFramePattern: FullFrameDesktop.Pattern? {
        switch self {
        case .fullFrame: .ramp
        case .fullFramePhoto: .photo
        case .animated, .static: nil
        }
    }
}
