import Testing
@testable import SpiceServer

/// The pixmap cache keys images by PixelHash: equal content must give equal keys and any change
/// (a byte anywhere, in every lane and in the tail, or the image's shape) a different one.
@Suite struct PixelHashTests {
    private func hash(_ bytes: [UInt8], _ width: Int, _ height: Int) -> UInt64 {
        bytes.withUnsafeBytes { PixelHash.hash($0, width: width, height: height) }
    }

    private func pattern(_ count: Int) -> [UInt8] {
        var x: UInt32 = 0x1234_5678
        return (0..<count).map { _ in
            x = x &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: x >> 24)
        }
    }

    @Test(arguments: [0, 1, 7, 8, 31, 32, 33, 40, 63, 64, 100, 4 * 37 * 5])
    func oneChangedByteAnywhereChangesTheHash(count: Int) {
        let base = pattern(count)
        let h = hash(base, count, 1)
        #expect(hash(base, count, 1) == h)
        var seen: Set<UInt64> = [h]
        for i in 0..<count {
            var changed = base
            changed[i] ^= 0x01
            let hc = hash(changed, count, 1)
            #expect(hc != h, "byte \(i) of \(count)")
            seen.insert(hc)
        }
        // Single-bit changes at different places do not collide with each other either.
        #expect(seen.count == count + 1)
    }

    @Test func theShapeIsPartOfTheKey() {
        let bytes = pattern(4 * 64)
        #expect(hash(bytes, 16, 4) != hash(bytes, 8, 8))
        #expect(hash(bytes, 16, 4) != hash(bytes, 4, 16))
    }

    @Test func swappedStripesDiffer() {
        // The four lanes are combined in order: swapping two 8-byte words of a stripe, or two
        // whole stripes, must change the hash.
        let a = pattern(64)
        var lanes = a
        lanes.replaceSubrange(0..<8, with: a[8..<16])
        lanes.replaceSubrange(8..<16, with: a[0..<8])
        var stripes = a
        stripes.replaceSubrange(0..<32, with: a[32..<64])
        stripes.replaceSubrange(32..<64, with: a[0..<32])
        #expect(hash(lanes, 16, 1) != hash(a, 16, 1))
        #expect(hash(stripes, 16, 1) != hash(a, 16, 1))
    }
}
