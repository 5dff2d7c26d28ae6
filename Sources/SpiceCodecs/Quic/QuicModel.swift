/// QUIC's adaptive model: the update schedule and run-length coder state shared by the channels
/// of one group, and per channel the buckets (code-length counters + best code) and the
/// correlate row (mapped residuals of the current row, with the "-1" slot in front).

/// quic.c's CommonState: the "wait mask" update schedule and the MELCODE run-length state.
/// RGB, RGB16, RGB24 and RGB32 code r, g, b with one shared state; GRAY and the RGBA alpha
/// plane each have their own.
@usableFromInline struct QuicScheduleState {
    @usableFromInline var waitcnt = 0
    @usableFromInline var seed: UInt32 = 0xFF
    @usableFromInline var wmidx = 0
    @usableFromInline var wmileft = QuicConst.waitMaskIndexNext
    @usableFromInline var wmTrigger: UInt32 = QuicConst.waitMaskTrigger[0]
    @usableFromInline var melcState = 0
    @usableFromInline var melcLen = 0
    @usableFromInline var melcOrder = 1

    init() {}

    @inlinable @inline(__always) mutating func tabrand(_ chaos: UnsafePointer<UInt32>) -> Int {
        seed = seed &+ 1
        return Int(chaos[Int(seed & 0xFF)])
    }

    @inlinable @inline(__always) var waitMask: Int { (1 << wmidx) - 1 }

    @usableFromInline mutating func advanceWaitMask() {
        wmidx += 1
        wmTrigger = QuicConst.waitMaskTrigger[min(wmidx, 10)]
        wmileft = QuicConst.waitMaskIndexNext
    }

    @inlinable @inline(__always) mutating func melcUp() {
        if melcState < QuicConst.melcStates - 1 {
            melcState += 1
            melcLen = QuicConst.melcJ(melcState)
            melcOrder = 1 << melcLen
        }
    }

    @inlinable @inline(__always) mutating func melcDown() {
        if melcState > 0 {
            melcState -= 1
            melcLen = QuicConst.melcJ(melcState)
            melcOrder = 1 << melcLen
        }
    }
}

/// How many channels a group codes per pixel, as a type so the row coders specialise.
@usableFromInline protocol QuicChannelCount { static var n: Int { get } }
@usableFromInline enum QuicOneChannel: QuicChannelCount { @inlinable static var n: Int { 1 } }
@usableFromInline enum QuicThreeChannels: QuicChannelCount { @inlinable static var n: Int { 3 } }

/// One group of channels coded together (RGB, or one GRAY / alpha channel): its schedule state,
/// model and row buffers. Rows are planar: channel c of the current row is `cur[c * width ..<]`.
/// The owner must call `deallocate()`.
@usableFromInline struct QuicChannelGroup {
    let channels: Int
    @usableFromInline let width: Int
    @usableFromInline let family: QuicFamily
    @usableFromInline var state = QuicScheduleState()
    /// Current and previous row, `channels * width` samples each.
    @usableFromInline var cur: UnsafeMutablePointer<UInt8>
    @usableFromInline var prev: UnsafeMutablePointer<UInt8>
    /// Per channel `width + 1` mapped residuals; pixel i at `c * (width + 1) + i + 1`, slot 0 = "-1".
    @usableFromInline let corr: UnsafeMutablePointer<UInt8>
    /// Per channel and bucket 8 counters at `((c * 8) + bucket) * 8 + l`.
    @usableFromInline let counters: UnsafeMutablePointer<UInt32>
    /// Per channel and bucket the best code parameter at `c * 8 + bucket`.
    @usableFromInline let bestcode: UnsafeMutablePointer<UInt8>
    /// The same per channel and context value, at `c * 256 + context`: the decoder's sample loop
    /// finds a parameter with one load instead of two dependent ones (context → bucket → code),
    /// which is on its critical path. Kept by `updateModel` (a bucket's best code rarely changes).
    @usableFromInline let codeOfContext: UnsafeMutablePointer<UInt8>
    /// Encoder only (empty for the decoder; see QuicEncoderCore.prepareRow). The encoder reads
    /// pixels as 4 bytes each (B, G, R, X/A: the source rows themselves for RGB32 and RGBA, a
    /// conversion in `pixelRow`/`prevPixelRow` for the other formats); `residual` holds the
    /// current row's mapped residuals in the same 4-byte layout; `sameLeft` is 1 where a pixel
    /// equals its left neighbour in every coded channel (current and previous row), and
    /// `runAllowed` 1 where RLE_PRED_IMP allows a run.
    let residual: UnsafeMutablePointer<UInt8>
    var sameLeft: UnsafeMutablePointer<UInt8>
    var prevSameLeft: UnsafeMutablePointer<UInt8>
    let runAllowed: UnsafeMutablePointer<UInt8>
    var pixelRow: UnsafeMutablePointer<UInt8>
    var prevPixelRow: UnsafeMutablePointer<UInt8>

    @usableFromInline init(channels: Int, width: Int, bitsPerChannel: Int, forEncoder: Bool = false) {
        self.channels = channels
        self.width = width
        family = QuicFamily.forBitsPerChannel(bitsPerChannel)
        cur = .allocate(capacity: channels * width)
        cur.initialize(repeating: 0, count: channels * width)
        prev = .allocate(capacity: channels * width)
        prev.initialize(repeating: 0, count: channels * width)
        corr = .allocate(capacity: channels * (width + 1))
        corr.initialize(repeating: 0, count: channels * (width + 1))
        let nCounters = channels * QuicConst.bucketsPerChannel * QuicConst.countersPerBucket
        counters = .allocate(capacity: nCounters)
        counters.initialize(repeating: 0, count: nCounters)
        bestcode = .allocate(capacity: channels * QuicConst.bucketsPerChannel)
        bestcode.initialize(repeating: UInt8(bitsPerChannel - 1), count: channels * QuicConst.bucketsPerChannel)
        codeOfContext = .allocate(capacity: channels * 256)
        codeOfContext.initialize(repeating: UInt8(bitsPerChannel - 1), count: channels * 256)
        func buffer(_ n: Int) -> UnsafeMutablePointer<UInt8> {
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: forEncoder ? n : 0)
            p.initialize(repeating: 0, count: forEncoder ? n : 0)
            return p
        }
        residual = buffer(4 * width)
        sameLeft = buffer(width)
        prevSameLeft = buffer(width)
        runAllowed = buffer(width)
        pixelRow = buffer(4 * width)
        prevPixelRow = buffer(4 * width)
    }

    @usableFromInline func deallocate() {
        cur.deallocate()
        prev.deallocate()
        corr.deallocate()
        counters.deallocate()
        bestcode.deallocate()
        codeOfContext.deallocate()
        residual.deallocate()
        sameLeft.deallocate()
        prevSameLeft.deallocate()
        runAllowed.deallocate()
        pixelRow.deallocate()
        prevPixelRow.deallocate()
    }

    /// Before each row: the "-1" context is pixel 0's residual of the previous row (0 on row 0).
    @usableFromInline mutating func beginRow(_ row: Int) {
        if row > 0 {
            swap(&cur, &prev)
            swap(&sameLeft, &prevSameLeft)
            swap(&pixelRow, &prevPixelRow)
        }
        for c in 0..<channels {
            let base = corr + c * (width + 1)
            base[0] = row == 0 ? 0 : base[1]
        }
    }

    /// The row buffers and model as plain values, for the hot loops: locals the optimiser can
    /// keep in registers (stores through the pointers cannot alias them).
    @inlinable @inline(__always) var view: QuicRowView {
        QuicRowView(cur: cur, prev: prev, corr: corr, counters: counters, bestcode: bestcode, codeOfContext: codeOfContext,
                    width: width, family: family)
    }

    /// Splits a row at the points where the wait mask index advances (every 2048 coded pixels,
    /// up to index 6) and calls `segment(start, end, waitMask)` for each piece.
    @inlinable @inline(__always) mutating func forEachSegment(_ segment: (inout QuicChannelGroup, Int, Int) -> Void) {
        var remaining = width
        var pos = 0
        while state.wmidx < QuicConst.waitMaskIndexMax && state.wmileft <= remaining {
            if state.wmileft > 0 {
                let len = state.wmileft
                segment(&self, pos, pos + len)
                remaining -= len
                pos += len
            }
            state.advanceWaitMask()
        }
        if remaining > 0 {
            segment(&self, pos, pos + remaining)
            if state.wmidx < QuicConst.waitMaskIndexMax { state.wmileft -= remaining }
        }
    }
}

/// A group's buffers for one segment (see `QuicChannelGroup.view`).
@usableFromInline struct QuicRowView {
    @usableFromInline let cur: UnsafeMutablePointer<UInt8>
    @usableFromInline let prev: UnsafeMutablePointer<UInt8>
    @usableFromInline let corr: UnsafeMutablePointer<UInt8>
    @usableFromInline let counters: UnsafeMutablePointer<UInt32>
    @usableFromInline let bestcode: UnsafeMutablePointer<UInt8>
    @usableFromInline let codeOfContext: UnsafeMutablePointer<UInt8>
    @usableFromInline let width: Int
    @usableFromInline let family: QuicFamily

    @inlinable init(cur: UnsafeMutablePointer<UInt8>, prev: UnsafeMutablePointer<UInt8>, corr: UnsafeMutablePointer<UInt8>,
                    counters: UnsafeMutablePointer<UInt32>, bestcode: UnsafeMutablePointer<UInt8>,
                    codeOfContext: UnsafeMutablePointer<UInt8>, width: Int, family: QuicFamily) {
        self.cur = cur
        self.prev = prev
        self.corr = corr
        self.counters = counters
        self.bestcode = bestcode
        self.codeOfContext = codeOfContext
        self.width = width
        self.family = family
    }

    /// update_model for every channel at pixel `i`: counters of the bucket chosen by the residual
    /// of pixel i-1 grow by the code length of pixel i's residual under each parameter; the
    /// smallest wins (ties keep the larger parameter); counters halve past the trigger.
    @inlinable @inline(__always) func updateModel<C: QuicChannelCount>(_: C.Type, at i: Int, trigger: UInt32) {
        let bpc = family.bpc
        for c in 0..<C.n {
            let row = corr + c &* (width &+ 1)
            let ctx = Int(row[i]) & family.mask
            let value = Int(row[i &+ 1]) & family.mask
            let b = Int(family.bucketOf[ctx])
            let bucket = c &* 8 &+ b
            let counter = counters + bucket &* 8
            let lengths = family.codeLength + value &<< 3
            var best = bpc - 1
            var bestLength = counter[best] &+ lengths[best]
            counter[best] = bestLength
            var l = bpc - 2
            while l >= 0 {
                let length = counter[l] &+ lengths[l]
                counter[l] = length
                if length < bestLength {
                    best = l
                    bestLength = length
                }
                l -= 1
            }
            if Int(bestcode[bucket]) != best {
                bestcode[bucket] = UInt8(truncatingIfNeeded: best)
                let first = c &* 256 &+ Int(family.bucketStart[b])
                (codeOfContext + first).update(repeating: UInt8(truncatingIfNeeded: best), count: Int(family.bucketSize[b]))
            }
            if bestLength > trigger {
                for k in 0..<bpc { counter[k] >>= 1 }
            }
        }
    }
}
