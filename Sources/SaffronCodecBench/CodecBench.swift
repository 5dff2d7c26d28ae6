import Foundation
import SpiceCodecs
import SpiceCodecsX86v3

/// `saffron-codec-bench [--corpus DIR] [--json FILE] [--runs N] [--fastest] [--cpu-time] [--glz-candidates N]
/// [--codecs LIST]`: every SPICE image codec on every
/// PNG of a corpus of real screens (default Benchmarks/CodecCorpus), one thread: median encode and
/// decode megapixels/s, compressed bytes and ratio (against 4 bytes per pixel, the framebuffer's
/// size). Every lossless round trip must give the pixels back exactly (exit status 1 otherwise).
/// Then the server's `auto_glz` choice (ImageClassifier: photographic → QUIC, else GLZ) against
/// the smallest lossless codec, for the whole screen (the first full draw) and for the
/// 256 KiB bands the display channel cuts damage into. Build with `-c release`; pin with taskset.
@main
enum CodecBench {
    struct Options {
        var corpus = "Benchmarks/CodecCorpus"
        var json: String?
        var runs = 5
        /// Report the fastest run instead of the median (steadier on a loaded machine).
        var fastest = false
        /// The client's GLZ window in pixels (spice-gtk asks for 16 MiB of 32-bit pixels... or so;
        /// large enough for several 1080p screens either way).
        var glzWindow = 1 << 23
        /// GLZEncoderDictionary's matchCandidates (`--glz-candidates N`; 1 = spice-server's search).
        var glzCandidates = GLZEncoderDictionary.defaultMatchCandidates
        /// SpiceServerConfiguration.maxDrawBytes / 4.
        var bandPixels = 256 * 1024 / 4
        /// Time with the thread's CPU clock instead of the wall clock (time spent descheduled is
        /// not counted: steadier on a machine shared with other work).
        var cpuTime = false
        /// Only these codecs (`--codecs quic,glz`); nil = all, with the auto_glz and band tables.
        var codecs: Set<String>?
    }

    struct Measurement: Codable {
        var codec: String
        var bytes: Int
        var ratio: Double
        var encodeMPs: Double
        var decodeMPs: Double
        /// Lossless codecs: the decoded pixels equal the source. JPEG: nil (see psnr).
        var exact: Bool?
        var psnr: Double?
    }

    struct AutoResult: Codable {
        var kind: String
        var codec: String
        var bytes: Int
        var bestCodec: String
        var bestBytes: Int
        /// auto bytes / best bytes.
        var overBest: Double
    }

    struct BandedResult: Codable {
        var bands: Int
        var rowsPerBand: Int
        /// Sum over bands per codec (GLZ: bands in one dictionary, in order, as the server sends them).
        var bytes: [String: Int]
        var autoBytes: Int
        var autoQuicBands: Int
        var bestCodec: String
        var bestBytes: Int
        var overBest: Double
    }

    struct ImageResult: Codable {
        var name: String
        var width: Int
        var height: Int
        var codecs: [Measurement]
        /// nil when `--codecs` leaves some codec out.
        var auto: AutoResult?
        var banded: BandedResult?
    }

    static let losslessForBest = ["quic", "lz", "glz", "lz4"]

    static func main() throws {
        var options = Options()
        var args = CommandLine.arguments.dropFirst()
        while let arg = args.popFirst() {
            switch arg {
            case "--corpus": options.corpus = args.popFirst() ?? options.corpus
            case "--json": options.json = args.popFirst()
            case "--runs": options.runs = max(1, Int(args.popFirst() ?? "") ?? options.runs)
            case "--fastest": options.fastest = true
            case "--cpu-time": options.cpuTime = true
            case "--glz-candidates":
                options.glzCandidates = Int(args.popFirst() ?? "") ?? options.glzCandidates
            case "--codecs": options.codecs = Set((args.popFirst() ?? "").split(separator: ",").map(String.init))
            case "-h", "--help":
                print("usage: saffron-codec-bench [--corpus DIR] [--json FILE] [--runs N] [--fastest] [--cpu-time] [--glz-candidates N] [--codecs quic,lz,glz,...]")
                return
            default:
                FileHandle.standardError.write(Data("unknown argument \(arg)\n".utf8))
                exit(2)
            }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: options.corpus)
            .filter { $0.hasSuffix(".png") }.sorted()
        guard !files.isEmpty else {
            FileHandle.standardError.write(Data("no .png files in \(options.corpus)\n".utf8))
            exit(2)
        }
        var images: [(String, PixelImage)] = []
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: options.corpus + "/" + file)))
            images.append((String(file.dropLast(4)), try PNGReader.read(bytes)))
        }

        var results: [ImageResult] = []
        var failures: [String] = []
        for (index, (name, image)) in images.enumerated() {
            let previous = index > 0 ? images[index - 1].1 : nil
            let result = try benchmark(name: name, image: image, previous: previous, options: options)
            for m in result.codecs where m.exact == false { failures.append("\(name): \(m.codec) round trip differs") }
            results.append(result)
            FileHandle.standardError.write(Data("\(name) done\n".utf8))
        }
        printTables(results, options: options)
        if let json = options.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
        }
        if !failures.isEmpty {
            for f in failures { FileHandle.standardError.write(Data("FAIL \(f)\n".utf8)) }
            exit(1)
        }
    }

    // MARK: Timing

    /// How many times to run each step, and which run to report.
    struct Timing {
        var runs: Int
        var fastest: Bool
        var cpuTime = false

        /// Seconds on the chosen clock.
        func now() -> Double {
            var t = timespec()
            clock_gettime(cpuTime ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
    }

    /// Median (or fastest) seconds of `runs` calls of `body`, each after an untimed `setup`; and the last result.
    static func timed<S, T>(_ timing: Timing, setup: () throws -> S, _ body: (S) throws -> T) rethrows -> (Double, T) {
        var samples: [Double] = []
        var last: T?
        for _ in 0..<timing.runs {
            let state = try setup()
            let start = timing.now()
            let value = try body(state)
            samples.append(timing.now() - start)
            last = value
        }
        samples.sort()
        return (timing.fastest ? samples[0] : samples[samples.count / 2], last!)
    }

    static func timed<T>(_ timing: Timing, _ body: () throws -> T) rethrows -> (Double, T) {
        try timed(timing, setup: { () }, { _ in try body() })
    }

    // MARK: One image

    static func benchmark(name: String, image: PixelImage, previous: PixelImage?, options: Options) throws -> ImageResult {
        let mp = Double(image.width * image.height) / 1e6
        let raw = Double(image.width * image.height * 4)
        let runs = Timing(runs: options.runs, fastest: options.fastest, cpuTime: options.cpuTime)
        var out: [Measurement] = []
        func add(_ codec: String, _ bytes: [UInt8], _ enc: Double, _ dec: Double, _ decoded: PixelImage, lossy: Bool = false) {
            out.append(Measurement(codec: codec, bytes: bytes.count, ratio: raw / Double(bytes.count),
                                   encodeMPs: mp / enc, decodeMPs: mp / dec,
                                   exact: lossy ? nil : samePixels(image, decoded),
                                   psnr: lossy ? psnr(image, decoded) : nil))
        }

        func wanted(_ codec: String) -> Bool { options.codecs?.contains(codec) ?? true }
        if wanted("quic") {
            let (qe, quic) = try timed(runs) { try Quic.encode(image) }
            let (qd, quicImage) = try timed(runs) { try Quic.decode(quic) }
            add("quic", quic, qe, qd, quicImage)
            // The same stream through the decoder compiled for x86-64-v3 (what clients use where
            // the CPU has it), into a 32-bit image as a client's surface.
            let v3 = QuicRowDecoder.fastest(x86v3: QuicX86v3.decode)
            if wanted("quic-v3"), v3.name == "x86-64-v3", image.format == .rgb32 || image.format == .rgba {
                let (vd, v3Image) = try timed(runs) { () throws -> PixelImage in
                    try quic.withUnsafeBytes { raw in
                        let h = try Quic.header(raw)
                        let data = try [UInt8](unsafeUninitializedCapacity: h.width * h.height * 4) { out, n in
                            try v3.decode(raw, h, into: UnsafeMutableRawPointer(out.baseAddress!), stride: h.width * 4)
                            n = h.width * h.height * 4
                        }
                        return PixelImage(width: h.width, height: h.height, stride: h.width * 4, format: h.format, topDown: true, data: data)
                    }
                }
                add("quic-v3", quic, qe, vd, v3Image)
            }
        }

        if wanted("lz") {
            let (le, lz) = try timed(runs) { try LZ.encode(image) }
            let (ld, lzImage) = try timed(runs) { try LZ.decode(lz) }
            add("lz", lz, le, ld, lzImage)
        }

        // GLZ, the image alone in a fresh dictionary (what a first full draw gets).
        let window = options.glzWindow
        let candidates = options.glzCandidates
        if wanted("glz") {
            let (ge, glz) = try timed(runs, setup: { GLZEncoderDictionary(windowSize: window, matchCandidates: candidates) }) {
                try GLZEncoder.encode(image, dictionary: $0)
            }
            let (gd, glzImage) = try timed(runs, setup: { GLZDecoderWindow() }) { try $0.decode(glz) }
            add("glz", glz, ge, gd, glzImage)
        }

        // GLZ with the previous corpus image already in the window (a screen change).
        if let previous, wanted("glz+prev") {
            let (pe, pair) = try timed(runs, setup: { () throws -> (GLZEncoderDictionary, [UInt8]) in
                let d = GLZEncoderDictionary(windowSize: window, matchCandidates: candidates)
                return (d, try GLZEncoder.encode(previous, dictionary: d))
            }) { (try GLZEncoder.encode(image, dictionary: $0.0), $0.1) }
            let (encoded, previousBytes) = pair
            let (pd, decoded) = try timed(runs, setup: { () throws -> GLZDecoderWindow in
                let w = GLZDecoderWindow()
                _ = try w.decode(previousBytes)
                return w
            }) { try $0.decode(encoded) }
            add("glz+prev", encoded, pe, pd, decoded)
        }

        if wanted("lz4") {
            let (l4e, lz4) = try timed(runs) { try SpiceLZ4.encode(image) }
            let (l4d, lz4Image) = try timed(runs) { try SpiceLZ4.decode(lz4, width: image.width, height: image.height) }
            add("lz4", lz4, l4e, l4d, lz4Image)
        }

        if wanted("jpeg85") {
            let (je, jpeg) = try timed(runs) { try SpiceJPEG.encode(image, quality: 85) }
            let (jd, jpegImage) = try timed(runs) { try SpiceJPEG.decode(jpeg) }
            add("jpeg85", jpeg, je, jd, jpegImage, lossy: true)
        }

        // zlib-glz: GLZ then deflate (level 6, as ImageEncoder), on slow links.
        if wanted("zlib-glz") {
            let (ze, zlibGlz) = try timed(runs, setup: { GLZEncoderDictionary(windowSize: window, matchCandidates: candidates) }) {
                try SpiceZlib.compress(try GLZEncoder.encode(image, dictionary: $0))
            }
            let glzSize = try GLZEncoder.encode(image, dictionary: GLZEncoderDictionary(windowSize: window, matchCandidates: candidates)).count
            let (zd, zlibImage) = try timed(runs, setup: { GLZDecoderWindow() }) {
                try $0.decode(try SpiceZlib.decompress(zlibGlz, expectedSize: glzSize))
            }
            add("zlib-glz", zlibGlz, ze, zd, zlibImage)
        }

        guard options.codecs == nil else {
            return ImageResult(name: name, width: image.width, height: image.height, codecs: out, auto: nil, banded: nil)
        }
        // auto_glz on the whole screen.
        let kind = classify(image)
        let autoCodec = kind == .photographic ? "quic" : "glz"
        let bytesOf = Dictionary(uniqueKeysWithValues: out.map { ($0.codec, $0.bytes) })
        let best = losslessForBest.min { bytesOf[$0]! < bytesOf[$1]! }!
        let auto = AutoResult(kind: "\(kind)", codec: autoCodec, bytes: bytesOf[autoCodec]!, bestCodec: best,
                              bestBytes: bytesOf[best]!, overBest: Double(bytesOf[autoCodec]!) / Double(bytesOf[best]!))

        return ImageResult(name: name, width: image.width, height: image.height, codecs: out, auto: auto,
                           banded: try banded(image, options: options))
    }

    static func classify(_ image: PixelImage) -> ImageClassifier.Kind {
        image.data.withUnsafeBytes { raw in
            let words = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                            count: image.width * image.height)
            return ImageClassifier.classify(pixels: words, width: image.width, height: image.height)
        }
    }

    /// Bytes per codec when the screen goes out as the display channel sends damage: bands of
    /// at most `bandPixels` pixels, top first; GLZ bands join one dictionary in order.
    static func banded(_ image: PixelImage, options: Options) throws -> BandedResult {
        let rows = max(1, options.bandPixels / image.width)
        var bands: [PixelImage] = []
        var y = 0
        while y < image.height {
            let h = min(rows, image.height - y)
            let slice = Array(image.data[(y * image.stride)..<((y + h) * image.stride)])
            bands.append(PixelImage(width: image.width, height: h, stride: image.stride, format: image.format, data: slice))
            y += h
        }
        var bytes: [String: Int] = ["quic": 0, "lz": 0, "glz": 0, "lz4": 0]
        let glzDict = GLZEncoderDictionary(windowSize: options.glzWindow, matchCandidates: options.glzCandidates)
        let autoDict = GLZEncoderDictionary(windowSize: options.glzWindow, matchCandidates: options.glzCandidates)
        var autoBytes = 0, autoQuic = 0
        for band in bands {
            let q = try band.height >= 3 ? Quic.encode(band).count : LZ.encode(band).count
            bytes["quic"]! += q
            bytes["lz"]! += try LZ.encode(band).count
            bytes["lz4"]! += try SpiceLZ4.encode(band).count
            bytes["glz"]! += try GLZEncoder.encode(band, dictionary: glzDict).count
            if classify(band) == .photographic {
                autoBytes += q
                autoQuic += 1
            } else {
                autoBytes += try GLZEncoder.encode(band, dictionary: autoDict).count
            }
        }
        let best = losslessForBest.min { bytes[$0]! < bytes[$1]! }!
        return BandedResult(bands: bands.count, rowsPerBand: rows, bytes: bytes, autoBytes: autoBytes, autoQuicBands: autoQuic,
                            bestCodec: best, bestBytes: bytes[best]!, overBest: Double(autoBytes) / Double(bytes[best]!))
    }

    // MARK: Checks

    /// Whether `decoded` holds the same B, G, R as `source` (rgb32: the X byte is not compared).
    static func samePixels(_ source: PixelImage, _ decoded: PixelImage) -> Bool {
        guard decoded.width == source.width, decoded.height == source.height else { return false }
        let step: Int
        switch decoded.format {
        case .rgb32, .rgba: step = 4
        case .rgb24: step = 3
        default: return false
        }
        return source.data.withUnsafeBufferPointer { s in
            decoded.data.withUnsafeBufferPointer { d in
                for y in 0..<source.height {
                    let so = source.rowOffset(visualRow: y), dO = decoded.rowOffset(visualRow: y)
                    for x in 0..<source.width {
                        let a = so + x * 4, b = dO + x * step
                        if s[a] != d[b] || s[a + 1] != d[b + 1] || s[a + 2] != d[b + 2] { return false }
                    }
                }
                return true
            }
        }
    }

    /// PSNR in dB over B, G, R (rgb32 or rgb24 decoded images).
    static func psnr(_ source: PixelImage, _ decoded: PixelImage) -> Double? {
        guard decoded.width == source.width, decoded.height == source.height else { return nil }
        let step: Int
        switch decoded.format {
        case .rgb32, .rgba: step = 4
        case .rgb24: step = 3
        default: return nil
        }
        var sum = 0.0
        for y in 0..<source.height {
            let so = source.rowOffset(visualRow: y), dO = decoded.rowOffset(visualRow: y)
            var row = 0
            for x in 0..<source.width {
                for c in 0..<3 {
                    let e = Int(source.data[so + x * 4 + c]) - Int(decoded.data[dO + x * step + c])
                    row += e * e
                }
            }
            sum += Double(row)
        }
        let mse = sum / Double(source.width * source.height * 3)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    // MARK: Output

    static func f(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func printTables(_ results: [ImageResult], options: Options) {
        print("## Codecs per image (\(options.runs) runs, \(options.fastest ? "fastest" : "median")\(options.cpuTime ? ", thread CPU time" : ""); ratio = 4 bytes/pixel ÷ compressed bytes)\n")
        print("| image | codec | bytes | ratio | encode MP/s | decode MP/s | check |")
        print("|---|---|---:|---:|---:|---:|---|")
        for r in results {
            for m in r.codecs {
                let check = m.exact.map { $0 ? "exact" : "**DIFFERS**" } ?? m.psnr.map { "PSNR \(f($0)) dB" } ?? "-"
                print("| \(r.name) | \(m.codec) | \(m.bytes) | \(f(m.ratio)) | \(f(m.encodeMPs, 0)) | \(f(m.decodeMPs, 0)) | \(check) |")
            }
        }
        print("\n## Median over the corpus\n")
        print("| codec | ratio | encode MP/s | decode MP/s | smallest lossless on |")
        print("|---|---:|---:|---:|---|")
        var codecs: [String] = []
        for r in results { for m in r.codecs where !codecs.contains(m.codec) { codecs.append(m.codec) } }
        for c in codecs {
            let ms = results.flatMap { $0.codecs.filter { $0.codec == c } }
            let wins = results.filter { $0.auto?.bestCodec == c }.map(\.name)
            print("| \(c) | \(f(median(ms.map(\.ratio)))) | \(f(median(ms.map(\.encodeMPs)), 0)) | \(f(median(ms.map(\.decodeMPs)), 0)) | \(wins.joined(separator: ", ")) |")
        }
        guard options.codecs == nil else { return }
        print("\n## auto_glz vs the smallest lossless codec (quic, lz, glz, lz4)\n")
        print("| image | kind | auto | auto bytes | best | best bytes | auto/best | banded: auto (QUIC bands) | banded best | banded auto/best |")
        print("|---|---|---|---:|---|---:|---:|---:|---|---:|")
        for r in results {
            guard let a = r.auto, let b = r.banded else { continue }
            let flag = a.overBest > 1.1 ? " **>10%**" : ""
            let bflag = b.overBest > 1.1 ? " **>10%**" : ""
            print("| \(r.name) | \(a.kind) | \(a.codec) | \(a.bytes) | \(a.bestCodec) | \(a.bestBytes) | \(f(a.overBest, 3))\(flag) "
                + "| \(b.autoBytes) (\(b.autoQuicBands)/\(b.bands)) | \(b.bestCodec) \(b.bestBytes) | \(f(b.overBest, 3))\(bflag) |")
        }
    }
}
