import Logging
import NIOCore
import SpiceProtocol

/// What every connection of one server shares: configuration, auth, clients, desktop, counters.
final class ServerContext: Sendable {
    let configuration: SpiceServerConfiguration
    let authenticator: TicketAuthenticator
    /// Set when SASL replaces the ticket.
    let sasl: (any SASLServerFactory)?
    let registry: SessionRegistry
    let hub: DesktopHub
    let stats: ServerStats
    let logger: Logger
    let linkConfiguration: ServerLinkStateMachine.Configuration
    let admission: LinkAdmission
    /// Monotonic origin for ping timestamps and multimedia time.
    let startTime: NIODeadline

    init(configuration: SpiceServerConfiguration, authenticator: TicketAuthenticator, hub: DesktopHub,
         stats: ServerStats, logger: Logger, sasl: (any SASLServerFactory)? = nil) {
        self.configuration = configuration
        self.authenticator = authenticator
        self.sasl = sasl
        self.registry = SessionRegistry()
        self.hub = hub
        self.stats = stats
        self.logger = logger
        self.startTime = .now()
        self.admission = LinkAdmission(maxPerPeer: configuration.maxLinkingPerPeer, maxTotal: configuration.maxLinkingTotal)
        self.linkConfiguration = ServerLinkStateMachine.Configuration(
            publicKey: authenticator.publicKeyDER,
            channelCaps: [
                .main: CapabilitySet([MainCapability.semiSeamlessMigrate, MainCapability.seamlessMigrate]),
                .display: CapabilitySet([DisplayCapability.monitorsConfig, DisplayCapability.prefCompression]),
                .inputs: CapabilitySet([InputsCapability.keyScancode]),
                .cursor: CapabilitySet(),
            ],
            channelSecurity: configuration.channelSecurity,
            defaultSecurity: configuration.defaultChannelSecurity,
            sasl: sasl == nil ? nil : (configuration.sasl?.limits ?? .init()))
    }

    /// Milliseconds since server start, wrapping: SPICE multimedia time.
    var multimediaTime: UInt32 {
        UInt32(truncatingIfNeeded: (NIODeadline.now() - startTime).nanoseconds / 1_000_000)
    }

    /// The channels every client gets, announced in CHANNELS_LIST.
    static let offeredChannels: [ChannelID] = [
        ChannelID(type: .display, id: 0), ChannelID(type: .inputs, id: 0), ChannelID(type: .cursor, id: 0),
    ]
}
