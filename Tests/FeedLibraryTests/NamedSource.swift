import FeedLibrary
import FeedModel

extension Source {
    /// A source whose identity is what the channel's content calls it ("@handle", its URL, its title): the keys
    /// the tests' marks are filed under.
    static func named(_ channel: Channel) -> Source {
        channel.handle.map { .telegram($0) } ?? .feed(channel.url ?? channel.title)
    }
}
