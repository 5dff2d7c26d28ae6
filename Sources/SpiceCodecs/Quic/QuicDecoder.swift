/// QUIC decoder: the mirror image of QuicEncoder, hardened against malformed streams (every
/// header field validated before allocating; run lengths checked against the segment end;
/// input exhaustion detected at each row; all table indices masked to their table sizes).
///
/// The 32-bit path (`decode(_:_:into:stride:)` and the loops under it) is @inlinable so that
/// SpiceCodecsX86v3 can compile it again for x86-64-v3 CPUs (BMI2's shifts and masks, LZCNT),
/// which a client picks at run time; this module itself is built for baseline x86-64.

extension Quic {
    /// Decodes a QUIC stream to a top-down image: RGB32 → .rgb32 (X byte 0), RGBA → .rgba,
    /// RGB24 → .rgb24, RGB16 → .rgb16 (bit 15 zero), GRAY → .gray8.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = maxDecodedPixels) throws -> PixelImage {
        try bytes.withUnsafeBytes { raw in try decode(raw, maxPixels: maxPixels) }
    }

    /// What a QUIC stream's header says, validated (size against `maxPixels` and against the
    /// bits present).
    public struct Header: Equatable, Sendable {
        public let type: QuicImageType
        public let width: Int
        public let height: Int
        /// The format `decode` gives.
        public var format: PixelFormat { type.pixelFormat }
    }

    public static func header(_ raw: UnsafeRawBufferPointer, maxPixels: Int = maxDecodedPixels) throws -> Header {
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
        return Header(type: type, width: width, height: height)
    }

    public static func decode(_ raw: UnsafeRawBufferPointer, maxPixels: Int = maxDecodedPixels) throws -> PixelImage {
        let h = try header(raw, maxPixels: maxPixels)
        let stride = h.format.rowBytes(width: h.width)
        let data = try [UInt8](unsafeUninitializedCapacity: stride * h.height) { out, initialized in
            try decodeRows(raw, h, into: out.baseAddress!, stride: stride) { initialized = $0 * stride }
        }
        return PixelImage(width: h.width, height: h.height, stride: stride, format: h.format, topDown: true, data: data)
    }

    /// Decodes an RGB32 or RGBA stream (see `header`) straight into `rows`: `header.height`
    /// top-down rows of `header.width` 4-byte pixels, `stride` bytes apart, such as a region of
    /// a surface (no intermediate image). RGB32 leaves the 4th byte 0. On a throw, the rows
    /// decoded so far have been written.
    @inlinable @inline(__always)
    public static func decode(_ raw: UnsafeRawBufferPointer, _ header: Header, into rows: UnsafeMutableRawPointer,
                              stride: Int) throws {
        guard header.type == .rgb32 || header.type == .rgba, stride >= header.width * 4 else {
            throw CodecError(codecName, "only RGB32 and RGBA decode into 4-byte rows")
        }
        try decodePackedRows(raw, header, into: rows.assumingMemoryBound(to: UInt8.self), stride: stride) { _ in }
    }

    /// The row loop: row y at `base + y * stride` in the header's format; `done(rows)` after each.
    private static func decodeRows(_ raw: UnsafeRawBufferPointer, _ h: Header, into base: UnsafeMutablePointer<UInt8>,
                                   stride: Int, done: (Int) -> Void) throws {
        let type = h.type, width = h.width
        if type == .rgb32 || type == .rgba {
            try decodePackedRows(raw, h, into: base, stride: stride, done: done)
            return
        }
        let channels = type.colourChannels
        var colour = QuicChannelGroup(channels: channels, width: width, bitsPerChannel: type.bitsPerChannel)
        defer { colour.deallocate() }
        // `header` saw more than the header's words, so the base is not nil.
        var decoder = QuicDecoderCore(reader: QuicBitReader(raw.baseAddress!, wordCount: raw.count / 4, startWord: headerWords))
        for y in 0..<h.height {
            colour.beginRow(y)
            let rows = QuicSampleRows(cur: colour.cur, prev: colour.prev, 0, width, 2 * width)
            if channels == 1 {
                decoder.decodeRow(QuicOneChannel.self, QuicPlanarRows.self, QuicBits8.self, &colour, rows, firstRow: y == 0)
            } else if type == .rgb16 {
                decoder.decodeRow(QuicThreeChannels.self, QuicPlanarRows.self, QuicBits5.self, &colour, rows, firstRow: y == 0)
            } else {
                decoder.decodeRow(QuicThreeChannels.self, QuicPlanarRows.self, QuicBits8.self, &colour, rows, firstRow: y == 0)
            }
            QuicPlanes.pack(type, from: colour.cur, into: base + y * stride, width: width)
            done(y + 1)
            try decoder.checkRow(y)
        }
    }

    /// The row loop of RGB32 and RGBA: straight into the output rows (4 bytes per pixel; R, G, B
    /// at bytes 2, 1, 0, alpha at 3), the row above as the previous row. Every pixel is stored
    /// whole (the X byte 0), by a decode or a run, truncated streams included.
    @inlinable @inline(__always)
    static func decodePackedRows(_ raw: UnsafeRawBufferPointer, _ h: Header, into base: UnsafeMutablePointer<UInt8>,
                                 stride: Int, done: (Int) -> Void) throws {
        let alphaPlane = h.type == .rgba
        var colour = QuicChannelGroup(channels: 3, width: h.width, bitsPerChannel: 8)
        defer { colour.deallocate() }
        var alpha = QuicChannelGroup(channels: 1, width: alphaPlane ? h.width : 1, bitsPerChannel: 8)
        defer { alpha.deallocate() }
        // `header` saw more than the header's words, so the base is not nil.
        var decoder = QuicDecoderCore(reader: QuicBitReader(raw.baseAddress!, wordCount: raw.count / 4, startWord: headerWords))
        for y in 0..<h.height {
            let dst = base + y * stride
            let prev = y > 0 ? dst - stride : dst
            colour.beginRow(y)
            decoder.decodeRow(QuicThreeChannels.self, QuicPackedRows.self, QuicBits8.self, &colour,
                              QuicSampleRows(cur: dst, prev: prev, 2, 1, 0), firstRow: y == 0)
            if alphaPlane {
                alpha.beginRow(y)
                decoder.decodeRow(QuicOneChannel.self, QuicPackedRows.self, QuicBits8.self, &alpha,
                                  QuicSampleRows(cur: dst, prev: prev, 3, 0, 0), firstRow: y == 0)
            }
            done(y + 1)
            try decoder.checkRow(y)
        }
    }
}

/// Where the decoder puts samples: planar rows (the group's own buffers, channel c at
/// `offset(c) + i`) or the output's 4-byte pixels (channel c at `offset(c) + 4 * i`).
@usableFromInline protocol QuicRowLayout { static var pixelStride: Int { get } }
@usableFromInline enum QuicPlanarRows: QuicRowLayout { @inlinable static var pixelStride: Int { 1 } }
@usableFromInline enum QuicPackedRows: QuicRowLayout { @inlinable static var pixelStride: Int { 4 } }

/// Bits per sample as a type, so the sample mask is a constant in the loops (8 for every format
/// but RGB16's 5).
@usableFromInline protocol QuicSampleBits { static var mask: Int { get } }
@usableFromInline enum QuicBits8: QuicSampleBits { @inlinable static var mask: Int { 0xFF } }
@usableFromInline enum QuicBits5: QuicSampleBits { @inlinable static var mask: Int { 0x1F } }

/// The current and previous row of a group and where each of its channels starts in them.
@usableFromInline struct QuicSampleRows {
    @usableFromInline let cur: UnsafeMutablePointer<UInt8>
    @usableFromInline let prev: UnsafeMutablePointer<UInt8>
    @usableFromInline let offset0: Int
    @usableFromInline let offset1: Int
    @usableFromInline let offset2: Int

    @inlinable init(cur: UnsafeMutablePointer<UInt8>, prev: UnsafeMutablePointer<UInt8>, _ o0: Int, _ o1: Int, _ o2: Int) {
        self.cur = cur
        self.prev = prev
        offset0 = o0
        offset1 = o1
        offset2 = o2
    }

    /// Three channels packed as xRGB (R, G, B at bytes 2, 1, 0 of 4-byte pixels): whole pixels
    /// can be compared and stored as 32-bit words.
    @inlinable @inline(__always) func isXRGB<C: QuicChannelCount, L: QuicRowLayout>(_: C.Type, _: L.Type) -> Bool {
        C.n == 3 && L.pixelStride == 4 && offset0 == 2 && offset1 == 1 && offset2 == 0
    }
}

/// Each channel's residual of the pixel before the one being decoded: what picks its code
/// parameter. Loaded from the correlate row where a segment starts or a run ends (run pixels
/// leave their entries as they were), then carried from sample to sample.
@usableFromInline struct QuicContexts {
    @usableFromInline var c0: Int
    @usableFromInline var c1: Int
    @usableFromInline var c2: Int

    @inlinable @inline(__always) init(_ v: QuicRowView, _ channels: Int, at i: Int) {
        c0 = Int(v.corr[i])
        c1 = channels > 1 ? Int(v.corr[(v.width &+ 1) &+ i]) : 0
        c2 = channels > 2 ? Int(v.corr[2 &* (v.width &+ 1) &+ i]) : 0
    }
}

/// The decoding loops (quic_tmpl.c's uncompress_row / uncompress_row_seg, for 1 or 3 channels).
@usableFromInline struct QuicDecoderCore {
    @usableFromInline var reader: QuicBitReader
    /// A run longer than the rest of its segment was seen (the run was clipped).
    @usableFromInline var badRun = false

    @inlinable init(reader: QuicBitReader) { self.reader = reader }

    /// After row y: throws if the stream ran out or a run overshot its row.
    @usableFromInline func checkRow(_ y: Int) throws {
        if reader.overrun {
            throw CodecError(Quic.codecName, "stream truncated in row \(y)")
        }
        if badRun {
            throw CodecError(Quic.codecName, "run length past the row end in row \(y)")
        }
    }

    @inlinable @inline(__always)
    mutating func decodeRow<C: QuicChannelCount, L: QuicRowLayout, B: QuicSampleBits>(_ t: C.Type, _ l: L.Type, _ b: B.Type,
                                                                                   _ g: inout QuicChannelGroup,
                                                                   _ rows: QuicSampleRows, firstRow: Bool) {
        g.forEachSegment { group, start, end in
            if firstRow {
                decodeSegment(t, l, b, &group, rows, start, end, firstRow: true)
            } else {
                decodeSegment(t, l, b, &group, rows, start, end, firstRow: false)
            }
        }
    }

    /// Decodes channel c (samples at `offset + i * stride`) of pixel i and returns the sample
    /// (the caller stores it). `ctx` is the channel's residual of pixel i-1 (its correlate
    /// entry, carried in a register: reloading it from the entry just stored would put a store
    /// and a load on the loop's critical path); it becomes pixel i's.
    @inlinable @inline(__always)
    static func decodeSample<L: QuicRowLayout, B: QuicSampleBits>(_: L.Type, _: B.Type, _ g: QuicRowView, _ rows: QuicSampleRows, _ c: Int,
                                               _ offset: Int, _ i: Int, firstRow: Bool, _ ctx: inout Int,
                                               _ reader: inout QuicBitReader) -> Int {
        let t = g.family.decode
        let corr = g.corr + c &* (g.width &+ 1)
        let l = Int(g.codeOfContext[c &* 256 &+ ctx]) & 7
        let record = l &<< 4
        let bits = reader.word
        let value: Int
        let length: Int
        if bits > t.load(fromByteOffset: record, as: UInt32.self) {
            // Golomb-Rice: zeros, a one, l bits. The code read as a number is (1 << l) + suffix,
            // so the value (zeros << l | suffix) is that plus (zeros - 1) << l: no suffix mask.
            let zeros = bits.leadingZeroBitCount
            length = zeros &+ 1 &+ l
            value = Int(bits &>> UInt32(truncatingIfNeeded: 32 &- length)) &+ ((zeros &- 1) &<< l)
        } else {
            // Escape: the prefix of zeros, then the value minus nGR in a fixed-length suffix.
            length = Int(t.load(fromByteOffset: record &+ 12, as: UInt32.self))
            value = Int(t.load(fromByteOffset: record &+ 4, as: UInt32.self))
                &+ Int((bits &>> UInt32(truncatingIfNeeded: 32 &- length)) & t.load(fromByteOffset: record &+ 8, as: UInt32.self))
        }
        reader.eat(length)
        let residual = value & B.mask
        corr[i &+ 1] = UInt8(truncatingIfNeeded: residual)
        ctx = residual
        let s = L.pixelStride
        let cur = rows.cur + offset
        let pred: Int
        if i == 0 {
            pred = firstRow ? 0 : Int(rows.prev[offset])
        } else if firstRow {
            pred = Int(cur[(i &- 1) &* s])
        } else {
            pred = (Int(cur[(i &- 1) &* s]) &+ Int(rows.prev[offset &+ i &* s])) &>> 1
        }
        return (Int(t.load(fromByteOffset: QuicFamily.decodeL2U &+ residual, as: UInt8.self)) &+ pred) & B.mask
    }

    /// Decodes every channel of pixel i of the current row.
    @inlinable @inline(__always)
    static func decodePixel<C: QuicChannelCount, L: QuicRowLayout, B: QuicSampleBits>(_: C.Type, _ l: L.Type, _ b: B.Type,
                                                                                      _ g: QuicRowView,
                                                                   _ rows: QuicSampleRows, _ i: Int, firstRow: Bool,
                                                                   _ ctx: inout QuicContexts, _ reader: inout QuicBitReader) {
        let s = L.pixelStride
        let v0 = decodeSample(l, b, g, rows, 0, rows.offset0, i, firstRow: firstRow, &ctx.c0, &reader)
        if C.n == 1 {
            rows.cur[rows.offset0 &+ i &* s] = UInt8(truncatingIfNeeded: v0)
            return
        }
        let v1 = decodeSample(l, b, g, rows, 1, rows.offset1, i, firstRow: firstRow, &ctx.c1, &reader)
        let v2 = decodeSample(l, b, g, rows, 2, rows.offset2, i, firstRow: firstRow, &ctx.c2, &reader)
        if rows.isXRGB(C.self, L.self) {
            // xRGB as one store: the 4th byte 0 (the alpha pass, if any, writes it afterwards).
            UnsafeMutableRawPointer(rows.cur).storeBytesLE32(UInt32(truncatingIfNeeded: v0 &<< 16 | v1 &<< 8 | v2), at: i &<< 2)
        } else {
            rows.cur[rows.offset0 &+ i &* s] = UInt8(truncatingIfNeeded: v0)
            rows.cur[rows.offset1 &+ i &* s] = UInt8(truncatingIfNeeded: v1)
            rows.cur[rows.offset2 &+ i &* s] = UInt8(truncatingIfNeeded: v2)
        }
    }

    /// Pixels a and b of a row are equal in every channel of the group.
    @inlinable @inline(__always)
    static func samePixel<C: QuicChannelCount, L: QuicRowLayout>(_: C.Type, _: L.Type, _ rows: QuicSampleRows,
                                                                 _ row: UnsafeMutablePointer<UInt8>, _ a: Int, _ b: Int) -> Bool {
        let s = L.pixelStride
        if rows.isXRGB(C.self, L.self) {
            let p = UnsafeRawPointer(row)
            return (p.bytesLE32(at: a &<< 2) ^ p.bytesLE32(at: b &<< 2)) & 0xFF_FFFF == 0
        }
        let o0 = rows.offset0
        if C.n == 1 { return row[o0 &+ a &* s] == row[o0 &+ b &* s] }
        let o1 = rows.offset1, o2 = rows.offset2
        return row[o0 &+ a &* s] == row[o0 &+ b &* s] && row[o1 &+ a &* s] == row[o1 &+ b &* s]
            && row[o2 &+ a &* s] == row[o2 &+ b &* s]
    }

    /// RLE_PRED_IMP: try a run before pixel i (rows > 0 only).
    @inlinable @inline(__always)
    static func runPredicted<C: QuicChannelCount, L: QuicRowLayout>(_ t: C.Type, _ l: L.Type, _ rows: QuicSampleRows,
                                                                    at i: Int, runIndex: Int) -> Bool {
        samePixel(t, l, rows, rows.prev, i &- 1, i) && runIndex != i && i > 2
            && samePixel(t, l, rows, rows.cur, i &- 1, i &- 2)
    }

    /// Run pixels copy the pixel before; their correlate entries stay untouched.
    @inlinable @inline(__always)
    static func fillRun<C: QuicChannelCount, L: QuicRowLayout>(_: C.Type, _: L.Type, _ rows: QuicSampleRows,
                                                               at i: Int, count: Int) {
        let s = L.pixelStride
        if C.n == 3 && s == 4 {
            // The whole 4-byte pixel (its 4th byte is 0 here, or an alpha the alpha pass rewrites).
            let p = UnsafeMutableRawPointer(rows.cur)
            let value = UnsafeRawPointer(p).bytesLE32(at: (i &- 1) &<< 2)
            var k = 0
            while k < count {
                p.storeBytesLE32(value, at: (i &+ k) &<< 2)
                k &+= 1
            }
            return
        }
        for c in 0..<C.n {
            let row = rows.cur + (c == 0 ? rows.offset0 : c == 1 ? rows.offset1 : rows.offset2)
            let value = row[(i &- 1) &* s]
            if s == 1 {
                (row + i).update(repeating: value, count: count)
            } else {
                var k = 0
                while k < count {
                    row[(i &+ k) &* s] = value
                    k &+= 1
                }
            }
        }
    }

    @inlinable @inline(__always)
    mutating func decodeSegment<C: QuicChannelCount, L: QuicRowLayout, B: QuicSampleBits>(_ t: C.Type, _ lt: L.Type, _ b: B.Type,
                                                                                          _ g: inout QuicChannelGroup,
                                                                       _ rows: QuicSampleRows,
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
        var ctx = QuicContexts(v, C.n, at: i)
        var stopidx: Int
        if i == 0 {
            Self.decodePixel(t, lt, b, v, rows, 0, firstRow: firstRow, &ctx, &input)
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
                        if !firstRow && Self.runPredicted(t, lt, rows, at: i, runIndex: runIndex) {
                            run = true
                            break scan
                        }
                        Self.decodePixel(t, lt, b, v, rows, i, firstRow: firstRow, &ctx, &input)
                        i &+= 1
                    }
                    v.updateModel(t, at: stopidx, trigger: trigger)
                    stopidx = i &+ (st.tabrand(chaos) & waitMask)
                } else {
                    while i < end {
                        if !firstRow && Self.runPredicted(t, lt, rows, at: i, runIndex: runIndex) {
                            run = true
                            break scan
                        }
                        Self.decodePixel(t, lt, b, v, rows, i, firstRow: firstRow, &ctx, &input)
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
            Self.fillRun(t, lt, rows, at: i, count: runLength)
            i &+= runLength
            if i == end { return }
            ctx = QuicContexts(v, C.n, at: i)
            stopidx = i &+ st.waitcnt
        }
    }

    /// MELCODE run length. Stops early (returning more than `limit`) once the run is known to be
    /// too long, so a stream of ones cannot make it spin.
    @inlinable
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
