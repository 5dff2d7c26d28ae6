import CCPUFeatures

/// Which code decodes 32-bit QUIC images into rows (`Quic.decode(_:_:into:stride:)`): chosen
/// once, at run time, by whoever builds a client. QUIC decoding is most of a client's CPU on
/// photographic content, and this module is compiled for baseline x86-64; SpiceCodecsX86v3 has
/// the same code compiled for x86-64-v3 (BMI2, LZCNT: about 14% faster on the full-frame band).
/// A plain value, so the choice travels in a configuration instead of a global.
public struct QuicRowDecoder: Sendable {
    public typealias Body = @Sendable (UnsafeRawBufferPointer, Quic.Header, UnsafeMutableRawPointer, Int) throws -> Void
    /// What the code was compiled for ("x86-64", "x86-64-v3"), for logs and benchmarks.
    public let name: String
    private let body: Body

    public init(name: String, _ body: @escaping Body) {
        self.name = name
        self.body = body
    }

    /// Decodes an RGB32 or RGBA stream into `header.height` rows of 4-byte pixels, `stride` bytes apart.
    public func decode(_ raw: UnsafeRawBufferPointer, _ header: Quic.Header, into rows: UnsafeMutableRawPointer,
                       stride: Int) throws {
        try body(raw, header, rows, stride)
    }

    /// This module's own code (runs on every CPU).
    public static let portable = QuicRowDecoder(name: "x86-64") { raw, header, rows, stride in
        try Quic.decode(raw, header, into: rows, stride: stride)
    }

    /// `x86v3` (SpiceCodecsX86v3's `QuicX86v3.decode`) where this CPU runs x86-64-v3 code, else `portable`.
    public static func fastest(x86v3: @escaping Body) -> QuicRowDecoder {
        CPULevel.hasX86_64v3 ? QuicRowDecoder(name: "x86-64-v3", x86v3) : .portable
    }
}

/// Instruction-set levels of the CPU running us, checked with cpuid in code compiled for the
/// baseline (so the check itself runs anywhere).
public enum CPULevel {
    /// x86-64-v3 (Intel Haswell, AMD Excavator/Zen and later) with the OS saving AVX state.
    public static let hasX86_64v3: Bool = saffron_cpu_has_x86_64_v3() != 0
}
