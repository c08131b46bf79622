import FeedModel
import Foundation

/// Output for pipes and `feedtui stats`: the same words as the screen, without the frame.
enum PlainText {
    /// The posts in the configuration's order, one a line: date, views (right-aligned), title.
    static func postList(_ ch: Channel, clock: Clock, order: PostOrder = .newest) -> [String] {
        let severalAuthors = ChannelStatistics(ch, clock: clock).severalAuthors == true
        return order.arrange(ch.publications).map { i in
            let p = ch.publications[i]
            let author = severalAuthors ? PostListPane.byline(of: p) : ""
            let views = Fmt.count(p.views, width: 7)
            return "\(clock.civil(p)?.iso ?? Fmt.unknown.padding(toLength: 16, withPad: " ", startingAt: 0))  "
                + String(repeating: " ", count: max(0, 7 - views.displayWidth)) + views
                + "  \(Sanitize.visible(author + PostListPane.title(of: p)))"
        }
    }

    static func statistics(_ ch: Channel, clock: Clock, reach: ViewReach? = nil, ignored: Int = 0) -> [String] {
        let header = ch.title + (ch.handle.map { " @\($0)" } ?? "")
        let stats = ChannelStatistics(ch, clock: clock)
        return [Sanitize.visible(header)] + Report(ch, stats, clock: clock, reach: reach, ignored: ignored).lines(stats)
    }
}

/// `feedtui stats --json`: the same values; every key is written, unknown ones as null (never 0).
enum StatsJSON {
    static func object(_ ch: Channel, clock: Clock, reach: ViewReach? = nil, ignored: Int = 0) -> [String: Any] {
        let s = ChannelStatistics(ch, clock: clock)
        let c = ch.counters
        func value(_ v: Any?) -> Any { v ?? NSNull() }
        // Wall-clock times without a zone (Telegram Desktop exports without date_unixtime) are written without
        // one, never as UTC.
        let wallClock = ch.publications.contains { $0.date != nil } && ch.publications.allSatisfy { $0.date == nil || $0.wallClock }
        let dateText = wallClock ? ISODate.formatWallClock : ISODate.format
        var rating: Any = NSNull()
        if let r = ch.rating { rating = ["votes": r.votes, "average": value(r.average)] as [String: Any] }
        return [
            "title": ch.title, "handle": value(ch.handle), "subscribers": value(ch.subscribers?.value),
            "viewsPerWeek": value(c.viewsPerWeek?.value), "viewsPerMonth": value(c.viewsPerMonth?.value),
            "mentionsIn": value(c.mentionsIn?.value), "mentionsFrom": value(c.mentionsFrom?.value),
            "forwardedChannels": value(c.forwardedChannels?.value), "posts": s.postCount,
            "firstPost": value(s.firstPost.map { dateText($0.date) }), "lastPost": value(s.lastPost.map { dateText($0.date) }),
            "postsPerWeek": value(s.postsPerWeek), "postRate": value(s.postRate.map(rate)),
            "undatedPosts": s.undatedPosts, "viewsTotal": value(s.viewsTotal), "viewsMean": value(s.viewsMean),
            "viewsMedian": value(s.viewsMedian), "mediaShare": value(s.mediaShare), "linkShare": value(s.linkShare),
            "engagementRate": value(s.engagementRate), "rating": rating, "postsByWeek": s.postsByWeek,
            "viewsByWeek": s.viewsByWeek.map(value), "topPostsByViews": s.topPosts.map(\.id),
            "postsByMonth": s.postsByMonth, "viewsByMonth": s.viewsByMonth.map(value),
            "postsByWeekdayHour": s.weekdayHour, "datesIn": clock.description,
            "skipped": ch.skipped.count, "firstSkipped": value(ch.skipped.summary),
            "reach24h": value(reach?.reach24), "reach48h": value(reach?.reach48), "err": value(reach?.err), "ignored": ignored,
        ]
    }

    /// `{"value": 3.5, "per": "day", "spanSeconds": 200000}`; `per` is null under an hour (value = the count).
    static func rate(_ r: PostRate) -> [String: Any] {
        ["value": r.value, "per": r.unit?.rawValue ?? NSNull(), "spanSeconds": r.span]
    }

    /// One object for one channel, an array for several.
    static func encode(_ channels: [Channel], clock: Clock, reach: [ViewReach?]? = nil, ignored: [Int]? = nil) -> String {
        let objects = channels.enumerated().map { object($1, clock: clock, reach: reach?[$0], ignored: ignored?[$0] ?? 0) }
        let root: Any = objects.count == 1 ? objects[0] : objects
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: NativeJSON.escapingControls(data), as: UTF8.self)
    }
}
