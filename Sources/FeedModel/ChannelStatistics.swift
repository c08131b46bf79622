import Foundation

/// What feedtui computes from a channel's publications. Service messages are not posts and are not counted.
/// Every value the posts cannot give is `nil` (shown as `—`), never 0.
public struct ChannelStatistics: Equatable, Sendable {
    public var postCount: Int
    public var firstDate: Date?
    public var lastDate: Date?
    /// How often the channel posts, in the largest unit its span supports; nil with fewer than two distinct dates.
    public var postRate: PostRate?
    /// Posts the source gave no date for: counted as posts, left out of every rate, series and histogram.
    public var undatedPosts: Int
    public var postsWithViews: Int
    /// Some view counts were rounded by the source ("1.2K"), so totals and means are approximate too.
    public var viewsApproximate: Bool
    public var viewsTotal: Int64?
    public var viewsMean: Double?
    public var viewsMedian: Double?
    /// Up to three posts with the most views, most first. Not encoded: the library keeps their ids.
    public var topPosts: [Publication] = []
    /// Weekly and monthly series from the first post's week/month to the last's; views only where known.
    public var postsByWeek: [Int]
    public var viewsByWeek: [Int64?]
    public var postsByMonth: [Int]
    public var viewsByMonth: [Int64?]
    /// [weekday 0 = Monday][hour 0…23], on the clock the statistics were computed with.
    public var weekdayHour: [[Int]]
    public var mediaShare: Double?
    public var linkShare: Double?
    /// Mean views ÷ subscribers, where both are known.
    public var engagementRate: Double?

    public init(_ channel: Channel, clock: Clock = Clock()) {
        // Indexes, not copies: archives can hold a million publications. One pass gathers what needs no
        // first date; the series need it, so they take a second.
        let all = channel.publications
        let posts = all.indices.lazy.filter { !all[$0].isService }.map { all[$0] }
        var count = 0
        var dated = 0
        var first: Date?
        var last: Date?
        var views: [Int64] = []
        var approximate = false
        var withMedia = 0
        var withLinks = 0
        // The three most viewed (more views first, then the newer post).
        var top: [Publication] = []
        let rank = { (q: Publication) in ((q.views?.value ?? 0), q.date ?? .distantPast) }
        for p in posts {
            count += 1
            if let date = p.date {
                dated += 1
                if first.map({ date < $0 }) ?? true { first = date }
                if last.map({ date > $0 }) ?? true { last = date }
            }
            if !p.media.isEmpty { withMedia += 1 }
            if !p.links.isEmpty || p.linkPreview != nil { withLinks += 1 }
            guard let v = p.views else { continue }
            views.append(v.value)
            approximate = approximate || v.approximate
            if top.count == 3, let lowest = top.last, rank(lowest) >= rank(p) { continue }
            top.append(p)
            top.sort { rank($0) > rank($1) }
            if top.count > 3 { top.removeLast() }
        }
        postCount = count
        firstDate = first
        lastDate = last
        undatedPosts = count - dated
        postRate = first.flatMap { f in last.flatMap { l in PostRate(posts: dated, span: l.timeIntervalSince(f)) } }
        views.sort()
        postsWithViews = views.count
        viewsApproximate = approximate
        topPosts = top
        if !views.isEmpty {
            let total = views.reduce(Int64(0), &+)
            viewsTotal = total
            viewsMean = Double(total) / Double(views.count)
            let mid = views.count / 2
            viewsMedian = views.count % 2 == 1 ? Double(views[mid]) : Double(views[mid - 1] + views[mid]) / 2
        }
        weekdayHour = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        postsByWeek = []
        viewsByWeek = []
        postsByMonth = []
        viewsByMonth = []
        if let first = firstDate {
            let firstWeek = Self.week(of: first)
            let firstMonth = Self.month(of: first)
            var civil = Clock.Cache(clock)
            for p in posts {
                guard let date = p.date else { continue }
                let t = civil.civil(date, p)
                weekdayHour[t.weekday][t.hour] += 1
                Self.add(p, at: Self.week(of: date) - firstWeek, posts: &postsByWeek, views: &viewsByWeek)
                Self.add(p, at: Self.month(of: date) - firstMonth, posts: &postsByMonth, views: &viewsByMonth)
            }
        }

        if postCount > 0 {
            mediaShare = Double(withMedia) / Double(postCount)
            linkShare = Double(withLinks) / Double(postCount)
        }
        if let mean = viewsMean, let subs = channel.subscribers?.value, subs > 0 {
            engagementRate = mean / Double(subs)
        }
    }

    /// Posts per week only over a span of at least a week: a weekly rate from minutes of posts would be invented.
    public var postsPerWeek: Double? { postRate?.unit == .week ? postRate?.value : nil }

    private static func add(_ p: Publication, at index: Int, posts: inout [Int], views: inout [Int64?]) {
        guard index >= 0 else { return }
        if posts.count <= index {
            posts.append(contentsOf: repeatElement(0, count: index + 1 - posts.count))
            views.append(contentsOf: repeatElement(nil, count: index + 1 - views.count))
        }
        posts[index] += 1
        if let v = p.views?.value { views[index] = (views[index] ?? 0) &+ v }
    }

    /// Weeks since 1970-01-05 (a Monday).
    private static func week(of date: Date) -> Int {
        Int(((date.timeIntervalSince1970 - 4 * 86_400) / (7 * 86_400)).rounded(.down))
    }

    private static func month(of date: Date) -> Int {
        let t = CivilTime(date)
        return t.year * 12 + t.month - 1
    }
}

/// A posting rate in the largest unit the span between the first and the last post supports: per week over a
/// week or more, per day over a day or more, per hour over an hour or more; under an hour, the count over the span.
public struct PostRate: Equatable, Sendable, Codable {
    public enum Unit: String, Sendable, Codable { case week, day, hour }
    /// Posts per `unit`; with no unit, the number of posts within `span`.
    public var value: Double
    public var unit: Unit?
    /// Seconds from the first post to the last.
    public var span: TimeInterval

    /// Nil for an empty span (one post, or every post at the same instant).
    public init?(posts: Int, span: TimeInterval) {
        guard span > 0, posts > 1 else { return nil }
        self.span = span
        let units: [(Unit, TimeInterval)] = [(.week, 7 * 86_400), (.day, 86_400), (.hour, 3600)]
        if let (unit, seconds) = units.first(where: { span >= $0.1 }) {
            self.unit = unit
            value = Double(posts) / (span / seconds)
        } else {
            unit = nil
            value = Double(posts)
        }
    }
}

/// The library stores the statistics it computed on import, so that opening a channel does not scan its posts.
extension ChannelStatistics: Codable {
    enum CodingKeys: String, CodingKey {
        case postCount, firstDate, lastDate, postRate, undatedPosts, postsWithViews, viewsApproximate, viewsTotal
        case viewsMean, viewsMedian, postsByWeek, viewsByWeek, postsByMonth, viewsByMonth, weekdayHour, mediaShare
        case linkShare, engagementRate
    }
}
