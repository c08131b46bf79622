import FeedModel
import Foundation

/// Output for pipes and `feedtui stats`: the same words as the screen, without the frame.
enum PlainText {
    static func postList(_ ch: Channel) -> [String] {
        ChannelView(ch).order.map { i in
            let p = ch.publications[i]
            return "\(Fmt.date(p).iso)  \(Fmt.count(p.views, width: 7))  \(Sanitize.line(PostListPane.title(of: p)))"
        }
    }

    static func statistics(_ ch: Channel) -> [String] {
        let header = ch.title + (ch.handle.map { " @\($0)" } ?? "")
        return [Sanitize.line(header)] + Report(ch, ChannelStatistics(ch)).lines
    }
}

/// `feedtui stats --json`: the same values; unknown ones are null, never 0.
enum StatsJSON {
    struct Out: Encodable {
        var title: String
        var handle: String?
        var subscribers: Int64?
        var viewsPerWeek: Int64?
        var viewsPerMonth: Int64?
        var mentionsIn: Int64?
        var mentionsFrom: Int64?
        var forwardedChannels: Int64?
        var posts: Int
        var firstPost: String?
        var lastPost: String?
        var postsPerWeek: Double?
        var viewsTotal: Int64?
        var viewsMean: Double?
        var viewsMedian: Double?
        var mediaShare: Double?
        var linkShare: Double?
        var engagementRate: Double?
        var rating: Rating?
        var postsByWeek: [Int]
        var viewsByWeek: [Int64?]
        var topPostsByViews: [String]
        var skipped: Int
        var firstSkipped: String?

        func encode(to encoder: Encoder) throws {
            // Write every key, with null for unknown values, so consumers see what is missing.
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(title, forKey: .title)
            try c.encode(handle, forKey: .handle)
            try c.encode(subscribers, forKey: .subscribers)
            try c.encode(viewsPerWeek, forKey: .viewsPerWeek)
            try c.encode(viewsPerMonth, forKey: .viewsPerMonth)
            try c.encode(mentionsIn, forKey: .mentionsIn)
            try c.encode(mentionsFrom, forKey: .mentionsFrom)
            try c.encode(forwardedChannels, forKey: .forwardedChannels)
            try c.encode(posts, forKey: .posts)
            try c.encode(firstPost, forKey: .firstPost)
            try c.encode(lastPost, forKey: .lastPost)
            try c.encode(postsPerWeek, forKey: .postsPerWeek)
            try c.encode(viewsTotal, forKey: .viewsTotal)
            try c.encode(viewsMean, forKey: .viewsMean)
            try c.encode(viewsMedian, forKey: .viewsMedian)
            try c.encode(mediaShare, forKey: .mediaShare)
            try c.encode(linkShare, forKey: .linkShare)
            try c.encode(engagementRate, forKey: .engagementRate)
            try c.encode(rating, forKey: .rating)
            try c.encode(postsByWeek, forKey: .postsByWeek)
            try c.encode(viewsByWeek, forKey: .viewsByWeek)
            try c.encode(topPostsByViews, forKey: .topPostsByViews)
            try c.encode(skipped, forKey: .skipped)
            try c.encode(firstSkipped, forKey: .firstSkipped)
        }

        enum Keys: String, CodingKey {
            case title, handle, subscribers, viewsPerWeek, viewsPerMonth, mentionsIn, mentionsFrom, forwardedChannels
            case posts, firstPost, lastPost, postsPerWeek, viewsTotal, viewsMean, viewsMedian, mediaShare, linkShare
            case engagementRate, rating, postsByWeek, viewsByWeek, topPostsByViews, skipped, firstSkipped
        }
    }

    static func encode(_ channels: [Channel]) -> String {
        let out = channels.map { ch -> Out in
            let s = ChannelStatistics(ch)
            let c = ch.counters
            return Out(
                title: ch.title, handle: ch.handle, subscribers: ch.subscribers?.value,
                viewsPerWeek: c.viewsPerWeek?.value, viewsPerMonth: c.viewsPerMonth?.value,
                mentionsIn: c.mentionsIn?.value, mentionsFrom: c.mentionsFrom?.value,
                forwardedChannels: c.forwardedChannels?.value, posts: s.postCount,
                firstPost: s.firstDate.map(ISODate.format), lastPost: s.lastDate.map(ISODate.format),
                postsPerWeek: s.postsPerWeek, viewsTotal: s.viewsTotal, viewsMean: s.viewsMean,
                viewsMedian: s.viewsMedian, mediaShare: s.mediaShare, linkShare: s.linkShare,
                engagementRate: s.engagementRate, rating: ch.rating, postsByWeek: s.postsByWeek,
                viewsByWeek: s.viewsByWeek, topPostsByViews: s.topPosts.map(\.id),
                skipped: ch.skipped.count, firstSkipped: ch.skipped.summary)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(out.count == 1 ? AnyEncodable(out[0]) : AnyEncodable(out))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
    }
}
