/// Encoder of GLZ_RGB streams (spice server `glz-encoder.c`, `glz-encode.tmpl.c`,
/// `glz-encode-match.tmpl.c`): LZ77 whose references reach into the current image (by distance)
/// or into earlier images of a `GLZEncoderDictionary` (by image distance + pixel offset).

public enum GLZEncoder {
    static let maxPixelShort = 1 << 12
    static let maxPixelMedium = 1 << 17
    static let maxPixelLong = 1 << 25
    static let maxImageDist = (1 << 24) - 1

    /// Encodes an rgb32, rgb24 or rgba image as GLZ_RGB and adds it to `dictionary`.
    /// Throws (nothing is added) for other formats and for images larger than the window:
    /// the server then sends LZ instead.
    public static func encode(_ image: PixelImage, dictionary dict: GLZEncoderDictionary) throws(CodecError) -> [UInt8] {
        let type: LZImageType
        switch image.format {
        case .rgb32: type = .rgb32
        case .rgb24: type = .rgb24
        case .rgba: type = .rgba
        default: throw CodecError("GLZ", "GLZ encodes rgb32, rgb24 and rgba, not \(image.format)")
        }
        let n = image.width * image.height
        let tight = try LZ.tightRows(image)
        let (id, start, winHeadDist) = try dict.admit(count: n)

        // The dictionary keeps every image as 4-byte pixels: RGB32 and RGBA as they are.
        let pixels: [UInt8]
        if type == .rgb24 {
            pixels = [UInt8](unsafeUninitializedCapacity: n * 4) { out, initialized in
                tight.withUnsafeBufferPointer { src in
                    for i in 0..<n {
                        out[i * 4] = src[i * 3]; out[i * 4 + 1] = src[i * 3 + 1]
                        out[i * 4 + 2] = src[i * 3 + 2]; out[i * 4 + 3] = 0
                    }
                }
                initialized = n * 4
            }
        } else {
            pixels = tight
        }

        var sink = ByteSink(capacity: 64 + n * 5)
        sink.putU32(LZConst.magic)
        sink.putU32(LZConst.version)
        sink.reserve(1)
        sink.put(UInt8(type.rawValue) | (image.topDown ? 0x10 : 0))
        sink.putU32(UInt32(image.width))
        sink.putU32(UInt32(image.height))
        sink.putU32(UInt32(type.headerStride(width: image.width)))
        sink.putU64(id)
        sink.putU32(winHeadDist)
        pixels.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            compressRGB(base, count: n, id: id, start: start, dict: dict, &sink)
            if type == .rgba {
                // The alpha pass references only the current image.
                let table = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << LZ.hashBits)
                table.initialize(repeating: -1, count: 1 << LZ.hashBits)
                compressAlpha(KeysAlpha(base: base), count: n, table: table, &sink)
                table.deallocate()
            }
        }
        dict.commit(id: id, start: start, count: n, pixels: pixels)
        return sink.finish()
    }

    /// Bytes of a reference besides the length extension (`get_encode_ref_size`).
    @inline(__always) static func refSize(imageDist d: Int, pixelDist p: Int) -> Int {
        if p < maxPixelShort {
            return d < 1 << 6 ? 3 : d < 1 << 14 ? 4 : d < 1 << 22 ? 5 : 6
        }
        let base = d == 0 ? 3 : d < 1 << 8 ? 4 : d < 1 << 16 ? 5 : 6
        return base + (p < maxPixelMedium ? 0 : 1)
    }

    /// A GLZ reference. `len` is the wire length; `pixelDist` is distance − 1 inside the image,
    /// or the offset into image `id − imageDist`.
    @inline(__always) static func match(len: Int, imageDist d: Int, pixelDist p: Int, _ sink: inout ByteSink) {
        sink.reserve(10 + len / 255)
        let short = p < maxPixelShort
        LZWire.lengthHead(len, low5: (short ? 0 : 16) + (p & 15), &sink)
        sink.put(UInt8((p >> 4) & 255))
        if short {
            if d < 1 << 6 {
                sink.put(UInt8(d))
            } else if d < 1 << 14 {
                sink.put(UInt8(64 + d & 63)); sink.put(UInt8((d >> 6) & 255))
            } else if d < 1 << 22 {
                sink.put(UInt8(128 + d & 63)); sink.put(UInt8((d >> 6) & 255)); sink.put(UInt8((d >> 14) & 255))
            } else {
                sink.put(UInt8(192 + d & 63)); sink.put(UInt8((d >> 6) & 255)); sink.put(UInt8((d >> 14) & 255))
                sink.put(UInt8((d >> 22) & 255))
            }
        } else {
            let long = p < maxPixelMedium ? 0 : 32
            let high = long + (p >> 12) & 31
            if d == 0 {
                sink.put(UInt8(high))
            } else if d < 1 << 8 {
                sink.put(UInt8(high + 64)); sink.put(UInt8(d))
            } else if d < 1 << 16 {
                sink.put(UInt8(high + 128)); sink.put(UInt8(d & 255)); sink.put(UInt8(d >> 8))
            } else {
                sink.put(UInt8(high + 192)); sink.put(UInt8(d & 255)); sink.put(UInt8((d >> 8) & 255))
                sink.put(UInt8((d >> 16) & 255))
            }
            if long != 0 { sink.put(UInt8((p >> 17) & 255)) }
        }
    }

    /// The best reference found for one position.
    struct Candidate {
        var len = 0
        var imageDist = 0
        var pixelDist = 0
        var gain = 0
        /// For cross-image matches: the image and `offset − ip`, reused as the next guess.
        var image: GLZEncoderDictionary.Image?
        var delta = 0
    }

    /// How many pixels from index `from` on are equal (B, G, R; the 4th byte ignored) in the
    /// 4-byte pixel arrays `a` and `b`, stopping at `limit`: two pixels per 64-bit compare.
    @inline(__always)
    static func sameRGB(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, from: Int, limit: Int) -> Int {
        var l = from
        while l &+ 2 <= limit {
            let x = a.u64LE(at: l &<< 2) ^ b.u64LE(at: l &<< 2)
            let m = x & 0x00FF_FFFF_00FF_FFFF
            if m != 0 { return l &+ (m.trailingZeroBitCount &>> 5) }
            l &+= 2
        }
        if l < limit {
            let x = a.u32LE(at: l &<< 2) ^ b.u32LE(at: l &<< 2)
            if x & 0xFF_FFFF == 0 { l &+= 1 }
        }
        return l
    }

    /// The colour pass over the image's 4-byte pixels. Candidates per position: a run, the
    /// dictionary's hash bucket (`matchCandidates` earlier positions of this image and kept
    /// earlier ones) and the alignment of the last cross-image match and the same place in the
    /// previous image, the longest net win taken. (The reference rejects offset 0 into an
    /// earlier image; decoders do not care, we allow it.)
    static func compressRGB(_ base: UnsafePointer<UInt8>, count n: Int, id: UInt64, start: Int,
                            dict: GLZEncoderDictionary, _ sink: inout ByteSink) {
        let src = KeysRGB32(base: base)
        let raw = UnsafeRawPointer(base)
        let bits = dict.hashBits
        let ways = dict.ways
        let table = dict.table
        var ip = 0
        var litStart = 0
        var repImage = dict.newest
        var repDelta = 0
        // The same place in the previous image, when it has as many pixels (a repainted screen).
        let previous = dict.newest.flatMap { $0.count == n ? $0 : nil }

        @inline(__always) func consider(_ c: inout Candidate, img: GLZEncoderDictionary.Image, off: Int, k0: UInt32) {
            let d = id &- img.id
            guard off >= 0 && off < maxPixelLong && d <= UInt64(maxImageDist) && off < img.count else { return }
            let l = img.pixels.withUnsafeBufferPointer { other -> Int in
                let ref = UnsafeRawPointer(other.baseAddress! + off &<< 2)
                guard ref.u32LE(at: 0) & 0xFF_FFFF == k0 else { return 0 }
                return sameRGB(ref, raw + ip &<< 2, from: 1, limit: min(n &- ip, img.count &- off))
            }
            guard l > 0 else { return }
            let cost = refSize(imageDist: Int(d), pixelDist: off)
            let gain = l &* 3 &- cost
            if l >= cost / 3 &+ 1 && gain > c.gain {
                c = Candidate(len: l, imageDist: Int(d), pixelDist: off, gain: gain, image: img, delta: off &- ip)
            }
        }

        while ip &+ 2 < n {
            let k0 = src.key(ip)
            let k1 = src.key(ip &+ 1), k2 = src.key(ip &+ 2)
            var best = Candidate()
            if ip > 0 && src.key(ip &- 1) == k0 && k1 == k0 && k2 == k0 {
                // Pixel ip + l equals its left neighbour for every l < len.
                let len = sameRGB(raw + ip &<< 2, raw + (ip &- 1) &<< 2, from: 3, limit: n &- ip)
                best = Candidate(len: len, gain: len &* 3 &- 3)
            }
            if let img = repImage { consider(&best, img: img, off: ip &+ repDelta, k0: k0) }
            if let img = previous, repImage !== img || repDelta != 0 { consider(&best, img: img, off: ip, k0: k0) }
            let h = lzHash(k0, k1, k2, bits: bits)
            let bucket = table + h &* ways
            let tag = GLZEncoderDictionary.tag(k0)
            for w in 0..<ways {
                let entry = bucket[w]
                // Another colour (or empty: -1 shifts to -1): no need to look at its pixels, a
                // cache miss into this or an older image most of the time on photo-like content.
                guard entry &>> 56 == tag else { continue }
                let ref = entry & GLZEncoderDictionary.positionMask
                if ref >= start {
                    let r = ref &- start
                    guard r < ip && ip &- r < maxPixelLong && src.key(r) == k0 else { continue }
                    let l = sameRGB(raw + r &<< 2, raw + ip &<< 2, from: 1, limit: n &- ip)
                    let cost = refSize(imageDist: 0, pixelDist: ip &- r &- 1)
                    let gain = l &* 3 &- cost
                    if l >= cost / 3 &+ 1 && gain > best.gain {
                        best = Candidate(len: l, pixelDist: ip &- r &- 1, gain: gain)
                    }
                } else if let img = dict.locate(ref) {
                    consider(&best, img: img, off: ref &- img.start, k0: k0)
                }
            }
            dict.insert(h, start &+ ip, key: k0)
            if best.len > 0 {
                LZWire.literals(src, from: litStart, to: ip, &sink)
                match(len: best.len, imageDist: best.imageDist, pixelDist: best.pixelDist, &sink)
                if let img = best.image {
                    repImage = img
                    repDelta = best.delta
                }
                ip &+= best.len
                var p = ip &- 2
                while p < ip {
                    if p &+ 2 < n {
                        let kp = src.key(p)
                        dict.insert(lzHash(kp, src.key(p &+ 1), src.key(p &+ 2), bits: bits), start &+ p, key: kp)
                    }
                    p &+= 1
                }
                litStart = ip
            } else {
                ip &+= 1
            }
        }
        LZWire.literals(src, from: litStart, to: n, &sink)
    }

    /// The alpha pass of RGBA (wire lengths biased by 2, references inside the image only).
    static func compressAlpha(_ src: KeysAlpha, count n: Int, table: UnsafeMutablePointer<Int32>,
                              _ sink: inout ByteSink) {
        var ip = 0
        var litStart = 0
        while ip + 2 < n {
            let k0 = src.key(ip)
            var len = 0, dist = 0
            if ip > 0 && src.key(ip - 1) == k0 && src.key(ip + 1) == k0 && src.key(ip + 2) == k0 {
                dist = 1
                len = 3
                while ip + len < n && src.key(ip + len) == k0 { len += 1 }
            } else {
                let h = lzHash(k0, src.key(ip + 1), src.key(ip + 2), bits: LZ.hashBits)
                let r = Int(table[h])
                table[h] = Int32(truncatingIfNeeded: ip)
                if r >= 0 && r < ip && ip - r < maxPixelLong {
                    var l = 0
                    while ip + l < n && src.key(r + l) == src.key(ip + l) { l += 1 }
                    dist = ip - r
                    if l > refSize(imageDist: 0, pixelDist: dist - 1) { len = l }
                }
            }
            if len >= 3 {
                LZWire.literals(src, from: litStart, to: ip, &sink)
                match(len: len - 2, imageDist: 0, pixelDist: dist - 1, &sink)
                ip += len
                for p in (ip - 2)..<ip where p + 2 < n {
                    table[lzHash(src.key(p), src.key(p + 1), src.key(p + 2), bits: LZ.hashBits)] =
                        Int32(truncatingIfNeeded: p)
                }
                litStart = ip
            } else {
                ip += 1
            }
        }
        LZWire.literals(src, from: litStart, to: n, &sink)
    }
}
