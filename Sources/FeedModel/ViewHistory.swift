import Foundation

/// One measurement of a post's counters, taken by a refresh.
public struct ViewSample: Equatable, Sendable {
    public var at: Date
    public var views: Int64
    public var forwards: Int64?
    public var reactions: Int64?

    public init(at: Date, views: Int64, forwards: Int64? = nil, reactions: Int64? = nil) {
        self.at = at
        self.views = views
        self.forwards = forwards
        self.reactions = reactions
    }
}

/// What a channel's view history supports: the average reach of its posts 24 h and 48 h after they were posted,
/// and ERR (that reach ÷ subscribers). A post counts only when two refreshes bracket the moment (one at or before
/// it, one at or after it); its views then are interpolated between those two measurements. Nothing is ever
/// extrapolated: with no post bracketed, the value is nil (shown as "—").
public struct ViewReach: Equatable, Sendable {
    public var reach24: Double?
    public var reach48: Double?
    /// The number of posts each average is over.
    public var posts24 = 0
    public var posts48 = 0
    public var err: Double?

    public init(posts: [(date: Date?, samples: [ViewSample])], subscribers: Int64?) {
        (reach24, posts24) = Self.average(posts, hours: 24)
        (reach48, posts48) = Self.average(posts, hours: 48)
        if let reach24, let subscribers, subscribers > 0 { err = reach24 / Double(subscribers) }
    }

    /// The views of a post `hours` after it was posted, from the samples around that moment.
    public static func views(at hours: Double, posted: Date, samples: [ViewSample]) -> Double? {
        let moment = posted.addingTimeInterval(hours * 3600)
        guard let before = samples.last(where: { $0.at <= moment }), let after = samples.first(where: { $0.at >= moment })
        else { return nil }
        let span = after.at.timeIntervalSince(before.at)
        guard span > 0 else { return Double(before.views) }
        let share = moment.timeIntervalSince(before.at) / span
        return Double(before.views) + share * Double(after.views - before.views)
    }

    private static func average(_ posts: [(date: Date?, samples: [ViewSample])], hours: Double) -> (Double?, Int) {
        var total = 0.0
        var n = 0
        for p in posts {
            guard let date = p.date else { continue }
            let sorted = p.samples.sorted { $0.at < $1.at }
            if let v = views(at: hours, posted: date, samples: sorted) {
                total += v
                n += 1
            }
        }
        return n == 0 ? (nil, 0) : (total / Double(n), n)
    }
}
