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
        var colour = QuicChannelGroup(channels: channels, width: width, bitsPerChannel: bpc, forEncoder: true)
        defer { colour.deallocate() }
        var alpha = QuicChannelGroup(channels: 1, width: type == .rgba ? width : 1, bitsPerChannel: 8,
                                     forEncoder: type == .rgba)
        defer { alpha.deallocate() }

        // A rough guess of the compressed size; the writer grows if needed.
        let rawBytes = width * height * (channels + (type == .rgba ? 1 : 0)) * bpc / 8
        var encoder = QuicEncoderCore(writer: QuicBitWriter(capacityWords: rawBytes / 8 + 64))
        for word in [magic, version, type.rawValue, UInt32(width), UInt32(height)] {
            encoder.writer.put(word, 32)
        }

        image.data.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            var prevSrc = base
            for y in 0..<height {
                let src = base + image.rowOffset(visualRow: y)
                colour.beginRow(y)
                let firstRow = y == 0
                switch type {
                case .rgb32, .rgba:
                    // The source rows are already 4 bytes per pixel: read them in place.
                    let cur = src.assumingMemoryBound(to: UInt8.self)
                    let prev = prevSrc.assumingMemoryBound(to: UInt8.self)
                    encoder.encodeRow(QuicThreeChannels.self, &colour, cur, prev, channelByte: 2, firstRow: firstRow)
                    if type == .rgba {
                        alpha.beginRow(y)
                        encoder.encodeRow(QuicOneChannel.self, &alpha, cur, prev, channelByte: 3, firstRow: firstRow)
                    }
                case .gray:
                    QuicPlanes.widen(type, from: src, into: colour.pixelRow, width: width)
                    encoder.encodeRow(QuicOneChannel.self, &colour, colour.pixelRow, colour.prevPixelRow,
                                      channelByte: 0, firstRow: firstRow)
                case .rgb24, .rgb16:
                    QuicPlanes.widen(type, from: src, into: colour.pixelRow, width: width)
                    encoder.encodeRow(QuicThreeChannels.self, &colour, colour.pixelRow, colour.prevPixelRow,
                                      channelByte: 2, firstRow: firstRow)
                }
                prevSrc = src
            }
        }
        return encoder.writer.finish()
    }
}

/// The encoding loops (quic_tmpl.c's compress_row / compress_row_seg, for 1 or 3 channels).
/// Unlike the decoder, the encoder knows the whole row up front, so `prepareRow` computes every
/// residual and every run test of a row in simple loops the compiler vectorises; what is left
/// per pixel is the model lookup and the bit writing.
struct QuicEncoderCore {
    var writer: QuicBitWriter

    /// Codes one row of a group. `cur` and `prev` are the current and previous row as 4 bytes
    /// per pixel; the group's channel c is byte `channelByte - c` of each pixel (R, G, B = bytes
    /// 2, 1, 0; a single channel: its byte).
    @inline(__always)
    mutating func encodeRow<C: QuicChannelCount>(_ t: C.Type, _ g: inout QuicChannelGroup,
                                                 _ cur: UnsafePointer<UInt8>, _ prev: UnsafePointer<UInt8>,
                                                 channelByte: Int, firstRow: Bool) {
        // A row takes at most 26 bits per sample, plus per run at most its length + 16 bits.
        writer.reserve(words: (g.width &* (C.n &* QuicConst.maxCodewordLength &+ 17)) &>> 5 &+ 4)
        Self.prepareRow(t, g, cur, prev, channelByte: channelByte, firstRow: firstRow)
        g.forEachSegment { group, start, end in
            if firstRow {
                encodeSegment(t, &group, start, end, channelByte: channelByte, firstRow: true)
            } else {
                encodeSegment(t, &group, start, end, channelByte: channelByte, firstRow: false)
            }
        }
    }

    /// quic.c's family map from a prediction error (mod 2^bpc) to a non-negative value: 0, -1, 1,
    /// -2, 2, ... → 0, 1, 2, 3, 4, ... (a zigzag on the error as a signed bpc-bit number, here
    /// shifted to the top of a byte so one formula serves 8 and 5 bits).
    @inline(__always)
    static func mapResidual(_ difference: UInt8, _ shift: UInt8) -> UInt8 {
        let s = Int8(bitPattern: difference &<< shift)
        return UInt8(bitPattern: (s &<< 1) ^ (s &>> 7)) &>> shift
    }

    /// The residual of every byte of the current row (all 4 bytes of each pixel: byte loops the
    /// compiler vectorises), and the run tests (`sameLeft`, `runAllowed`).
    @inline(__always)
    static func prepareRow<C: QuicChannelCount>(_: C.Type, _ g: QuicChannelGroup,
                                                _ cur: UnsafePointer<UInt8>, _ prev: UnsafePointer<UInt8>,
                                                channelByte: Int, firstRow: Bool) {
        let w = g.width
        let n = 4 &* w
        let shift = UInt8(truncatingIfNeeded: 8 &- g.family.bpc)
        let res = g.residual
        if shift == 0 {
            residuals(cur, prev, res, n, 0, firstRow: firstRow)
        } else {
            residuals(cur, prev, res, n, shift, firstRow: firstRow)
        }
        let mask: UInt32 = C.n == 3 ? 0x00FF_FFFF : 0xFF &<< UInt32(truncatingIfNeeded: 8 &* channelByte)
        let same = g.sameLeft
        let px = UnsafeRawPointer(cur)
        same[0] = 0
        var i = 1
        while i < w {
            let a = px.u32LE(at: 4 &* i)
            let b = px.u32LE(at: 4 &* i &- 4)
            same[i] = (a ^ b) & mask == 0 ? 1 : 0
            i &+= 1
        }
        if !firstRow {
            // RLE_PRED_IMP before pixel i: the pixels above i-1 and i are equal, i-2 and i-1 are
            // equal, and i > 2.
            let allowed = g.runAllowed, above = g.prevSameLeft
            var i = 0
            while i < min(3, w) {
                allowed[i] = 0
                i &+= 1
            }
            while i < w {
                allowed[i] = above[i] & same[i &- 1]
                i &+= 1
            }
        }
    }

    /// res[j] for the n bytes of a row: byte j predicted from j - 4 (the pixel to the left) and the
    /// byte above (their floor average; the left one alone on the first row; the one above alone,
    /// or 0 on the first row, for the first pixel).
    @inline(__always)
    static func residuals(_ cur: UnsafePointer<UInt8>, _ prev: UnsafePointer<UInt8>, _ res: UnsafeMutablePointer<UInt8>,
                          _ n: Int, _ shift: UInt8, firstRow: Bool) {
        var j = 0
        while j < min(4, n) {
            res[j] = mapResidual(cur[j] &- (firstRow ? 0 : prev[j]), shift)
            j &+= 1
        }
        if firstRow {
            while j < n {
                res[j] = mapResidual(cur[j] &- cur[j &- 4], shift)
                j &+= 1
            }
        } else {
            while j < n {
                let a = cur[j &- 4], b = prev[j]
                let pred = (a & b) &+ ((a ^ b) &>> 1)
                res[j] = mapResidual(cur[j] &- pred, shift)
                j &+= 1
            }
        }
    }

    /// Codes channel c of pixel i (its residual is ready; the context is the correlate entry
    /// before it, which after a run is whatever an earlier row left there, as in quic.c).
    @inline(__always)
    static func codeSample(_ v: QuicRowView, _ residual: UnsafeMutablePointer<UInt8>, _ c: Int, _ byte: Int,
                           _ i: Int, _ out: inout QuicBitWriter) {
        let r = residual[i &<< 2 &+ byte]
        let corr = v.corr + c &* (v.width &+ 1)
        corr[i &+ 1] = r
        let l = Int(v.bestcode[c &* 8 &+ Int(v.family.bucketOf[Int(corr[i])])])
        let packed = v.family.codeAndLength[Int(r) &<< 3 | l]
        out.put(packed & 0x7FF_FFFF, Int(packed &>> 27))
    }

    /// Codes every channel of pixel i of the current row.
    @inline(__always)
    static func codePixel<C: QuicChannelCount>(_: C.Type, _ v: QuicRowView, _ residual: UnsafeMutablePointer<UInt8>,
                                               _ channelByte: Int, _ i: Int, _ out: inout QuicBitWriter) {
        if C.n == 3 {
            codeSample(v, residual, 0, 2, i, &out)
            codeSample(v, residual, 1, 1, i, &out)
            codeSample(v, residual, 2, 0, i, &out)
        } else {
            codeSample(v, residual, 0, channelByte, i, &out)
        }
    }

    /// One segment [start, end) of a row, with the wait-mask model update schedule and runs.
    @inline(__always)
    mutating func encodeSegment<C: QuicChannelCount>(_ t: C.Type, _ g: inout QuicChannelGroup,
                                                      _ start: Int, _ end: Int, channelByte: Int, firstRow: Bool) {
        // Work on locals (written back on exit) so nothing is reloaded after each store.
        let v = g.view
        let residual = g.residual
        let runAllowed = g.runAllowed
        let sameLeft = g.sameLeft
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
            Self.codePixel(t, v, residual, channelByte, 0, &out)
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
                        if !firstRow && runAllowed[i] != 0 && i != runIndex {
                            run = true
                            break scan
                        }
                        Self.codePixel(t, v, residual, channelByte, i, &out)
                        i &+= 1
                    }
                    v.updateModel(t, at: stopidx, trigger: trigger)
                    stopidx = i &+ (st.tabrand(chaos) & waitMask)
                } else {
                    while i < end {
                        if !firstRow && runAllowed[i] != 0 && i != runIndex {
                            run = true
                            break scan
                        }
                        Self.codePixel(t, v, residual, channelByte, i, &out)
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
            while sameLeft[i] != 0 {
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
    /// A row of a format other than RGB32/RGBA as 4 bytes per pixel: B, G, R, 0 (RGB16: the
    /// 5-bit values), or the grey value then 0, 0, 0.
    @inline(__always)
    static func widen(_ type: QuicImageType, from src: UnsafeRawPointer, into dst: UnsafeMutablePointer<UInt8>,
                      width w: Int) {
        let s = src.assumingMemoryBound(to: UInt8.self)
        for i in 0..<w {
            let d = dst + 4 &* i
            switch type {
            case .gray:
                d[0] = s[i]
                d[1] = 0
                d[2] = 0
            case .rgb24:
                d[0] = s[3 &* i]
                d[1] = s[3 &* i &+ 1]
                d[2] = s[3 &* i &+ 2]
            case .rgb16:
                let v = Int(s[2 &* i]) | Int(s[2 &* i &+ 1]) &<< 8
                d[0] = UInt8(truncatingIfNeeded: v & 0x1F)
                d[1] = UInt8(truncatingIfNeeded: (v &>> 5) & 0x1F)
                d[2] = UInt8(truncatingIfNeeded: (v &>> 10) & 0x1F)
            case .rgb32, .rgba:
                d[0] = s[4 &* i]
                d[1] = s[4 &* i &+ 1]
                d[2] = s[4 &* i &+ 2]
            }
            d[3] = 0
        }
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
}
