// Fuzz targets for SpiceCodecs' decoders. Compiled into the same module as SpiceCodecs'
// sources, so internal API is reachable. Every target bounds decoded sizes (16 Kpixel, 256 KiB) so the
// fuzzer measures bugs, not allocation limits.

let fuzzMaxPixels = 1 << 14

let codecFuzzTargets: [String: (UnsafeBufferPointer<UInt8>) -> Void] = [
    "quic": { data in
        _ = try? Quic.decode(Array(data), maxPixels: fuzzMaxPixels)
    },
    "lz": { data in
        let bytes = Array(data)
        let palette: [UInt32] = [0x000000, 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF]
        _ = try? LZ.decode(bytes, maxPixels: fuzzMaxPixels)
        _ = try? LZ.decodeToRGB32(bytes, palette: palette, maxPixels: fuzzMaxPixels)
        _ = try? LZ.decodeToRGB32(bytes, palette: nil, maxPixels: fuzzMaxPixels)
    },
    "glz": { data in
        // The whole input as one image, then split at a point chosen by the last byte into two
        // images fed to one window (so the second may reference the first).
        let bytes = Array(data)
        let window = GLZDecoderWindow(maxRetainedPixels: 1 << 15)
        _ = try? window.decode(bytes, maxPixels: fuzzMaxPixels)
        guard bytes.count > 2 else { return }
        let split = 1 + Int(bytes[bytes.count - 1]) * (bytes.count - 2) / 255
        let second = GLZDecoderWindow(maxRetainedPixels: 1 << 15)
        _ = try? second.decode(Array(bytes[..<split]), maxPixels: fuzzMaxPixels)
        _ = try? second.decode(Array(bytes[split..<(bytes.count - 1)]), maxPixels: fuzzMaxPixels)
        _ = try? second.decode(Array(bytes[..<split]), maxPixels: fuzzMaxPixels)
    },
    "lz4": { data in
        // Bytes 0-1: width-1, bytes 2-3: height-1 (little-endian, at most 1024 each); then the payload.
        guard data.count >= 4 else { return }
        let width = (Int(data[0]) | Int(data[1]) << 8) % 1024 + 1
        let height = (Int(data[2]) | Int(data[3]) << 8) % 1024 + 1
        _ = try? SpiceLZ4.decode(Array(data[4...]), width: width, height: height, maxPixels: fuzzMaxPixels)
    },
    "jpeg": { data in
        _ = try? SpiceJPEG.decode(Array(data), maxPixels: fuzzMaxPixels)
    },
    "zlib": { data in
        // Bytes 0-2: expected inflated size (little-endian, at most 256 KiB); then the stream.
        guard data.count >= 3 else { return }
        let expected = (Int(data[0]) | Int(data[1]) << 8 | Int(data[2]) << 16) & ((1 << 18) - 1)
        _ = try? SpiceZlib.decompress(Array(data[3...]), expectedSize: expected, maxSize: 1 << 18)
    },
]
