import Testing

@Test func placeholderSpiceProtocolTests() { #expect(Bool(true)) }
