/// Reads QUIC's 32-bit little-endian words most significant bit first. `word` is always the next
/// 32 bits (quic.c's io_word). Running past the input supplies zero bits and sets `overrun`;
/// callers check it at row boundaries (a valid stream never overruns: the encoder appends a
/// zero word for exactly this look-ahead). Inlinable, like the decoder's loops (see QuicDecoder.swift).
@usableFromInline struct QuicBitReader {
    @usableFromInline let input: UnsafeRawPointer
    @usableFromInline let wordCount: Int
    @usableFromInline var next: Int
    /// Loaded bits, left-aligned; `loaded` ≥ 32 between calls.
    @usableFromInline var buffer: UInt64
    @usableFromInline var loaded: Int
    @usableFromInline var overrun = false

    /// Reads the `wordCount` words at `input`, starting at word index `start` (after the header).
    @usableFromInline init(_ input: UnsafeRawPointer, wordCount: Int, startWord start: Int) {
        self.input = input
        self.wordCount = wordCount
        next = start
        buffer = 0
        loaded = 0
        buffer = UInt64(readWord()) << 32
        loaded = 32
    }

    @inlinable @inline(__always) mutating func readWord() -> UInt32 {
        guard next < wordCount else {
            overrun = true
            return 0
        }
        let w = input.bytesLE32(at: next &* 4)
        next &+= 1
        return w
    }

    /// The next 32 bits.
    @inlinable @inline(__always) var word: UInt32 { UInt32(truncatingIfNeeded: buffer &>> 32) }

    /// Consumes `length` bits (0...32).
    @inlinable @inline(__always) mutating func eat(_ length: Int) {
        buffer = buffer &<< UInt64(length)
        loaded &-= length
        if loaded < 32 {
            buffer |= UInt64(readWord()) &<< UInt64(32 &- loaded)
            loaded &+= 32
        }
    }

    /// Words consumed so far (including the look-ahead word).
    var wordsRead: Int { next }
}
