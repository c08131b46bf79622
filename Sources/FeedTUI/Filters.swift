import FeedLibrary
import FeedModel
import Foundation

extension Config {
    /// What query channels are filled with and the ignore rules hide by: the tags of the channels file as it is
    /// when asked (`add` may have changed it since) and config.toml's `ignore`.
    func filters(subscriptions path: String) -> @Sendable () -> FilterContext {
        let ignore = self.ignore
        return { FilterContext(subscriptions: (try? SubscriptionFile.load(path: path).subscriptions) ?? [], ignore: ignore) }
    }

    /// The posts of a channel the ignore rules leave, and how many they hide, evaluated here (`feedtui stats` may
    /// read a source the library does not hold): the user's read marks and bookmarks from the library.
    func kept(_ ch: Channel, key: String?, library: Library?, context: FilterContext) -> (channel: Channel, ignored: Int) {
        guard let ignore else { return (ch, 0) }
        let source = key ?? ch.title
        let marks = key.flatMap { try? library?.marks(channel: $0) } ?? UserMarks()
        var kept = ch
        kept.publications = ch.publications.filter { p in
            !ignore.matches(
                FilterSubject(
                    post: p, channelTitle: ch.title, channelSource: source, tags: context.tags[source] ?? [], read: marks.read.contains(p.id),
                    bookmarked: marks.bookmarks.contains(p.id)),
                now: context.now, zone: context.zone)
        }
        return (kept, ch.publications.count - kept.publications.count)
    }
}
