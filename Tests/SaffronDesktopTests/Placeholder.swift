import Testing

@Test func placeholderSaffronDesktopTests() { #expect(Bool(true)) }
