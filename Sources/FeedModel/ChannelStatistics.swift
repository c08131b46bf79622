import Foundation

/// What feedtui computes from a channel's publications. Service messages are not posts and are not counted.
/// Every value the posts cannot give is `nil` (shown as `—`), never 0.
public struct ChannelStatistics: Equatable, Sendable {
    public var postCount: Int
    /// The earliest and the latest dated post's time, as the source gave each (its own offset, or a wall clock).
    public var firstPost: PostTime?
    public var lastPost: PostTime?
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
    /// Weekly (weeks from Monday) and monthly series from the first post's week/month to the last's, on `clockID`'s
    /// clock; views only where known.
    public var postsByWeek: [Int]
    public var viewsByWeek: [Int64?]
    public var postsByMonth: [Int]
    public var viewsByMonth: [Int64?]
    /// [weekday 0 = Monday][hour 0…23], on `clockID`'s clock.
    public var weekdayHour: [[Int]]
    public var mediaShare: Double?
    public var linkShare: Double?
    /// Mean views ÷ subscribers, where both are known.
    public var engagementRate: Double?
    /// The posts have more than one author (a group or a personal chat): the list then says who wrote each.
    /// Nil in statistics an older feedtui stored.
    public var severalAuthors: Bool?
    /// The `Clock.id` of the clock the series and the rhythm were counted on; nil in statistics an older feedtui
    /// stored. Shown on another clock, they must be counted again.
    public var clockID: String?
    /// What `count(_:_:clock:)` needs to update the statistics one post at a time, beside the values above: the week
    /// and month `postsByWeek[0]` and `postsByMonth[0]` count, and how many posts have media, links or rounded
    /// view counts. Nil in statistics an older feedtui stored (they are then counted again).
    var running: Running?

    struct Running: Equatable, Sendable, Codable {
        var weekStart: Int
        var monthStart: Int
        var mediaPosts: Int
        var linkPosts: Int
        var approximateViews: Int
        /// The author of every post so far, while there is one.
        var author: String?
    }

    public init(_ channel: Channel, clock: Clock) {
        var tally = Tally(clock: clock)
        // Indexes, not copies: archives can hold a million publications.
        for i in channel.publications.indices { tally.add(channel.publications[i]) }
        self = tally.statistics(of: channel)
    }

    /// The statistics gathered one post at a time, in one pass: the library counts a channel it reads from disk
    /// without holding all its posts.
    public struct Tally {
        let clock: Clock
        fileprivate var civil: Clock.Cache
        fileprivate var count = 0
        fileprivate var dated = 0
        fileprivate var first: PostTime?
        fileprivate var last: PostTime?
        fileprivate var views: [Int64] = []
        fileprivate var approximate = 0
        fileprivate var withMedia = 0
        fileprivate var withLinks = 0
        fileprivate var author: String?
        fileprivate var severalAuthors = false
        // The three most viewed (more views first, then the newer post).
        fileprivate var top: [Publication] = []
        fileprivate var weeks = Series()
        fileprivate var months = Series()
        fileprivate var weekdayHour = Array(repeating: Array(repeating: 0, count: 24), count: 7)

        public init(clock: Clock) {
            self.clock = clock
            civil = Clock.Cache(clock)
        }

        public mutating func add(_ p: Publication) {
            guard !p.isService else { return }
            count += 1
            if let time = p.time {
                dated += 1
                if first.map({ time.date < $0.date }) ?? true { first = time }
                if last.map({ time.date > $0.date }) ?? true { last = time }
                let t = civil.civil(time.date, p)
                weekdayHour[t.weekday][t.hour] += 1
                // 1970-01-05 was a Monday.
                let week = Int((Double(t.days - 4) / 7).rounded(.down))
                weeks.add(p, at: week)
                months.add(p, at: t.year * 12 + t.month - 1)
            }
            if !p.media.isEmpty { withMedia += 1 }
            if !p.links.isEmpty || p.linkPreview != nil { withLinks += 1 }
            if !severalAuthors, let a = p.author {
                if author == nil { author = a } else { severalAuthors = a != author }
            }
            guard let v = p.views else { return }
            views.append(v.value)
            if v.approximate { approximate += 1 }
            let rank = { (q: Publication) in ((q.views?.value ?? 0), q.date ?? .distantPast) }
            if top.count == 3, let lowest = top.last, rank(lowest) >= rank(p) { return }
            top.append(p)
            top.sort { rank($0) > rank($1) }
            if top.count > 3 { top.removeLast() }
        }

        /// The statistics of the posts added, with `channel`'s own fields (its subscribers).
        public func statistics(of channel: Channel) -> ChannelStatistics {
            ChannelStatistics(self, subscribers: channel.subscribers?.value)
        }
    }

    private init(_ tally: Tally, subscribers: Int64?) {
        postCount = tally.count
        firstPost = tally.first
        lastPost = tally.last
        undatedPosts = tally.count - tally.dated
        severalAuthors = tally.severalAuthors
        postRate = tally.first.flatMap { f in tally.last.flatMap { l in PostRate(posts: tally.dated, span: l.date.timeIntervalSince(f.date)) } }
        let views = tally.views.sorted()
        postsWithViews = views.count
        viewsApproximate = tally.approximate > 0
        topPosts = tally.top
        if !views.isEmpty {
            let total = views.reduce(Int64(0), &+)
            viewsTotal = total
            viewsMean = Double(total) / Double(views.count)
            let mid = views.count / 2
            viewsMedian = views.count % 2 == 1 ? Double(views[mid]) : Double(views[mid - 1] + views[mid]) / 2
        }
        weekdayHour = tally.weekdayHour
        (postsByWeek, viewsByWeek) = (tally.weeks.posts, tally.weeks.views)
        (postsByMonth, viewsByMonth) = (tally.months.posts, tally.months.views)
        if tally.count > 0 {
            mediaShare = Double(tally.withMedia) / Double(tally.count)
            linkShare = Double(tally.withLinks) / Double(tally.count)
        }
        if let mean = viewsMean, let subscribers, subscribers > 0 {
            engagementRate = mean / Double(subscribers)
        }
        clockID = tally.clock.id
        running = Running(
            weekStart: tally.weeks.start, monthStart: tally.months.start, mediaPosts: tally.withMedia, linkPosts: tally.withLinks,
            approximateViews: tally.approximate, author: tally.severalAuthors ? nil : tally.author)
    }

    /// Posts per week only over a span of at least a week: a weekly rate from minutes of posts would be invented.
    public var postsPerWeek: Double? { postRate?.unit == .week ? postRate?.value : nil }

    /// Posts and views per week or month, from the earliest bucket a post fell in to the latest. On a clock, a later
    /// post can fall in an earlier bucket (a smaller offset, the hour a zone turns back), so it grows both ways.
    struct Series {
        /// The bucket `posts[0]` counts.
        var start = 0
        var posts: [Int] = []
        var views: [Int64?] = []

        mutating func add(_ p: Publication, at bucket: Int) {
            if posts.isEmpty { start = bucket }
            if bucket < start {
                posts.insert(contentsOf: repeatElement(0, count: start - bucket), at: 0)
                views.insert(contentsOf: repeatElement(nil, count: start - bucket), at: 0)
                start = bucket
            }
            let index = bucket - start
            if posts.count <= index {
                posts.append(contentsOf: repeatElement(0, count: index + 1 - posts.count))
                views.append(contentsOf: repeatElement(nil, count: index + 1 - views.count))
            }
            posts[index] += 1
            if let v = p.views?.value { views[index] = (views[index] ?? 0) &+ v }
        }

        /// Takes a post added before out again; buckets left empty at either end go (the series spans the posts).
        mutating func remove(_ p: Publication, at bucket: Int) {
            let index = bucket - start
            guard posts.indices.contains(index) else { return }
            posts[index] -= 1
            if let v = p.views?.value { views[index] = (views[index] ?? 0) &- v }
            while posts.first == 0 {
                posts.removeFirst()
                views.removeFirst()
                start += 1
            }
            while posts.last == 0 {
                posts.removeLast()
                views.removeLast()
            }
        }
    }
}

/// A posting rate in the largest unit the span between the first and the last post supports: per week over a
/// week or more, per day over a day or more, per hour over an hour or more; under an hour, the count over the span.
public struct PostRate: Equatable, Sendable, Codable {
    public enum Unit: String, Sendable, Codable { case week, day, hour }
    /// Posts per `unit`; with no unit, the number of posts within `span`.
    public var value: Double
    public var unit: Unit?
    /// Seconds from the first post to the last, at least 1: sources date posts to the second, so posts of the same
    /// second came within one ("3 in 1 s").
    public var span: TimeInterval

    /// Nil for one post.
    public init?(posts: Int, span: TimeInterval) {
        guard span >= 0, posts > 1 else { return nil }
        self.span = max(span, 1)
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
        case postCount, firstPost, lastPost, postRate, undatedPosts, postsWithViews, viewsApproximate, viewsTotal
        case viewsMean, viewsMedian, postsByWeek, viewsByWeek, postsByMonth, viewsByMonth, weekdayHour, mediaShare
        case linkShare, engagementRate, clockID, severalAuthors, running
    }
}

extension ChannelStatistics {
    /// Counts a post added to the channel exactly as counting every post again would, for the values a post adds
    /// to; `settle` then sets those only every post gives. False when these statistics cannot be updated so (stored
    /// by an older feedtui, or counted on another clock): count them again.
    public mutating func count(_ p: Publication, clock: Clock) -> Bool {
        guard running != nil, clockID == clock.id else { return false }
        apply(p, 1, clock: clock)
        return true
    }

    /// Counts a post's new version in place of its old one, as `count` does. Also false when the old version's
    /// views go from a week or month the new one is not in, or the new one has none: they may have been that
    /// week's only views, which a count again shows as unknown, not 0.
    public mutating func count(_ old: Publication, replacedBy new: Publication, clock: Clock) -> Bool {
        guard running != nil, clockID == clock.id else { return false }
        if old.views != nil, new.views == nil || old.time != new.time || old.isService != new.isService { return false }
        // Authors are only ever told apart, never counted: one that changes is counted again.
        if old.author != new.author { return false }
        apply(old, -1, clock: clock)
        apply(new, 1, clock: clock)
        return true
    }

    private mutating func apply(_ p: Publication, _ sign: Int, clock: Clock) {
        guard !p.isService, var r = running else { return }
        var weeks = Series(start: r.weekStart, posts: postsByWeek, views: viewsByWeek)
        var months = Series(start: r.monthStart, posts: postsByMonth, views: viewsByMonth)
        postCount += sign
        if let time = p.time {
            var civil = Clock.Cache(clock)
            let t = civil.civil(time.date, p)
            let week = Int((Double(t.days - 4) / 7).rounded(.down))
            let month = t.year * 12 + t.month - 1
            weekdayHour[t.weekday][t.hour] += sign
            if sign > 0 {
                weeks.add(p, at: week)
                months.add(p, at: month)
            } else {
                weeks.remove(p, at: week)
                months.remove(p, at: month)
            }
        } else {
            undatedPosts += sign
        }
        if !p.media.isEmpty { r.mediaPosts += sign }
        if !p.links.isEmpty || p.linkPreview != nil { r.linkPosts += sign }
        if sign > 0, severalAuthors != true, let a = p.author {
            if r.author == nil { r.author = a } else if a != r.author { (severalAuthors, r.author) = (true, nil) }
        }
        if let v = p.views {
            postsWithViews += sign
            viewsTotal = (viewsTotal ?? 0) &+ Int64(sign) &* v.value
            if v.approximate { r.approximateViews += sign }
        }
        (r.weekStart, postsByWeek, viewsByWeek) = (weeks.start, weeks.posts, weeks.views)
        (r.monthStart, postsByMonth, viewsByMonth) = (months.start, months.posts, months.views)
        running = r
    }

    /// Sets what only the whole channel gives, read from the library's indexes after `count`: the first and last
    /// dated posts, the median of the view counts, the three most viewed posts; and what follows from the counts.
    public mutating func settle(first: PostTime?, last: PostTime?, median: Double?, top: [Publication], subscribers: Int64?) {
        firstPost = first
        lastPost = last
        postRate = first.flatMap { f in last.flatMap { l in PostRate(posts: postCount - undatedPosts, span: l.date.timeIntervalSince(f.date)) } }
        viewsMedian = median
        topPosts = top
        if postsWithViews == 0 { viewsTotal = nil }
        viewsMean = viewsTotal.map { Double($0) / Double(postsWithViews) }
        viewsApproximate = (running?.approximateViews ?? 0) > 0
        mediaShare = postCount > 0 ? running.map { Double($0.mediaPosts) / Double(postCount) } : nil
        linkShare = postCount > 0 ? running.map { Double($0.linkPosts) / Double(postCount) } : nil
        engagementRate = viewsMean.flatMap { mean in subscribers.flatMap { $0 > 0 ? mean / Double($0) : nil } }
    }
}
