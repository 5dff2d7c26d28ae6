import ArgumentParser
import SaffronDemo
import SaffronDesktop

/// `saffron demo-frame`: writes exactly the pixels `serve --demo static` shows before any input.
struct DemoFrame: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-frame",
        abstract: "Write the static demo desktop's still frame as a PPM file (for tests).")

    @Option(help: "Frame size, WIDTHxHEIGHT.")
    var size: String = "1280x800"

    @Option(help: "Output file (binary PPM).")
    var out: String

    func run() throws {
        guard let frameSize = Size(parsing: size) else {
            throw ValidationError("bad --size '\(size)': use WIDTHxHEIGHT, e.g. 1280x800 (each 1...16384)")
        }
        try writePPM(DemoDesktop.stillFrame(size: frameSize), to: out)
    }
}
