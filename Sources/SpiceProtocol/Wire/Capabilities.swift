/// A capability set as it travels in link messages: `u32` words, capability N = bit N%32 of word N/32.
public struct CapabilitySet: Hashable, Sendable, CustomStringConvertible {
    public private(set) var words: [UInt32]

    public init(words: [UInt32] = []) { self.words = words }

    public init(_ bits: [UInt32]) {
        self.words = []
        for bit in bits { self.insert(bit) }
    }

    public func contains(_ bit: UInt32) -> Bool {
        let word = Int(bit / 32)
        guard word < words.count else { return false }
        return words[word] & (1 << (bit % 32)) != 0
    }

    public mutating func insert(_ bit: UInt32) {
        let word = Int(bit / 32)
        while words.count <= word { words.append(0) }
        words[word] |= 1 << (bit % 32)
    }

    public var description: String { words.map { "0x" + String($0, radix: 16) }.joined(separator: ",") }
}

/// `SPICE_COMMON_CAP_*` bit numbers.
public enum CommonCapability {
    public static let protocolAuthSelection: UInt32 = 0
    public static let authSpice: UInt32 = 1
    public static let authSASL: UInt32 = 2
    public static let miniHeader: UInt32 = 3
}

/// `SPICE_MAIN_CAP_*` bit numbers.
public enum MainCapability {
    public static let semiSeamlessMigrate: UInt32 = 0
    public static let nameAndUUID: UInt32 = 1
    public static let agentConnectedTokens: UInt32 = 2
    public static let seamlessMigrate: UInt32 = 3
}

/// `SPICE_DISPLAY_CAP_*` bit numbers.
public enum DisplayCapability {
    public static let sizedStream: UInt32 = 0
    public static let monitorsConfig: UInt32 = 1
    public static let composite: UInt32 = 2
    public static let a8Surface: UInt32 = 3
    public static let streamReport: UInt32 = 4
    public static let lz4Compression: UInt32 = 5
    public static let prefCompression: UInt32 = 6
    public static let glScanout: UInt32 = 7
    public static let multiCodec: UInt32 = 8
    public static let codecMJPEG: UInt32 = 9
    public static let codecVP8: UInt32 = 10
    public static let codecH264: UInt32 = 11
    public static let prefVideoCodecType: UInt32 = 12
    public static let codecVP9: UInt32 = 13
    public static let codecH265: UInt32 = 14
}

/// `SPICE_INPUTS_CAP_*` bit numbers.
public enum InputsCapability {
    public static let keyScancode: UInt32 = 0
}
