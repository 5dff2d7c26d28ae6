import ArgumentParser

@main
struct Saffron: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saffron",
        abstract: "A SPICE remote desktop server (and tools) in Swift.",
        subcommands: [Serve.self, DemoFrame.self, Shot.self, View.self],
        defaultSubcommand: Serve.self)
}
