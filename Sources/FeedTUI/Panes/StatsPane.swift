import FeedModel

/// The statistics pane: a summary line, then the labelled values in columns, then sparklines and the top posts.
/// `feedtui stats` prints the same rows (`Report`), so the two always agree.
enum StatsPane {
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        guard area.height > 0, area.width > 2 else { return }
        let view = state.channel
        let x = area.x + 1
        let width = area.width - 2
        grid.put(summary(view.channel, view.stats), x: x, y: area.y, limit: width)
        let report = Report(view.channel, view.stats, mine: view.userRating, sparkWidth: max(8, width - 20))
        var y = area.y + 1
        let free = area.maxY - y
        // Full-width rows (sparklines, top posts) go below the columns when there is room for them.
        let wide = free > 4 ? Array(report.series.prefix(max(0, free - 3))) : []
        let columnRows = free - wide.count
        guard columnRows > 0 else { return }
        let columns = max(1, min(4, width / 40))
        let perColumn = max(columnRows, (report.values.count + columns - 1) / columns)
        let labelWidth = report.values.map(\.label.count).max() ?? 0
        let columnWidth = width / columns
        for (i, row) in report.values.enumerated() {
            let col = i / perColumn
            let r = i % perColumn
            guard col < columns, r < columnRows else { continue }
            let cx = x + col * columnWidth
            grid.put(row.label, x: cx, y: y + r, limit: labelWidth, style: theme.muted)
            grid.put(row.value, x: cx + labelWidth + 1, y: y + r, limit: columnWidth - labelWidth - 2)
        }
        y += columnRows
        for row in wide {
            grid.put(row.label, x: x, y: y, limit: labelWidth, style: theme.muted)
            grid.put(row.value, x: x + labelWidth + 1, y: y, limit: width - labelWidth - 1, style: theme.date)
            y += 1
        }
    }

    /// The one line a small pane shows: the reported counters the source has (a group shows when any of its
    /// values is known), then the posting rhythm.
    static func summary(_ ch: Channel, _ s: ChannelStatistics) -> String {
        let c = ch.counters
        var parts: [String] = []
        if let subs = ch.subscribers { parts.append("subscribers \(Fmt.count(subs))") }
        if c.viewsPerWeek != nil || c.viewsPerMonth != nil {
            parts.append("views/week \(Fmt.count(c.viewsPerWeek))")
            parts.append("views/month \(Fmt.count(c.viewsPerMonth))")
        }
        parts += ["posts \(s.postCount)", "\(Fmt.decimal(s.postsPerWeek))/week"]
        if c.mentionsIn != nil || c.mentionsFrom != nil || c.forwardedChannels != nil {
            parts.append("mentions \(Fmt.count(c.mentionsIn)) · \(Fmt.count(c.mentionsFrom)) · \(Fmt.count(c.forwardedChannels))")
        }
        parts.append(Fmt.sparkline(Fmt.buckets(s.postsByWeek.map { Int64($0) }, width: 16)))
        return parts.joined(separator: " · ")
    }
}

/// The statistics of a channel as labelled rows: single values, then series and top posts.
struct Report {
    struct Row {
        var label: String
        var value: String
    }

    var values: [Row]
    var series: [Row]

    init(_ ch: Channel, _ s: ChannelStatistics, mine: Int? = nil, sparkWidth: Int = 52) {
        let c = ch.counters
        let about = s.viewsApproximate ? "≈" : ""
        values = [
            Row(label: "subscribers", value: Fmt.count(ch.subscribers)),
            Row(label: "views per week", value: Fmt.count(c.viewsPerWeek)),
            Row(label: "views per month", value: Fmt.count(c.viewsPerMonth)),
            Row(label: "mentions in", value: Fmt.count(c.mentionsIn)),
            Row(label: "mentions from", value: Fmt.count(c.mentionsFrom)),
            Row(label: "forwarded channels", value: Fmt.count(c.forwardedChannels)),
            Row(label: "posts", value: String(s.postCount)),
            Row(label: "first post", value: s.firstDate.map { CivilTime($0).iso } ?? Fmt.unknown),
            Row(label: "last post", value: s.lastDate.map { CivilTime($0).iso } ?? Fmt.unknown),
            Row(label: "posts per week", value: Fmt.decimal(s.postsPerWeek)),
            Row(label: "views total", value: s.viewsTotal.map { about + Fmt.grouped($0) } ?? Fmt.unknown),
            Row(label: "views mean", value: s.viewsMean.map { about + Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "views median", value: s.viewsMedian.map { about + Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "with media", value: Fmt.percent(s.mediaShare)),
            Row(label: "with links", value: Fmt.percent(s.linkShare)),
            Row(label: "engagement", value: s.engagementRate.map { about + Fmt.percent($0) } ?? Fmt.unknown),
            Row(label: "rating", value: RatingText.text(ch.rating, mine: mine)),
        ]
        series = [
            Row(label: "posts/week", value: Fmt.sparkline(Fmt.buckets(s.postsByWeek.map { Int64($0) }, width: sparkWidth)))
        ]
        if s.postsWithViews > 0 {
            series.append(Row(label: "views/week", value: Fmt.sparkline(Fmt.buckets(s.viewsByWeek, width: sparkWidth))))
        }
        for (i, p) in s.topPosts.enumerated() {
            series.append(Row(
                label: i == 0 ? "top by views" : "",
                value: "\(Fmt.count(p.views)) · \(Fmt.date(p).short) · \(PostListPane.title(of: p))"))
        }
        if let skipped = ch.skipped.summary { series.append(Row(label: "skipped", value: skipped)) }
    }

    /// Aligned `label  value` lines, for `feedtui stats`.
    var lines: [String] {
        let rows = values + series
        let labelWidth = rows.map(\.label.count).max() ?? 0
        return rows.map { row in
            row.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + Sanitize.line(row.value)
        }
    }
}
