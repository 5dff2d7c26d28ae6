import ArgumentParser
import Foundation
import SpiceClient
import SpiceCodecs
import SpiceCodecsX86v3
import SpiceProtocol

/// Where and how to connect, shared by `saffron shot` and `saffron view`.
struct ConnectionOptions: ParsableArguments {
    @Argument(help: "spice://HOST:PORT, spice+tls://HOST:PORT or a .vv connection file.")
    var target: String

    @Option(help: "The SPICE password (ticket).")
    var password: String?

    @Option(name: .customLong("password-file"), help: "Read the password from this file (first line).")
    var passwordFile: String?

    @Option(name: .customLong("ca-file"), help: "CA certificate (PEM) for spice+tls.")
    var caFile: String?

    @Option(name: .customLong("host-subject"), help: "Expected server certificate subject for spice+tls.")
    var hostSubject: String?

    @Option(name: .customLong("preferred-compression"), help: "Ask the server for this image compression: off, auto_glz, auto_lz, quic, glz, lz, lz4.")
    var preferredCompression: String?

    static let compressions: [String: DisplayChannel.ImageCompression] = [
        "off": .off, "auto_glz": .autoGLZ, "auto_lz": .autoLZ, "quic": .quic, "glz": .glz, "lz": .lz, "lz4": .lz4,
    ]

    func validate() throws {
        if let preferredCompression, Self.compressions[preferredCompression] == nil {
            throw ValidationError("--preferred-compression must be one of \(Self.compressions.keys.sorted().joined(separator: ", "))")
        }
        guard password == nil || passwordFile == nil else { throw ValidationError("give --password or --password-file, not both") }
    }

    enum Failure: Error {
        /// The target is neither a URI nor a readable .vv file (or the file is malformed).
        case badTarget(String)
        /// The password file cannot be read.
        case badPassword(String)
    }

    /// The parsed target and a client configuration for it (GLZ window as spice-gtk offers).
    func resolve() throws(Failure) -> (target: SpiceTarget, configuration: SpiceClientConfiguration) {
        let spice: SpiceTarget
        do {
            if target.hasPrefix("spice://") || target.hasPrefix("spice+tls://") {
                spice = try SpiceTarget(uri: target)
            } else {
                guard let data = FileManager.default.contents(atPath: target) else {
                    throw Failure.badTarget("'\(target)' is neither a spice:// URI nor a readable .vv file")
                }
                spice = try SpiceTarget(vvFile: String(decoding: data, as: UTF8.self))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .badTarget("\(error)")
        }
        var secret = password ?? spice.password
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else { throw .badPassword("cannot read \(passwordFile)") }
            secret = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        }
        var config = SpiceClientConfiguration(target: spice, password: secret, caFile: caFile, hostSubject: hostSubject)
        config.glzWindowSize = 6_290_432  // what spice-gtk offers (GLZ needs a window)
        config.preferredCompression = preferredCompression.flatMap { Self.compressions[$0] }
        config.quicDecoder = .fastest(x86v3: QuicX86v3.decode)
        return (spice, config)
    }
}
