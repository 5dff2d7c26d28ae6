@testable import SpiceCodecs
import Testing

/// A 200x120 "desktop" with a window of text whose position and colour vary per `variant`.
func glzScene(variant: Int, width: Int = 200, height: Int = 120, seed: UInt64 = 21) -> PixelImage {
    var base = makeImage(.rgb32, width: width, height: height, content: .text, topDown: true, seed: seed)
    var rng = SplitMix64(seed: seed &+ 1000)  // the same icon in every variant, moved
    // A noisy "icon" at a variant-dependent place.
    let icon = (0..<(24 * 24 * 4)).map { _ in rng.byte() }
    let x0 = 10 + variant * 7, y0 = 10 + variant * 3
    for y in 0..<24 { for x in 0..<24 where y0 + y < height && x0 + x < width {
        for b in 0..<4 { base.data[((y0 + y) * width + x0 + x) * 4 + b] = icon[(y * 24 + x) * 4 + b] }
    } }
    return base
}

func noiseRGB32(_ w: Int, _ h: Int, seed: UInt64) -> PixelImage {
    makeImage(.rgb32, width: w, height: h, content: .noise, topDown: true, seed: seed)
}

@Suite struct GLZTests {
    @Test func headerLayout() throws {
        let dict = GLZEncoderDictionary(windowSize: 1 << 20)
        let img = makeImage(.rgb32, width: 5, height: 3, content: .text, topDown: true, seed: 1)
        let enc = try GLZEncoder.encode(img, dictionary: dict)
        #expect(Array(enc[0..<8]) == [0x20, 0x20, 0x5A, 0x4C, 0, 1, 0, 1])
        #expect(enc[8] == 0x18)  // RGB32 | top_down << 4
        #expect(Array(enc[9..<21]) == [0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 20])
        #expect(Array(enc[21..<33]) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])  // id 0, win_head_dist 0
        let second = try GLZEncoder.encode(img, dictionary: dict)
        #expect(Array(second[21..<33]) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    @Test(arguments: [PixelFormat.rgb32, .rgb24, .rgba], [1, 2, 4, 6, 8])
    func roundTripsSingleImages(format: PixelFormat, candidates: Int) throws {
        var seed: UInt64 = 100
        let dict = GLZEncoderDictionary(windowSize: 1 << 22, matchCandidates: candidates)
        #expect(dict.matchCandidates == candidates)
        let window = GLZDecoderWindow()
        for (w, h) in lzSizes {
            for content in Content.allCases {
                for topDown in [true, false] {
                    seed += 1
                    let img = makeImage(format, width: w, height: h, content: content, topDown: topDown, seed: seed)
                    let dec = try window.decode(GLZEncoder.encode(img, dictionary: dict))
                    #expect(dec.topDown == topDown && dec.width == w && dec.height == h)
                    let expected = try img.expandedToRGB32()
                    if format == .rgba {
                        #expect(dec.format == .rgba)
                        #expect(dec.data == img.data)
                    } else {
                        #expect(comparable(dec) == comparable(expected), "\(format) \(w)x\(h) \(content)")
                    }
                }
            }
        }
    }

    @Test(arguments: [1, 4, 8])
    func repeatsReferenceEarlierImages(candidates: Int) throws {
        let dict = GLZEncoderDictionary(windowSize: 1 << 20, matchCandidates: candidates)
        let window = GLZDecoderWindow()
        let scenes = (0..<6).map { glzScene(variant: $0) }
        var sizes: [Int] = []
        for scene in scenes + scenes.reversed() {
            let enc = try GLZEncoder.encode(scene, dictionary: dict)
            sizes.append(enc.count)
            #expect(comparable(try window.decode(enc)) == comparable(scene))
        }
        // The first picture costs the most; repeats of whole pictures are nearly free.
        #expect(sizes[6] * 20 < sizes[0], "\(sizes)")
        #expect(sizes[1] * 3 < sizes[0], "\(sizes)")
        // Pure noise repeated: only a cross-image reference can compress it.
        let noise = noiseRGB32(64, 64, seed: 5)
        let first = try GLZEncoder.encode(noise, dictionary: dict)
        let again = try GLZEncoder.encode(noise, dictionary: dict)
        #expect(again.count * 50 < first.count, "\(first.count) then \(again.count)")
        _ = try window.decode(first)
        #expect(comparable(try window.decode(again)) == comparable(noise))
        // Out of the decoder's view: a fresh window misses the referenced image.
        let fresh = GLZDecoderWindow()
        #expect(throws: GLZMissingImage.self) { try fresh.decode(again) }
    }

    @Test func moreCandidatesFindLongerMatches() throws {
        let img = makeImage(.rgb32, width: 300, height: 200, content: .text, topDown: true, seed: 7)
        let one = try GLZEncoder.encode(img, dictionary: GLZEncoderDictionary(windowSize: 1 << 20, matchCandidates: 1))
        let four = try GLZEncoder.encode(img, dictionary: GLZEncoderDictionary(windowSize: 1 << 20, matchCandidates: 4))
        #expect(four.count <= one.count, "\(four.count) with 4 candidates, \(one.count) with 1")
        #expect(comparable(try GLZDecoderWindow().decode(one)) == comparable(img))
    }

    @Test func dictionaryKeepsItsOwnViewOfTheCallersPixels() throws {
        // RGB32 pixels are kept without a copy; a caller changing its image afterwards must not
        // change what later images reference.
        let dict = GLZEncoderDictionary(windowSize: 1 << 20)
        let window = GLZDecoderWindow()
        var img = noiseRGB32(40, 30, seed: 3)
        let original = img
        _ = try window.decode(GLZEncoder.encode(img, dictionary: dict))
        for i in stride(from: 0, to: img.data.count, by: 7) { img.data[i] ^= 0x5A }
        _ = try window.decode(GLZEncoder.encode(img, dictionary: dict))
        let again = try GLZEncoder.encode(original, dictionary: dict)
        #expect(comparable(try window.decode(again)) == comparable(original))
    }

    @Test func smallWindowRetiresImagesOnBothSides() throws {
        // Window of 3 images of 32x32; a noise image repeated after 4 others must be re-sent in full.
        let dict = GLZEncoderDictionary(windowSize: 3 * 1024)
        let window = GLZDecoderWindow()
        let a = noiseRGB32(32, 32, seed: 1)
        let first = try GLZEncoder.encode(a, dictionary: dict)
        _ = try window.decode(first)
        for i in 0..<4 {
            _ = try window.decode(GLZEncoder.encode(noiseRGB32(32, 32, seed: 10 + UInt64(i)), dictionary: dict))
        }
        #expect(dict.retainedIDs == [2, 3, 4])
        #expect(window.retainedIDs == [2, 3, 4])
        let again = try GLZEncoder.encode(a, dictionary: dict)  // id 5: window becomes 3, 4, 5
        #expect(again.count * 10 > first.count * 9, "a retired image must not be referenced")
        #expect(Array(again[29..<33]) == [0, 0, 0, 2])  // win_head_dist: oldest kept is 3
        #expect(comparable(try window.decode(again)) == comparable(a))
        #expect(window.retainedIDs == [3, 4, 5])
        // Within the window a repeat is cheap again.
        let third = try GLZEncoder.encode(a, dictionary: dict)
        #expect(third.count * 20 < first.count)
        #expect(comparable(try window.decode(third)) == comparable(a))
    }

    @Test func runningPositionsNearTheirLimitStartOverWithoutBreakingTheStream() throws {
        // Entries keep a position beside a colour tag; before positions outgrow their bits the
        // encoder forgets its kept images and says so (win_head_dist 0). The client decodes on.
        let dict = GLZEncoderDictionary(windowSize: 1 << 20)
        let window = GLZDecoderWindow()
        let scene = glzScene(variant: 2)
        let first = try GLZEncoder.encode(scene, dictionary: dict)
        _ = try window.decode(first)
        let repeated = try GLZEncoder.encode(scene, dictionary: dict)
        #expect(repeated.count * 20 < first.count)
        #expect(comparable(try window.decode(repeated)) == comparable(scene))
        dict.nextStart = GLZEncoderDictionary.positionLimit - 100
        let afterLimit = try GLZEncoder.encode(scene, dictionary: dict)  // id 2: starts over at 0
        #expect(dict.retainedIDs == [2] && dict.nextStart == scene.width * scene.height)
        #expect(Array(afterLimit[29..<33]) == [0, 0, 0, 0], "win_head_dist after the reset")
        #expect(afterLimit.count * 10 > first.count * 9, "nothing kept to reference: \(afterLimit.count) vs \(first.count)")
        #expect(comparable(try window.decode(afterLimit)) == comparable(scene))
        let again = try GLZEncoder.encode(scene, dictionary: dict)
        #expect(again.count * 20 < first.count, "references work again after the reset")
        #expect(comparable(try window.decode(again)) == comparable(scene))
    }

    @Test func tagsSkipOnlyOtherColours() {
        // Equal keys give equal tags (so no true candidate is skipped); the tag fits 7 bits.
        var seen = Set<Int>()
        for key in stride(from: UInt32(0), through: 0xFF_FFFF, by: 4099) {
            let t = GLZEncoderDictionary.tag(key)
            #expect(t >= 0 && t < 128)
            #expect(GLZEncoderDictionary.tag(key) == t)
            seen.insert(t)
            let e = GLZEncoderDictionary.entry(GLZEncoderDictionary.positionLimit - 1, tag: t)
            #expect(e >= 0 && e & GLZEncoderDictionary.positionMask == GLZEncoderDictionary.positionLimit - 1 && e >> 56 == t)
        }
        #expect(seen.count == 128, "tags spread over 7 bits: \(seen.count)")
        #expect(-1 >> 56 == -1, "an empty entry never equals a tag")
    }

    @Test func imagesLargerThanTheWindowAreRefused() {
        let dict = GLZEncoderDictionary(windowSize: 100)
        #expect(throws: CodecError.self) { try GLZEncoder.encode(noiseRGB32(11, 10, seed: 1), dictionary: dict) }
        let zero = GLZEncoderDictionary(windowSize: 0)  // spice-html5 asks for no GLZ
        #expect(!zero.accepts(pixels: 1))
        #expect(throws: CodecError.self) {
            try GLZEncoder.encode(PixelImage(width: 1, height: 1, format: .a8, data: [1]), dictionary: dict)
        }
    }

    @Test func outOfOrderImagesKeepWhatLaterOnesNeed() throws {
        // Two display channels: images 1 and 2 arrive before 0; nothing 0..2 needs is freed early.
        let dict = GLZEncoderDictionary(windowSize: 1 << 20)
        let imgs = (0..<3).map { _ in glzScene(variant: 1) }
        let streams = try imgs.map { try GLZEncoder.encode($0, dictionary: dict) }
        let window = GLZDecoderWindow()
        #expect(throws: GLZMissingImage.self) { try window.decode(streams[1]) }
        _ = try window.decode(streams[0])
        do {
            _ = try window.decode(streams[2])
            Issue.record("image 2 repeats image 1, which is not decoded yet")
        } catch let e as GLZMissingImage {
            #expect(e.missingID == 1 && e.imageID == 2)
        }
        #expect(comparable(try window.decode(streams[1])) == comparable(imgs[1]))
        #expect(comparable(try window.decode(streams[2])) == comparable(imgs[2]))
        #expect(window.retainedIDs == [0, 1, 2])
    }

    @Test func rgb16StreamsDecodeToRGB32() throws {
        // Hand-made GLZ RGB16 stream: 3 literal pixels, then a 4-pixel run (wire length 3 + 1).
        var s: [UInt8] = [0x20, 0x20, 0x5A, 0x4C, 0, 1, 0, 1, 0x16, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 14]
        s += [0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0]
        s += [2, 0x7C, 0x00, 0x03, 0xE0, 0x00, 0x1F]  // red, green, blue
        s += [3 << 5, 0, 0]  // len 3 (+1), pixel_ofs 0 (+1), image_dist 0
        let dec = try GLZDecoderWindow().decode(s)
        #expect(dec.format == .rgb32)
        let expected: [UInt8] = [0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0]
        #expect(Array(dec.data[0..<12]) == expected)
        #expect(Array(dec.data[12..<28]) == [255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0])
    }
}
