/// Clipboard exchange between a desktop and its clients, in neutral terms (the server maps them
/// to the agent protocol, the X11 desktop to X selections).
public enum ClipboardSelectionName: UInt8, Sendable, Hashable, CaseIterable {
    case clipboard = 0
    case primary = 1
}

/// The data formats exchanged (the agent protocol's types; X targets map onto them).
public enum ClipboardFormat: UInt32, Sendable, Hashable, CaseIterable {
    case utf8Text = 1
    case png = 2
    case bmp = 3
    case tiff = 4
    case jpeg = 5
}

/// What a desktop tells its clients about its selections.
public enum ClipboardEvent: Sendable, Equatable {
    /// An application in the desktop owns the selection now, with data in these formats.
    case offered(ClipboardSelectionName, [ClipboardFormat])
    /// Nobody in the desktop owns the selection any more.
    case released(ClipboardSelectionName)
    /// An application pastes what a client offered: the owning client should send the data.
    case requested(ClipboardSelectionName, ClipboardFormat)
    /// The data a client asked for (nil: the application could not give it).
    case data(ClipboardSelectionName, ClipboardFormat, [UInt8]?)
}

/// A desktop's side of the clipboard, called by the server for its clients.
public protocol ClipboardSink: AnyObject, Sendable {
    /// A client copied something: the desktop takes the selection on its behalf.
    func clientOffered(_ selection: ClipboardSelectionName, formats: [ClipboardFormat])
    /// The client's copy is gone.
    func clientReleased(_ selection: ClipboardSelectionName)
    /// A client pastes: answer with `.data` for this selection and format.
    func clientRequested(_ selection: ClipboardSelectionName, format: ClipboardFormat)
    /// The client's data for an earlier `.requested` (nil: it has none).
    func clientData(_ selection: ClipboardSelectionName, format: ClipboardFormat, data: [UInt8]?)
}
