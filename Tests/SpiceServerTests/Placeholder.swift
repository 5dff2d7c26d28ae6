import Testing

@Test func placeholderSpiceServerTests() { #expect(Bool(true)) }
