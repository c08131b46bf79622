import FeedModel
import Foundation

/// What one source's refresh did, for the status line, the home screen and `feedtui refresh`.
public struct RefreshReport: Equatable, Sendable {
    public var source: Source
    /// The library channel it filled (nil when it never succeeded).
    public var channelKey: String?
    /// Posts the library did not have before.
    public var newPosts = 0
    public var notModified = false
    /// Older pages a history walk read (`refresh --history`).
    public var pagesWalked = 0
    /// Posts still missing from a t.me channel after this refresh (it was cut short).
    public var gaps: [Gap] = []
    /// One line; nil on success. The library keeps what it had.
    public var error: String?

    public init(source: Source) { self.source = source }
}

extension Source {
    /// The message number of a t.me post id ("durov/123" → 123).
    public static func postNumber(_ id: String) -> Int? {
        id.split(separator: "/").last.flatMap { Int($0) }
    }
}
