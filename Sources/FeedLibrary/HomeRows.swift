import FeedModel

/// A followed source as the library knows it: the home screen's row and `feedtui list`'s line.
public struct FollowedSource: Equatable, Sendable {
    public var subscription: Subscription
    /// Its channel, once a refresh filled it.
    public var channel: LibraryChannel?
    /// Its last refresh and error (nil: never refreshed).
    public var state: RefreshState?

    public init(subscription: Subscription, channel: LibraryChannel?, state: RefreshState?) {
        self.subscription = subscription
        self.channel = channel
        self.state = state
    }
}

extension Library {
    /// Each source with its channel and refresh state, in the order given: two reads whatever the count, the
    /// channel found as `followedChannel` finds it.
    public func followed(_ subscriptions: [Subscription]) throws(LibraryError) -> [FollowedSource] {
        let states = try refreshStates()
        let channels = Dictionary(try channels().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return subscriptions.map { s in
            let state = states[s.source.text]
            let channel = channels[state?.channelKey ?? s.source.identity]
            return FollowedSource(subscription: s, channel: channel, state: state)
        }
    }
}
