// libFuzzer entry point shared by the fuzz binaries (see scripts/fuzz.sh).
// The target is chosen by SAFFRON_FUZZ_TARGET; each binary links the targets it can build and
// registers them in `fuzzTargets` (Targets/*.swift).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

nonisolated(unsafe) private var selected: ((UnsafeBufferPointer<UInt8>) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    if let dir = getenv("SAFFRON_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) {
        _exit(writeSeeds(to: dir))
    }
    let name = getenv("SAFFRON_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = fuzzTargets[name] else {
        let names = fuzzTargets.keys.sorted().joined(separator: " ")
        fputs("set SAFFRON_FUZZ_TARGET to one of: \(names)\n", stderr)
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected?(UnsafeBufferPointer(start: size == 0 ? nil : data, count: size))
    return 0
}

/// Writes `fuzzSeeds()` as DIR/<target>/seed-<n>.bin (the directories must exist or are made).
private func writeSeeds(to dir: String) -> CInt {
    for (target, inputs) in fuzzSeeds() {
        let folder = dir + "/" + target
        mkdir(folder, 0o755)
        for (n, input) in inputs.enumerated() {
            let path = folder + "/seed-\(n).bin"
            guard let file = fopen(path, "wb") else { fputs("cannot write \(path)\n", stderr); return 1 }
            _ = input.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
        print("\(target): \(inputs.count) seeds"); fflush(stdout)
    }
    return 0
}
