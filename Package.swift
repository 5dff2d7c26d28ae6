// swift-tools-version:6.0
import PackageDescription

// x86-64-v3 (Haswell and later) code generation for SpiceCodecsX86v3. swiftc does not take the
// level's own name; LLVM's `haswell` is that level (its other features, AES or RDRAND, are
// never emitted unasked).
#if arch(x86_64)
let x86v3Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let x86v3Settings: [SwiftSetting] = []
#endif

let package = Package(
    name: "Saffron",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "saffron", targets: ["saffron"]),
        .executable(name: "saffron-bench", targets: ["SaffronBench"]),
        .executable(name: "saffron-codec-bench", targets: ["SaffronCodecBench"]),
        .library(name: "SpiceProtocol", targets: ["SpiceProtocol"]),
        .library(name: "SpiceServer", targets: ["SpiceServer"]),
        .library(name: "SpiceClient", targets: ["SpiceClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Pure wire types and state machines: ByteBuffer in, ByteBuffer out. No sockets, clocks or threads.
        .target(
            name: "SpiceProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // C libraries from Debian -dev packages (scripts/install-deps.sh installs them).
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Cyrus SASL for `saffron serve --sasl`.
        .systemLibrary(name: "CSASL", pkgConfig: "libsasl2", providers: [.apt(["libsasl2-dev"])]),
        // SPICE's image codecs: bytes in, bytes out. No I/O, no NIO.
        .target(name: "SpiceCodecs", dependencies: ["CLZ4", "CTurboJPEG", "CZlib", "CCPUFeatures"]),
        // cpuid for picking code by instruction-set level at run time (header only).
        .systemLibrary(name: "CCPUFeatures"),
        // SpiceCodecs' QUIC decoder compiled again for x86-64-v3; QuicRowDecoder.fastest picks it.
        // Only executables depend on it (unsafe flags would keep SpiceClient from being a dependency).
        .target(name: "SpiceCodecsX86v3", dependencies: ["SpiceCodecs"], swiftSettings: x86v3Settings),
        // What a desktop source is (framebuffer + damage, cursor, input, resize), independent of SPICE.
        .target(name: "SaffronDesktop"),
        // The built-in demo desktop.
        .target(name: "SaffronDemo", dependencies: ["SaffronDesktop"]),
        // Debian's X11 client libraries (the only C the X11 desktop source uses).
        .systemLibrary(
            name: "CX11",
            pkgConfig: "x11 xext xdamage xfixes xtst xrandr",
            providers: [.apt(["libx11-dev", "libxext-dev", "libxdamage-dev", "libxfixes-dev", "libxtst-dev", "libxrandr-dev"])]
        ),
        // X11 desktop sessions: attach to a display or run a private Xvfb. The only module that calls X.
        .target(
            name: "SaffronX11",
            dependencies: ["SaffronDesktop", "CX11", .product(name: "Logging", package: "swift-log")]
        ),
        // The SPICE server on SwiftNIO.
        .target(
            name: "SpiceServer",
            dependencies: [
                "SpiceProtocol", "SaffronDesktop", "SpiceCodecs", "CSASL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // A SPICE client on SwiftNIO (grows into the full client library).
        .target(
            name: "SpiceClient",
            dependencies: [
                "SpiceProtocol", "SpiceCodecs",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        // SDL2 for the viewer window (Debian: libsdl2-dev).
        // (No pkgConfig: sdl2.pc's -D_REENTRANT is a flag SwiftPM refuses with a warning; the
        // shim includes <SDL2/SDL.h> from the default include path instead.)
        .systemLibrary(name: "CSDL2", providers: [.apt(["libsdl2-dev"])]),
        // `saffron view`: the SpiceClient library in an SDL2 window. The only module that calls SDL.
        .target(
            name: "SaffronViewer",
            dependencies: [
                "SpiceClient", "SpiceProtocol", "SaffronDesktop", "CSDL2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "saffron",
            dependencies: [
                "SpiceServer", "SpiceProtocol", "SaffronDemo", "SaffronDesktop", "SaffronX11",
                "SpiceClient", "SpiceCodecs", "SpiceCodecsX86v3", "SaffronViewer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "SaffronBench",
            dependencies: [
                "SpiceServer", "SpiceClient", "SaffronDemo", "SaffronDesktop",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Per-codec speed and size on a corpus of real screens (Benchmarks/CodecCorpus).
        .executableTarget(name: "SaffronCodecBench", dependencies: ["SpiceCodecs", "SpiceCodecsX86v3"]),
        .testTarget(name: "SpiceProtocolTests", dependencies: ["SpiceProtocol"]),
        .testTarget(name: "SpiceClientTests", dependencies: ["SpiceClient", "SpiceProtocol", "SpiceCodecs",
                                                             .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "SpiceCodecsTests", dependencies: ["SpiceCodecs", "SpiceCodecsX86v3"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SaffronViewerTests", dependencies: ["SaffronViewer", "SpiceClient"]),
        .testTarget(name: "SaffronDesktopTests", dependencies: ["SaffronDesktop", "SaffronDemo"]),
        .testTarget(
            name: "SpiceServerTests",
            dependencies: [
                "SpiceServer", "SpiceClient", "SpiceProtocol", "SaffronDemo", "SaffronDesktop",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SaffronX11Tests",
            dependencies: [
                "SaffronX11", "SaffronDesktop", "SpiceServer", "SpiceClient", "SpiceProtocol",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "InteropTests", dependencies: ["SaffronDemo", "SaffronDesktop"], exclude: ["Resources"]),
    ],
    swiftLanguageModes: [.v6]
)
