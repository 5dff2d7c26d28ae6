import NIOCore
import Testing
@testable import SpiceProtocol

@Suite struct InputsChannelTests {
    @Test func mousePositionGolden() throws {
        let value = InputsChannel.MousePosition(x: 100, y: 200, buttons: .left, displayID: 0)
        try expectGolden(value, le32(100) + le32(200) + le16(1) + [0], size: 11)
    }

    @Test func keyDownGolden() throws {
        try expectGolden(InputsChannel.KeyDown(code: 0x1E), [0x1E, 0, 0, 0], size: 4)
        try expectGolden(InputsChannel.KeyUp(code: 0x9DE0), [0xE0, 0x9D, 0, 0], size: 4)
    }

    @Test func everyMessageRoundTrips() throws {
        let server: [InputsChannel.ServerMessage] = [
            .`init`(.init(modifiers: [.numLock, .capsLock])), .keyModifiers(.init(modifiers: .scrollLock)),
            .mouseMotionAck(.init()), .base(.setAck(.init(generation: 1, window: 1))),
        ]
        for m in server { try expectRoundTrip(m) }
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let buttons = InputsChannel.MouseButtonMask(rawValue: UInt16.random(in: 0...0x7F, using: &rng))
            let client: [InputsChannel.ClientMessage] = [
                .keyDown(.init(code: rng.u32())), .keyUp(.init(code: rng.u32())),
                .keyModifiers(.init(modifiers: .init(rawValue: UInt16.random(in: 0...7, using: &rng)))),
                .keyScancode(.init(codes: rng.bytes(Int.random(in: 0...8, using: &rng)))),
                .mouseMotion(.init(dx: rng.i32(), dy: rng.i32(), buttons: buttons)),
                .mousePosition(.init(x: rng.u32(), y: rng.u32(), buttons: buttons, displayID: UInt8.random(in: 0...3, using: &rng))),
                .mousePress(.init(button: .init(rawValue: UInt8.random(in: 1...7, using: &rng)), buttons: buttons)),
                .mouseRelease(.init(button: .right, buttons: buttons)),
            ]
            for m in client { try expectRoundTrip(m) }
        }
        for m: InputsChannel.ClientMessage in [.keyDown(.init(code: 1)), .mouseMotion(.init(dx: 1, dy: -1, buttons: [])),
                                              .mousePosition(.init(x: 1, y: 2, buttons: .right, displayID: 1)),
                                              .mousePress(.init(button: .left, buttons: .left))] {
            expectTruncationsThrow(m)
        }
    }

    @Test func scancodeEvents() {
        typealias E = Scancodes.Event
        #expect(Scancodes.events(fromKeyCode: 0x1E) == [E(makeCode: 0x1E, extended: false, down: true)])
        #expect(Scancodes.events(fromKeyCode: 0x9E) == [E(makeCode: 0x1E, extended: false, down: false)])
        // Right Ctrl down: E0 1D; up: E0 9D
        #expect(Scancodes.events(fromKeyCode: 0x1DE0) == [E(makeCode: 0x1D, extended: true, down: true)])
        #expect(Scancodes.events(fromKeyCode: 0x9DE0) == [E(makeCode: 0x1D, extended: true, down: false)])
        // bytes stop at the first 0 byte
        #expect(Scancodes.bytes(ofKeyCode: 0x1100_2A) == [0x2A])
        #expect(Scancodes.events(fromKeyCode: 0) == [])
        // a KEY_SCANCODE sequence: shift down, A down, A up, shift up, keypad-enter down
        #expect(Scancodes.events(fromScancodes: [0x2A, 0x1E, 0x9E, 0xAA, 0xE0, 0x1C]) == [
            E(makeCode: 0x2A, extended: false, down: true), E(makeCode: 0x1E, extended: false, down: true),
            E(makeCode: 0x1E, extended: false, down: false), E(makeCode: 0x2A, extended: false, down: false),
            E(makeCode: 0x1C, extended: true, down: true),
        ])
        for code: UInt32 in [0x1E, 0x9E, 0x1DE0, 0x9DE0] {
            #expect(Scancodes.keyCode(for: Scancodes.events(fromKeyCode: code)[0]) == code)
        }
    }
}
