extension Optional {
    /// `map` with an asynchronous transform (looking an optional input up in the store).
    public func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
