import Testing

@Test func placeholderInteropTests() { #expect(Bool(true)) }
