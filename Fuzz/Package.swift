// swift-tools-version:6.0
// The protocol fuzzer: SpiceProtocol needs NIOCore, so it is built by SwiftPM with
// `swift build --sanitize=fuzzer --sanitize=address` (scripts/fuzz.sh does this). The codec
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
            ],
            path: ".",
            sources: ["Entry.swift", "Targets/Protocol.swift", "Targets/ProtocolMain.swift", "Seeds/ProtocolSeeds.swift"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
