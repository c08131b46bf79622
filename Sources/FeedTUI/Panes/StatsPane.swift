import FeedModel

/// The statistics pane. The same lines are printed by `feedtui stats`, so the two always agree.
enum StatsPane {
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        let view = state.channel
        let lines = lines(view.channel, view.stats, width: area.width, rows: area.height)
        for (row, text) in lines.prefix(area.height).enumerated() {
            grid.put(text, x: area.x + 1, y: area.y + row, limit: area.width - 1)
        }
    }

    /// The summary line first (it is all a one-row pane shows), then detail lines, most useful first.
    static func lines(_ ch: Channel, _ s: ChannelStatistics, width: Int, rows: Int = .max) -> [String] {
        let c = ch.counters
        let spark = Fmt.sparkline(Fmt.buckets(s.postsByWeek.map { Int64($0) }, width: 24))
        var out = [
            "views/week \(Fmt.count(c.viewsPerWeek)) · views/month \(Fmt.count(c.viewsPerMonth)) · posts \(s.postCount)"
                + " · \(Fmt.decimal(s.postsPerWeek))/week · mentions \(Fmt.count(c.mentionsIn)) · \(Fmt.count(c.mentionsFrom))"
                + " · \(Fmt.count(c.forwardedChannels)) · \(spark)"
        ]
        guard rows > 1 else { return out }
        out.append(contentsOf: Report.lines(ch, s, width: width))
        return out
    }
}

/// The labelled statistics of a channel as aligned text lines: `feedtui stats` and the pane's detail rows.
enum Report {
    static func rows(_ ch: Channel, _ s: ChannelStatistics, width: Int = 48) -> [(String, String)] {
        let c = ch.counters
        var rows: [(String, String)] = [
            ("subscribers", Fmt.count(ch.subscribers)),
            ("views per week", Fmt.count(c.viewsPerWeek)),
            ("views per month", Fmt.count(c.viewsPerMonth)),
            ("mentions in", Fmt.count(c.mentionsIn)),
            ("mentions from", Fmt.count(c.mentionsFrom)),
            ("forwarded channels", Fmt.count(c.forwardedChannels)),
            ("posts", String(s.postCount)),
            ("date span", span(s)),
            ("posts per week", Fmt.decimal(s.postsPerWeek)),
            ("views total", s.viewsTotal.map(Fmt.grouped) ?? Fmt.unknown),
            ("views mean", s.viewsMean.map { Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            ("views median", s.viewsMedian.map { Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            ("with media", Fmt.percent(s.mediaShare)),
            ("with links", Fmt.percent(s.linkShare)),
            ("engagement", s.engagementRate.map { Fmt.percent($0) } ?? Fmt.unknown),
            ("rating", rating(ch.rating)),
        ]
        let sparkWidth = max(8, width - 22)
        rows.append(("posts/week", Fmt.sparkline(Fmt.buckets(s.postsByWeek.map { Int64($0) }, width: sparkWidth))))
        if s.postsWithViews > 0 {
            rows.append(("views/week", Fmt.sparkline(Fmt.buckets(s.viewsByWeek, width: sparkWidth))))
        }
        for (i, p) in s.topPosts.enumerated() {
            rows.append((i == 0 ? "top by views" : "", "\(Fmt.count(p.views)) \(Fmt.date(p).short) \(PostListPane.title(of: p))"))
        }
        if let skipped = ch.skipped.summary { rows.append(("skipped", skipped)) }
        return rows
    }

    static func lines(_ ch: Channel, _ s: ChannelStatistics, width: Int = 80) -> [String] {
        let rows = rows(ch, s, width: width)
        let labelWidth = rows.map(\.0.count).max() ?? 0
        return rows.map { label, value in
            label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + Sanitize.line(value)
        }
    }

    static func span(_ s: ChannelStatistics) -> String {
        guard let first = s.firstDate, let last = s.lastDate else { return Fmt.unknown }
        return "\(CivilTime(first).iso) – \(CivilTime(last).iso)"
    }

    static func rating(_ r: Rating?) -> String {
        guard let r else { return Fmt.unknown }
        guard r.votes > 0, let avg = r.average else { return "no votes" }
        return "\(RatingText.stars(avg)) \(Fmt.oneDecimal(avg)) (\(r.votes) votes)"
    }
}
