import SpiceCodecs

/// The QUIC decoder compiled for x86-64-v3: Package.swift builds this module alone with
/// `-target-cpu haswell`, so the @inlinable decoder loops of SpiceCodecs inlined here use
/// BMI2's flag-free shifts and bit masks and LZCNT. Nothing else lives here: every function of
/// this module may contain such instructions, so only call it where `CPULevel.hasX86_64v3` holds:
/// pass `QuicX86v3.decode` to `QuicRowDecoder.fastest(x86v3:)`, which checks (in baseline code).
public enum QuicX86v3 {
    @inline(never)
    public static func decode(_ raw: UnsafeRawBufferPointer, _ header: Quic.Header, into rows: UnsafeMutableRawPointer,
                              stride: Int) throws {
        try Quic.decode(raw, header, into: rows, stride: stride)
    }
}
