/// QUIC encoder: predicts each sample from its left and upper neighbours, maps the residual to a
/// non-negative value and writes it with the adaptive Golomb-Rice code of the bucket chosen by
/// the previous residual; runs of repeated pixels (rows > 0) go through MELCODE.

extension Quic {
    /// Encodes `image` as a QUIC stream (type from the pixel format: rgb32 → RGB32, rgba → RGBA,
    /// rgb24 → RGB24, rgb16 → RGB16, gray8 → GRAY). Rows are coded visually top-down.
    public static func encode(_ image: PixelImage) throws -> [UInt8] {
        let type: QuicImageType
        switch image.format {
        case .rgb32: type = .rgb32
        case .rgba: type = .rgba
        case .rgb24: type = .rgb24
        case .rgb16: type = .rgb16
        case .gray8: type = .gray
        default: throw CodecError(codecName, "cannot encode pixel format \(image.format)")
        }
        let width = image.width, height = image.height
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw CodecError(codecName, "invalid image size \(width)x\(height)")
        }
        let rowBytes = image.format.rowBytes(width: width)
        guard image.stride >= rowBytes else {
            throw CodecError(codecName, "stride \(image.stride) shorter than a row (\(rowBytes) bytes)")
        }
        let (needed, overflow) = image.stride.multipliedReportingOverflow(by: height - 1)
        guard !overflow, needed <= image.data.count - rowBytes else {
            throw CodecError(codecName, "pixel data too short for \(width)x\(height)")
        }

        let bpc = type.bitsPerChannel
        let channels = type.colourChannels
        var colour = QuicChannelGroup(channels: channels, width: width, bitsPerChannel: bpc)
        defer { colour.deallocate() }
        var alpha = QuicChannelGroup(channels: 1, width: type == .rgba ? width : 1, bitsPerChannel: 8)
        defer { alpha.deallocate() }

        // A rough guess of the compressed size; the writer grows if needed.
        let rawBytes = width * height * (channels + (type == .rgba ? 1 : 0)) * bpc / 8
        var encoder = QuicEncoderCore(writer: QuicBitWriter(capacityWords: rawBytes / 8 + 64))
        for word in [magic, version, type.rawValue, UInt32(width), UInt32(height)] {
            encoder.writer.put(word, 32)
        }

        image.data.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            for y in 0..<height {
                let src = base + image.rowOffset(visualRow: y)
                colour.beginRow(y)
                QuicPlanes.extract(type, from: src, into: colour.cur, width: width)
                if channels == 3 {
                    encoder.encodeRow(QuicThreeChannels.self, &colour, firstRow: y == 0)
                } else {
                    encoder.encodeRow(QuicOneChannel.self, &colour, firstRow: y == 0)
                }
                if type == .rgba {
                    alpha.beginRow(y)
                    QuicPlanes.extractAlpha(from: src, into: alpha.cur, width: width)
                    encoder.encodeRow(QuicOneChannel.self, &alpha, firstRow: y == 0)
                }
            }
        }
        return encoder.writer.finish()
    }
}

/// The encoding loops (quic_tmpl.c's compress_row / compress_row_seg, for 1 or 3 channels).
struct QuicEncoderCore {
    var writer: QuicBitWriter

    @inline(__always)
    mutating func encodeRow<C: QuicChannelCount>(_ t: C.Type, _ g: inout QuicChannelGroup, firstRow: Bool) {
        g.forEachSegment { group, start, end in
            if firstRow {
                encodeSegment(t, &group, start, end, firstRow: true)
            } else {
                encodeSegment(t, &group, start, end, firstRow: false)
            }
        }
    }

    /// Maps and codes every channel of pixel i of the current row.
    @inline(__always)
    static func codePixel<C: QuicChannelCount>(_: C.Type, _ v: QuicRowView, _ i: Int, firstRow: Bool,
                                               _ out: inout QuicBitWriter) {
        let w = v.width
        let f = v.family
        for c in 0..<C.n {
            let cur = v.cur + c &* w
            let x = Int(cur[i])
            let pred: Int
            if i == 0 {
                pred = firstRow ? 0 : Int(v.prev[c &* w])
            } else if firstRow {
                pred = Int(cur[i &- 1])
            } else {
                pred = (Int(cur[i &- 1]) &+ Int(v.prev[c &* w &+ i])) &>> 1
            }
            let residual = f.u2l[(x &- pred) & f.mask]
            let corr = v.corr + c &* (w &+ 1)
            corr[i &+ 1] = residual
            let l = Int(v.bestcode[c &* 8 &+ Int(f.bucketOf[Int(corr[i]) & f.mask])])
            let index = Int(residual) &<< 3 | l
            let packed = f.codeAndLength[index]
            out.put(packed & 0x7FF_FFFF, Int(packed &>> 27))
        }
    }

    /// One segment [start, end) of a row, with the wait-mask model update schedule and runs.
    @inline(__always)
    mutating func encodeSegment<C: QuicChannelCount>(_ t: C.Type, _ g: inout QuicChannelGroup,
                                                      _ start: Int, _ end: Int, firstRow: Bool) {
        // Work on locals (written back on exit) so nothing is reloaded after each store.
        let v = g.view
        var st = g.state
        var out = writer
        defer {
            g.state = st
            writer = out
        }
        let waitMask = st.waitMask
        let trigger = st.wmTrigger
        let chaos = v.family.chaos
        var i = start
        var stopidx: Int
        if i == 0 {
            Self.codePixel(t, v, 0, firstRow: firstRow, &out)
            if st.waitcnt > 0 {
                st.waitcnt -= 1
            } else {
                st.waitcnt = st.tabrand(chaos) & waitMask
                v.updateModel(t, at: 0, trigger: trigger)
            }
            i = 1
            stopidx = 1 &+ st.waitcnt
        } else {
            stopidx = i &+ st.waitcnt
        }
        var runIndex = 0
        while true {
            var run = false
            scan: while true {
                if stopidx < end {
                    while i <= stopidx {
                        if !firstRow && v.runPredicted(t, at: i, runIndex: runIndex) {
                            run = true
                            break scan
                        }
                        Self.codePixel(t, v, i, firstRow: firstRow, &out)
                        i &+= 1
                    }
                    v.updateModel(t, at: stopidx, trigger: trigger)
                    stopidx = i &+ (st.tabrand(chaos) & waitMask)
                } else {
                    while i < end {
                        if !firstRow && v.runPredicted(t, at: i, runIndex: runIndex) {
                            run = true
                            break scan
                        }
                        Self.codePixel(t, v, i, firstRow: firstRow, &out)
                        i &+= 1
                    }
                    break scan
                }
            }
            if !run {
                st.waitcnt = stopidx &- end
                return
            }
            // A run: count pixels equal to the one before i. The distance to the next model
            // update is kept across it; a run reaching the segment end leaves it as it was.
            runIndex = i
            st.waitcnt = stopidx &- i
            var runLength = 0
            while v.samePixel(t, v.cur, i, i &- 1) {
                runLength &+= 1
                i &+= 1
                if i == end {
                    Self.encodeRun(&st, runLength, &out)
                    return
                }
            }
            Self.encodeRun(&st, runLength, &out)
            stopidx = i &+ st.waitcnt
        }
    }

    /// MELCODE: a 1 per full 2^J[state] chunk (state climbs), then the rest in J[state]+1 bits
    /// (leading 0 ends the run), then the state steps back once.
    static func encodeRun(_ s: inout QuicScheduleState, _ length: Int, _ writer: inout QuicBitWriter) {
        var length = length
        var hits = 0
        while length >= s.melcOrder {
            hits += 1
            length -= s.melcOrder
            s.melcUp()
        }
        writer.putOnes(hits)
        writer.put(UInt32(length), s.melcLen + 1)
        s.melcDown()
    }
}

/// Between pixel formats and QUIC's planar channel rows (r, g, b order; 5 bits each for RGB16).
enum QuicPlanes {
    @inline(__always)
    static func extract(_ type: QuicImageType, from src: UnsafeRawPointer, into dst: UnsafeMutablePointer<UInt8>,
                        width w: Int) {
        let s = src.assumingMemoryBound(to: UInt8.self)
        switch type {
        case .gray:
            dst.update(from: s, count: w)
        case .rgb32, .rgba:
            for i in 0..<w {
                dst[i] = s[4 &* i &+ 2]
                dst[w &+ i] = s[4 &* i &+ 1]
                dst[2 &* w &+ i] = s[4 &* i]
            }
        case .rgb24:
            for i in 0..<w {
                dst[i] = s[3 &* i &+ 2]
                dst[w &+ i] = s[3 &* i &+ 1]
                dst[2 &* w &+ i] = s[3 &* i]
            }
        case .rgb16:
            for i in 0..<w {
                let v = Int(s[2 &* i]) | Int(s[2 &* i &+ 1]) &<< 8
                dst[i] = UInt8(truncatingIfNeeded: (v &>> 10) & 0x1F)
                dst[w &+ i] = UInt8(truncatingIfNeeded: (v &>> 5) & 0x1F)
                dst[2 &* w &+ i] = UInt8(truncatingIfNeeded: v & 0x1F)
            }
        }
    }

    @inline(__always)
    static func extractAlpha(from src: UnsafeRawPointer, into dst: UnsafeMutablePointer<UInt8>, width w: Int) {
        let s = src.assumingMemoryBound(to: UInt8.self)
        for i in 0..<w { dst[i] = s[4 &* i &+ 3] }
    }

    @inline(__always)
    static func pack(_ type: QuicImageType, from src: UnsafeMutablePointer<UInt8>, into d: UnsafeMutablePointer<UInt8>,
                     width w: Int) {
        switch type {
        case .gray:
            d.update(from: src, count: w)
        case .rgb32, .rgba:
            for i in 0..<w {
                d[4 &* i] = src[2 &* w &+ i]
                d[4 &* i &+ 1] = src[w &+ i]
                d[4 &* i &+ 2] = src[i]
                d[4 &* i &+ 3] = 0
            }
        case .rgb24:
            for i in 0..<w {
                d[3 &* i] = src[2 &* w &+ i]
                d[3 &* i &+ 1] = src[w &+ i]
                d[3 &* i &+ 2] = src[i]
            }
        case .rgb16:
            for i in 0..<w {
                let v = UInt16(src[i] & 0x1F) &<< 10 | UInt16(src[w &+ i] & 0x1F) &<< 5 | UInt16(src[2 &* w &+ i] & 0x1F)
                d[2 &* i] = UInt8(truncatingIfNeeded: v)
                d[2 &* i &+ 1] = UInt8(truncatingIfNeeded: v &>> 8)
            }
        }
    }

    @inline(__always)
    static func packAlpha(from src: UnsafeMutablePointer<UInt8>, into d: UnsafeMutablePointer<UInt8>, width w: Int) {
        for i in 0..<w { d[4 &* i &+ 3] = src[i] }
    }
}
