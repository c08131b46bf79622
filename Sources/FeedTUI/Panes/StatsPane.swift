import FeedModel

/// The statistics pane: a summary line, then the labelled values in columns, then sparklines and the top posts.
/// `feedtui stats` prints the same rows (`Report`), so the two always agree.
enum StatsPane {
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        guard area.height > 0, area.width > 2 else { return }
        let view = state.channel
        let x = area.x + 1
        var width = area.width - 2
        let summaryLine = summary(view.channel, view.stats)
        grid.put(summaryLine, x: x, y: area.y, limit: width)
        var y = area.y + 1
        let free = area.maxY - y
        // The posting rhythm (weekday × hour) takes the right-hand side when the pane is large enough.
        let rhythm = Report.rhythmLines(view.stats)
        let rhythmWidth = (rhythm.map(\.displayWidth).max() ?? 0) + 2
        if view.stats.postCount > 0, free >= rhythm.count, width - rhythmWidth >= 80 {
            width -= rhythmWidth
            for (i, line) in rhythm.enumerated() {
                grid.put(line, x: x + width + 2, y: y + i, style: i == 0 ? theme.muted : theme.date)
            }
        }
        let report = Report(view.channel, view.stats, mine: view.userRating, sparkWidth: max(8, width - 20))
        // Values the summary line already shows in full are not repeated; full-width rows (sparklines, top posts)
        // get the rows the columns leave.
        let shown = summaryLine.displayWidth <= area.width - 2 ? summaryLabels(view.channel) : []
        let values = report.values.filter { !shown.contains($0.label) }
        let columns = max(1, min(4, width / 40))
        if columns == 1 {
            // A narrow pane is one scrolling column (j/k when it has the focus) of everything.
            let lines = narrowLines(report, view.stats)
            let top = max(0, min(view.statsTop, lines.count - free))
            for (row, line) in lines.dropFirst(top).prefix(free).enumerated() {
                grid.put(line, x: x, y: y + row, limit: width)
            }
            return
        }
        let columnRows = min(free, (values.count + columns - 1) / columns)
        let wide = Array(report.series.prefix(max(0, free - columnRows)))
        let perColumn = max(1, columnRows)
        let labelWidth = report.values.map(\.label.count).max() ?? 0
        let columnWidth = width / columns
        for (i, row) in values.enumerated() {
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
    /// How far a one-column pane in `area` can scroll (0 when everything fits or the pane has columns).
    static func maxTop(_ view: ChannelView, in area: Rect) -> Int {
        let width = area.width - 2
        guard width / 40 <= 1 else { return 0 }
        let lines = narrowLines(Report(view.channel, view.stats, mine: view.userRating), view.stats)
        return max(0, lines.count - (area.height - 1))
    }

    /// Every row of a one-column pane: values, series, then the posting rhythm.
    static func narrowLines(_ report: Report, _ s: ChannelStatistics) -> [String] {
        let rows = report.values + report.series
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let aligned = rows.map { $0.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " " + $0.value }
        return s.postCount > 0 ? aligned + [""] + Report.rhythmLines(s) : aligned
    }

    /// The labels of the rows whose values the summary line shows.
    static func summaryLabels(_ ch: Channel) -> Set<String> {
        let c = ch.counters
        var labels: Set<String> = ["posts", "post rate"]
        if ch.subscribers != nil { labels.insert("subscribers") }
        if c.viewsPerWeek != nil || c.viewsPerMonth != nil { labels.formUnion(["views per week", "views per month"]) }
        if c.mentionsIn != nil || c.mentionsFrom != nil || c.forwardedChannels != nil {
            labels.formUnion(["mentions in", "mentions from", "forwarded channels"])
        }
        return labels
    }

    static func summary(_ ch: Channel, _ s: ChannelStatistics) -> String {
        let c = ch.counters
        var parts: [String] = []
        if let subs = ch.subscribers { parts.append("subscribers \(Fmt.count(subs))") }
        if c.viewsPerWeek != nil || c.viewsPerMonth != nil {
            parts.append("views/week \(Fmt.count(c.viewsPerWeek))")
            parts.append("views/month \(Fmt.count(c.viewsPerMonth))")
        }
        parts += ["posts \(s.postCount)", Fmt.rate(s.postRate)]
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

    /// Posts by weekday (rows) and hour (columns), in the zone each post was written in (UTC when unknown):
    /// a ruler line, then Mon…Sun shaded from `·` (none) to `█` (the busiest hour).
    static func rhythmLines(_ s: ChannelStatistics) -> [String] {
        let top = s.weekdayHour.flatMap { $0 }.max() ?? 0
        let shades = Array("░▒▓█")
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let ruler = "hour 0     6     12    18"
        return [ruler] + zip(days, s.weekdayHour).map { day, hours in
            day + "  " + String(hours.map { n -> Character in
                guard n > 0, top > 0 else { return "·" }
                return shades[min(3, (n * 4 - 1) / top)]
            })
        }
    }

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
            Row(label: "posts", value: String(s.postCount) + (s.undatedPosts > 0 ? " (\(s.undatedPosts) without date)" : "")),
            Row(label: "first post", value: s.firstDate.map { CivilTime($0).iso } ?? Fmt.unknown),
            Row(label: "last post", value: s.lastDate.map { CivilTime($0).iso } ?? Fmt.unknown),
            Row(label: "post rate", value: Fmt.rate(s.postRate)),
            Row(label: "views total", value: s.viewsTotal.map { about + Fmt.grouped($0) } ?? Fmt.unknown),
            Row(label: "views mean", value: s.viewsMean.map { about + Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "views median", value: s.viewsMedian.map { about + Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "with media", value: Fmt.percent(s.mediaShare)),
            Row(label: "with links", value: Fmt.percent(s.linkShare)),
            Row(label: "engagement", value: s.engagementRate.map { about + Fmt.percent($0) } ?? Fmt.unknown),
        ]
        // The rating's text is long ("★★★★☆ 4.0 (12 votes) · yours: 4"): it gets a full-width row.
        series = [
            Row(label: "rating", value: RatingText.text(ch.rating, mine: mine)),
            Row(label: "posts/week", value: Fmt.sparkline(Fmt.buckets(s.postsByWeek.map { Int64($0) }, width: sparkWidth)))
        ]
        if s.postsWithViews > 0 {
            series.append(Row(label: "views/week", value: Fmt.sparkline(Fmt.buckets(s.viewsByWeek, width: sparkWidth))))
        }
        for (i, p) in s.topPosts.enumerated() {
            series.append(Row(
                label: i == 0 ? "top by views" : "",
                value: "\(Fmt.count(p.views)) · \(Fmt.shortDate(p)) · \(PostListPane.title(of: p))"))
        }
        if let skipped = ch.skipped.summary { series.append(Row(label: "skipped", value: skipped)) }
    }

    /// Aligned `label  value` lines, for `feedtui stats`, then the posting rhythm.
    func lines(_ s: ChannelStatistics) -> [String] {
        let rows = values + series
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let aligned = rows.map { row in
            row.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + Sanitize.line(row.value)
        }
        guard s.postCount > 0 else { return aligned }
        return aligned + ["", "posting rhythm (weekday × hour, the posts' own time zone or UTC)"] + Self.rhythmLines(s)
    }
}
