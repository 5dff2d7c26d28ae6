/// QUIC's output: 32-bit words stored little-endian, each filled from its most significant bit.
/// The owner must call `deallocate()` (or `finish()`, which returns the bytes and frees).
/// `put` does not check the capacity: callers `reserve` room for what they are about to write
/// (the encoder does once per row, from a bound on a row's bits).
struct QuicBitWriter {
    private var words: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    private(set) var count = 0
    /// Pending bits in the low `pending` bits of `acc` (fewer than 32 between calls; the bits
    /// above them are stale and never read).
    private var acc: UInt64 = 0
    private var pending = 0

    init(capacityWords: Int) {
        capacity = max(capacityWords, 16)
        words = .allocate(capacity: capacity)
    }

    func deallocate() { words.deallocate() }

    /// Makes room for `n` more words (plus the one `put` may write ahead).
    @inline(__always) mutating func reserve(words n: Int) {
        if count &+ n &+ 1 > capacity { grow(to: count + n + 1) }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(capacity * 2, needed)
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: words, count: count)
        words.deallocate()
        words = bigger
        capacity = newCapacity
    }

    /// Appends the low `length` bits of `value` (1...32 bits; higher bits of value must be 0).
    /// Branch-free: the word at `count` is always written (the top 32 of the pending bits, junk
    /// while fewer than 32 are pending) and `count` advances only when it is complete.
    @inline(__always) mutating func put(_ value: UInt32, _ length: Int) {
        acc = (acc &<< UInt64(truncatingIfNeeded: length)) | UInt64(value)
        pending &+= length
        words[count] = UInt32(truncatingIfNeeded: acc &>> UInt64(truncatingIfNeeded: pending &- 32)).littleEndian
        let full = pending &>> 5
        count &+= full
        pending &-= full &<< 5
    }

    /// `n` one bits (MELCODE hits).
    mutating func putOnes(_ n: Int) {
        var n = n
        while n >= 32 {
            put(0xFFFF_FFFF, 32)
            n -= 32
        }
        if n > 0 { put((UInt32(1) << UInt32(n)) - 1, n) }
    }

    /// quic.c's flush: zero-pad the current word, then one more zero word (the decoder reads a
    /// word ahead). Returns the stream bytes and frees the buffer.
    mutating func finish() -> [UInt8] {
        reserve(words: 2)
        if pending > 0 { put(0, 32 - pending) }
        put(0, 32)
        let n = count
        let out = [UInt8](unsafeUninitializedCapacity: n * 4) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(
                from: UnsafeRawBufferPointer(start: words, count: n * 4))
            initialized = n * 4
        }
        words.deallocate()
        return out
    }
}
