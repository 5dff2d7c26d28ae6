// swift-tools-version:6.0
// The protocol fuzzer: SpiceProtocol needs NIOCore, so it is built by SwiftPM with
// `swift build -Xswiftc -sanitize=fuzzer,address` (scripts/fuzz.sh does this). The codec
// fuzzer is built with plain swiftc and needs no package.
import Foundation
import PackageDescription

// A path dependency's identity is its directory name, which differs between checkouts.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "SaffronFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "saffron-fuzz-protocol",
            dependencies: [
                .product(name: "SpiceProtocol", package: root),
                .product(name: "SpiceClient", package: root),
            ],
            path: ".",
            exclude: ["Corpus", "Targets/Codecs.swift", "Targets/CodecsMain.swift", "Seeds/CodecSeeds.swift"],
            sources: ["Entry.swift", "Targets/Protocol.swift", "Targets/ProtocolMain.swift", "Seeds/ProtocolSeeds.swift"]
        ),
    ],
    // Harness code with C globals (stdout, stderr) and a global target table: Swift 5 mode, like
    // the swiftc-built codec fuzzer.
    swiftLanguageModes: [.v5]
)
