import SpiceProtocol

/// A raster operation on whole 32-bit pixels, from a ROP descriptor the way spice-common's
/// `ropd_descriptor_to_rop` reads it: the inversion flag of the chosen source input and of the
/// chosen destination input, one of PUT/OR/AND/XOR (INVERS_RES inverts its result),
/// BLACKNESS/WHITENESS/INVERS, and a descriptor with no operation is a plain copy.
enum CanvasROP: Equatable {
    case copy, copyInverted, clear, set, invert
    /// `op(s', d')`, then inverted when `invertResult`.
    case binary(Op, invertSource: Bool, invertDest: Bool, invertResult: Bool)

    enum Op { case or, and, xor }

    /// Which message field plays the source and which the destination of the operation.
    enum Input { case source, brush, dest }

    init(_ desc: DisplayChannel.Ropd, source: Input, dest: Input) {
        func flag(_ input: Input) -> DisplayChannel.Ropd {
            switch input {
            case .source: return .inversSrc
            case .brush: return .inversBrush
            case .dest: return .inversDest
            }
        }
        let invS = desc.contains(flag(source)), invD = desc.contains(flag(dest))
        let invR = desc.contains(.inversRes)
        if desc.contains(.opPut) {
            self = invS != invR ? .copyInverted : .copy
        } else if desc.contains(.opOr) {
            self = .binary(.or, invertSource: invS, invertDest: invD, invertResult: invR)
        } else if desc.contains(.opAnd) {
            self = .binary(.and, invertSource: invS, invertDest: invD, invertResult: invR)
        } else if desc.contains(.opXor) {
            self = .binary(.xor, invertSource: invS, invertDest: invD, invertResult: invR)
        } else if desc.contains(.opBlackness) {
            self = .clear
        } else if desc.contains(.opWhiteness) {
            self = .set
        } else if desc.contains(.opInvers) {
            self = .invert
        } else {
            self = .copy
        }
    }

    @inline(__always)
    func apply(source s: UInt32, dest d: UInt32) -> UInt32 {
        switch self {
        case .copy: return s
        case .copyInverted: return ~s
        case .clear: return 0
        case .set: return 0xFFFF_FFFF
        case .invert: return ~d
        case .binary(let op, let iS, let iD, let iR):
            let a = iS ? ~s : s, b = iD ? ~d : d
            let r: UInt32
            switch op {
            case .or: r = a | b
            case .and: r = a & b
            case .xor: r = a ^ b
            }
            return iR ? ~r : r
        }
    }
}

/// The ternary raster operations (ROP3): bit `(p << 2) | (s << 1) | d` of `code` is the result
/// for pattern bit p, source bit s and destination bit d, applied to each of the 32 bits.
@inline(__always)
func rop3(_ code: UInt8, pattern p: UInt32, source s: UInt32, dest d: UInt32) -> UInt32 {
    var r: UInt32 = 0
    for i in 0..<8 where code & (1 << i) != 0 {
        r |= (i & 4 != 0 ? p : ~p) & (i & 2 != 0 ? s : ~s) & (i & 1 != 0 ? d : ~d)
    }
    return r
}
