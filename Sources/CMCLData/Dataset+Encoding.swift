extension Dataset where Element == TextExample {
    /// Tokenizes every example (`text` and optional `pair`) with truncation to `maxLength`.
    ///
    /// ```swift
    /// let encoded = data.encoded(with: tok, maxLength: 128)
    /// ```
    public func encoded(with tokenizer: some TextTokenizer, maxLength: Int = 128) -> Dataset<EncodedExample> {
        let encodings = tokenizer.encodeBatch(elements.map { ($0.text, $0.pair) }, maxLength: maxLength)
        return with(zip(encodings, elements).map { EncodedExample(encoding: $0, label: $1.label) })
    }
}
