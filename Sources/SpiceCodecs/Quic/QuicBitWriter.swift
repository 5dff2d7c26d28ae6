/// QUIC's output: 32-bit words stored little-endian, each filled from its most significant bit.
/// The owner must call `deallocate()` (or `finish()`, which returns the bytes and frees).
struct QuicBitWriter {
    private var words: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    private(set) var count = 0
    /// Pending bits in the low `pending` bits of `acc` (fewer than 32 between calls).
    private var acc: UInt64 = 0
    private var pending = 0

    init(capacityWords: Int) {
        capacity = max(capacityWords, 16)
        words = .allocate(capacity: capacity)
    }

    func deallocate() { words.deallocate() }

    @inline(__always) private mutating func emit(_ word: UInt32) {
        if count == capacity { grow() }
        words[count] = word.littleEndian
        count &+= 1
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: words, count: count)
        words.deallocate()
        words = bigger
        capacity *= 2
    }

    /// Appends the low `length` bits of `value` (1...32 bits; higher bits of value must be 0).
    @inline(__always) mutating func put(_ value: UInt32, _ length: Int) {
        acc = (acc &<< UInt64(length)) | UInt64(value)
        pending &+= length
        if pending >= 32 {
            pending &-= 32
            emit(UInt32(truncatingIfNeeded: acc &>> UInt64(pending)))
        }
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
        if pending > 0 { put(0, 32 - pending) }
        emit(0)
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
