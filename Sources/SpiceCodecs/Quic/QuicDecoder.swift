/// QUIC decoder: the mirror image of QuicEncoder, hardened against malformed streams (every
/// header field validated before allocating; run lengths checked against the segment end;
/// input exhaustion detected at each row; all table indices masked to their table sizes).

extension Quic {
    /// Decodes a QUIC stream to a top-down image: RGB32 → .rgb32 (X byte 0), RGBA → .rgba,
    /// RGB24 → .rgb24, RGB16 → .rgb16 (bit 15 zero), GRAY → .gray8.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = maxDecodedPixels) throws -> PixelImage {
        try bytes.withUnsafeBytes { raw in try decode(raw, maxPixels: maxPixels) }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, maxPixels: Int) throws -> PixelImage {
        let wordCount = raw.count / 4
        guard wordCount > headerWords else {
            throw CodecError(codecName, "stream too short (\(raw.count) bytes)")
        }
        func header(_ n: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n * 4, as: UInt32.self)) }
        guard header(0) == magic else { throw CodecError(codecName, "bad magic") }
        guard header(1) == version else { throw CodecError(codecName, "unsupported version \(header(1))") }
        guard let type = QuicImageType(rawValue: header(2)) else {
            throw CodecError(codecName, "bad image type \(header(2))")
        }
        let width = Int(header(3)), height = Int(header(4))
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw CodecError(codecName, "invalid image size \(width)x\(height)")
        }
        guard width * height <= maxPixels else {
            throw CodecError(codecName, "image \(width)x\(height) exceeds \(maxPixels) pixels")
        }
        // Every sample of row 0 and pixel 0 of every later row take at least one bit each.
        let samplesPerPixel = type.colourChannels + (type == .rgba ? 1 : 0)
        let availableBits = (wordCount - headerWords) * 32
        guard (width + height - 1) * samplesPerPixel <= availableBits else {
            throw CodecError(codecName, "stream too short for \(width)x\(height)")
        }

        let format: PixelFormat
        switch type {
        case .gray: format = .gray8
        case .rgb16: format = .rgb16
        case .rgb24: format = .rgb24
        case .rgb32: format = .rgb32
        case .rgba: format = .rgba
        }
        let stride = format.rowBytes(width: width)
        let channels = type.colourChannels
        var colour = QuicChannelGroup(channels: channels, width: width, bitsPerChannel: type.bitsPerChannel)
        defer { colour.deallocate() }
        var alpha = QuicChannelGroup(channels: 1, width: type == .rgba ? width : 1, bitsPerChannel: 8)
        defer { alpha.deallocate() }

        var decoder = QuicDecoderCore(reader: QuicBitReader(raw, startWord: headerWords))
        let data = try [UInt8](unsafeUninitializedCapacity: stride * height) { out, initialized in
            let base = out.baseAddress!
            for y in 0..<height {
                colour.beginRow(y)
                if channels == 3 {
                    decoder.decodeRow(QuicThreeChannels.self, &colour, firstRow: y == 0)
                } else {
                    decoder.decodeRow(QuicOneChannel.self, &colour, firstRow: y == 0)
                }
                let dst = base + y * stride
                QuicPlanes.pack(type, from: colour.cur, into: dst, width: width)
                if type == .rgba {
                    alpha.beginRow(y)
                    decoder.decodeRow(QuicOneChannel.self, &alpha, firstRow: y == 0)
                    QuicPlanes.packAlpha(from: alpha.cur, into: dst, width: width)
                }
                initialized = (y + 1) * stride
                if decoder.reader.overrun {
                    throw CodecError(codecName, "stream truncated in row \(y)")
                }
                if decoder.badRun {
                    throw CodecError(codecName, "run length past the row end in row \(y)")
                }
            }
        }
        return PixelImage(width: width, height: height, stride: stride, format: format, topDown: true, data: data)
    }
}

/// The decoding loops (quic_tmpl.c's uncompress_row / uncompress_row_seg, for 1 or 3 channels).
struct QuicDecoderCore {
    var reader: QuicBitReader
    /// A run longer than the rest of its segment was seen (the run was clipped).
    var badRun = false

    @inline(__always)
    mutating func decodeRow<C: QuicChannelCount>(_ t: C.Type, _ g: inout QuicChannelGroup, firstRow: Bool) {
        g.forEachSegment { group, start, end in
            if firstRow {
                decodeSegment(t, &group, start, end, firstRow: true)
            } else {
                decodeSegment(t, &group, start, end, firstRow: false)
            }
        }
    }

    /// Decodes every channel of pixel i of the current row.
    @inline(__always)
    static func decodePixel<C: QuicChannelCount>(_: C.Type, _ g: QuicRowView, _ i: Int, firstRow: Bool,
                                                 _ reader: inout QuicBitReader) {
        let w = g.width
        let f = g.family
        for c in 0..<C.n {
            let corr = g.corr + c &* (w &+ 1)
            let l = Int(g.bestcode[c &* 8 &+ Int(f.bucketOf[Int(corr[i]) & f.mask])]) & 7
            let bits = reader.word
            let value: Int
            let length: Int
            if bits > f.notGRPrefixMask[l] {
                // Golomb-Rice: zeros, a one, l bits.
                let zeros = bits.leadingZeroBitCount
                length = zeros &+ 1 &+ l
                value = zeros &<< l | Int((bits &>> UInt32(32 &- length)) & ((1 &<< UInt32(l)) &- 1))
            } else {
                // Escape: the prefix of zeros, then the value minus nGR in a fixed-length suffix.
                length = Int(f.notGRLength[l])
                value = Int(f.nGR[l]) &+ Int((bits &>> UInt32(32 &- length)) & f.notGRSuffixMask[l])
            }
            reader.eat(length)
            let residual = value & f.mask
            corr[i &+ 1] = UInt8(truncatingIfNeeded: residual)
            let cur = g.cur + c &* w
            let pred: Int
            if i == 0 {
                pred = firstRow ? 0 : Int(g.prev[c &* w])
            } else if firstRow {
                pred = Int(cur[i &- 1])
            } else {
                pred = (Int(cur[i &- 1]) &+ Int(g.prev[c &* w &+ i])) &>> 1
            }
            cur[i] = UInt8(truncatingIfNeeded: (Int(f.l2u[residual]) &+ pred) & f.mask)
        }
    }

    @inline(__always)
    mutating func decodeSegment<C: QuicChannelCount>(_ t: C.Type, _ g: inout QuicChannelGroup,
                                                      _ start: Int, _ end: Int, firstRow: Bool) {
        // Work on locals (written back on exit) so nothing is reloaded after each store.
        let v = g.view
        var st = g.state
        var input = reader
        defer {
            g.state = st
            reader = input
        }
        let waitMask = st.waitMask
        let trigger = st.wmTrigger
        let chaos = v.family.chaos
        var i = start
        var stopidx: Int
        if i == 0 {
            Self.decodePixel(t, v, 0, firstRow: firstRow, &input)
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
                        Self.decodePixel(t, v, i, firstRow: firstRow, &input)
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
                        Self.decodePixel(t, v, i, firstRow: firstRow, &input)
                        i &+= 1
                    }
                    break scan
                }
            }
            if !run {
                st.waitcnt = stopidx &- end
                return
            }
            runIndex = i
            st.waitcnt = stopidx &- i
            var runLength = Self.decodeRun(&st, limit: end &- i, &input)
            if runLength > end &- i {
                badRun = true
                runLength = end &- i
            }
            // Run pixels copy the pixel before; their correlate entries stay untouched.
            let w = v.width
            for c in 0..<C.n {
                let row = v.cur + c &* w
                let value = row[i &- 1]
                (row + i).update(repeating: value, count: runLength)
            }
            i &+= runLength
            if i == end { return }
            stopidx = i &+ st.waitcnt
        }
    }

    /// MELCODE run length. Stops early (returning more than `limit`) once the run is known to be
    /// too long, so a stream of ones cannot make it spin.
    static func decodeRun(_ s: inout QuicScheduleState, limit: Int, _ reader: inout QuicBitReader) -> Int {
        var length = 0
        while true {
            let ones = (~reader.word).leadingZeroBitCount
            let hits = min(ones, 8)
            for _ in 0..<hits {
                length &+= s.melcOrder
                s.melcUp()
            }
            if hits != 8 {
                reader.eat(hits &+ 1)
                break
            }
            reader.eat(8)
            if length > limit || reader.overrun { break }
        }
        if s.melcLen > 0 {
            length &+= Int(reader.word &>> UInt32(32 &- s.melcLen))
            reader.eat(s.melcLen)
        }
        s.melcDown()
        return length
    }
}
