import FeedModel

/// The statistics pane: a summary line, then the labelled values in columns, then sparklines and the top posts.
/// `feedtui stats` prints the same rows (`Report`), so the two always agree.
enum StatsPane {
    /// The summary line stays; below it every row scrolls (j/k, PgDn/PgUp, g/G when the pane has the focus),
    /// at every size, with a mark while more rows are below.
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        guard area.height > 0, area.width > 2 else { return }
        let view = state.channel
        let x = area.x + 1
        let width = area.width - 2
        grid.put(summary(view.channel, view.stats, pending: view.pending(on: state.clock)), x: x, y: area.y, limit: width)
        let lines = lines(view, clock: state.clock, width: width, theme: theme)
        let rows = area.height - 1
        let top = max(0, min(view.statsTop, lines.count - rows))
        // While rows are below, the last row says how many (and never hides a value).
        let more = rows > 1 && lines.count - top > rows
        let shown = more ? rows - 1 : rows
        for (row, line) in lines.dropFirst(top).prefix(shown).enumerated() {
            grid.put(line, x: x, y: area.y + 1 + row, limit: width)
        }
        if more {
            let below = lines.count - top - shown
            grid.put("↓ \(below) more row\(below == 1 ? "" : "s")", x: x, y: area.maxY - 1, limit: width, style: theme.title)
        }
    }

    /// How far the pane in `area` can scroll.
    static func maxTop(_ view: ChannelView, clock: Clock, in area: Rect) -> Int {
        max(0, lines(view, clock: clock, width: area.width - 2, theme: .monochrome).count - (area.height - 1))
    }

    /// Every row under the summary line for a pane `width` wide: the values in as many columns as fit, then the
    /// full-width rows (rating, sparklines, top posts, skipped), with the posting rhythm on the right when there is
    /// room for it beside 80 columns, else below.
    static func lines(_ view: ChannelView, clock: Clock, width fullWidth: Int, theme: Theme) -> [StyledLine] {
        var width = fullWidth
        let pending = view.pending(on: clock)
        let rhythm = view.stats.postCount == 0 ? [] : pending.map { [Report.ruler, $0] } ?? Report.rhythmLines(view.stats)
        let rhythmWidth = (rhythm.map(\.displayWidth).max() ?? 0) + 2
        let rhythmBeside = !rhythm.isEmpty && width - rhythmWidth >= 80
        if rhythmBeside { width -= rhythmWidth }
        let report = Report(
            view.channel, view.stats, clock: clock, pending: pending, mine: view.userRating, reach: view.reach, sparkWidth: max(8, width - 20),
            ignored: view.stored.ignored)
        let columns = max(1, min(4, width / 40))
        // Values the summary line already shows in full are not repeated in columns.
        let summaryLine = summary(view.channel, view.stats, pending: pending)
        let shown = columns > 1 && summaryLine.displayWidth <= fullWidth ? summaryLabels(view.channel) : []
        let values = report.values.filter { !shown.contains($0.label) }
        let labelWidth = (report.values + report.series).map(\.label.displayWidth).max() ?? 0
        func pad(_ text: String, _ w: Int) -> String {
            let t = text.truncated(toWidth: w)
            return t + String(repeating: " ", count: max(0, w - t.displayWidth))
        }
        func cell(_ row: Report.Row, _ w: Int, _ style: Style) -> StyledLine {
            [Span(text: pad(row.label, labelWidth) + " ", style: theme.muted), Span(text: pad(row.value, max(0, w - labelWidth - 1)), style: style)]
        }
        var out: [StyledLine] = []
        let perColumn = (values.count + columns - 1) / columns
        let columnWidth = width / columns
        for r in 0..<perColumn {
            var line: StyledLine = []
            for col in 0..<columns where col * perColumn + r < values.count {
                line += cell(values[col * perColumn + r], col == columns - 1 ? columnWidth : columnWidth - 1, theme.text)
                if col < columns - 1 { line.append(Span(text: " ", style: theme.text)) }
            }
            out.append(line)
        }
        out += report.series.map { cell($0, width, theme.date) }
        guard !rhythm.isEmpty else { return out }
        if rhythmBeside {
            while out.count < rhythm.count { out.append([]) }
            for (i, r) in rhythm.enumerated() {
                let used = out[i].reduce(0) { $0 + $1.text.displayWidth }
                out[i] += [Span(text: String(repeating: " ", count: max(0, width + 2 - used)), style: theme.text),
                           Span(text: r, style: i == 0 ? theme.muted : theme.date)]
            }
            return out
        }
        return out + [[]] + rhythm.enumerated().map { i, r in [Span(text: r, style: i == 0 ? theme.muted : theme.date)] }
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

    /// `pending` stands for the weekly sparkline while it is counted on this run's clock.
    static func summary(_ ch: Channel, _ s: ChannelStatistics, pending: String? = nil) -> String {
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
        parts.append(pending ?? Fmt.sparkline(Fmt.buckets(s.postsByWeek.map { Int64($0) }, width: 16)))
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

    static let ruler = "hour 0     6     12    18"

    /// Posts by weekday (rows) and hour (columns), on the clock the statistics were counted on: a ruler line,
    /// then Mon…Sun shaded from `·` (none) to `█` (the busiest hour).
    static func rhythmLines(_ s: ChannelStatistics) -> [String] {
        let top = s.weekdayHour.flatMap { $0 }.max() ?? 0
        let shades = Array("░▒▓█")
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return [ruler] + zip(days, s.weekdayHour).map { day, hours in
            day + "  " + String(hours.map { n -> Character in
                guard n > 0, top > 0 else { return "·" }
                return shades[min(3, (n * 4 - 1) / top)]
            })
        }
    }

    /// `s` counted on `clock`, or `pending` standing for the values that depend on the clock (the weekly series)
    /// while they are counted on it.
    init(
        _ ch: Channel, _ s: ChannelStatistics, clock: Clock, pending: String? = nil, mine: Int? = nil, reach: ViewReach? = nil,
        sparkWidth: Int = 52, ignored: Int = 0
    ) {
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
            // Each at its own post's offset under the post rule; statistics of an older feedtui lack them until counted.
            Row(label: "first post", value: s.firstPost.map { clock.civil($0).iso } ?? pending ?? Fmt.unknown),
            Row(label: "last post", value: s.lastPost.map { clock.civil($0).iso } ?? pending ?? Fmt.unknown),
            Row(label: "post rate", value: Fmt.rate(s.postRate)),
            Row(label: "views total", value: s.viewsTotal.map { about + Fmt.grouped($0) } ?? Fmt.unknown),
            Row(label: "views mean", value: s.viewsMean.map { about + Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "views median", value: s.viewsMedian.map { about + Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "with media", value: Fmt.percent(s.mediaShare)),
            Row(label: "with links", value: Fmt.percent(s.linkShare)),
            Row(label: "engagement", value: s.engagementRate.map { about + Fmt.percent($0) } ?? Fmt.unknown),
            // From the library's view history only: "—" until two refreshes bracket a post's 24th (48th) hour.
            Row(label: "reach at 24 h", value: reach?.reach24.map { Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "reach at 48 h", value: reach?.reach48.map { Fmt.grouped(Int64($0.rounded())) } ?? Fmt.unknown),
            Row(label: "ERR", value: Fmt.percent(reach?.err)),
        ]
        // The rating's text is long ("★★★★☆ 4.0 (12 votes) · yours: 4"): it gets a full-width row.
        series = [
            Row(label: "dates in", value: s.firstPost?.wallClock == true ? "the source's own wall-clock times (it gave no zone)" : clock.description),
            Row(label: "rating", value: RatingText.text(ch.rating, mine: mine)),
            Row(label: "posts/week", value: pending ?? Fmt.sparkline(Fmt.buckets(s.postsByWeek.map { Int64($0) }, width: sparkWidth)))
        ]
        if s.postsWithViews > 0 {
            series.append(Row(label: "views/week", value: pending ?? Fmt.sparkline(Fmt.buckets(s.viewsByWeek, width: sparkWidth))))
        }
        for (i, p) in s.topPosts.enumerated() {
            series.append(Row(
                label: i == 0 ? "top by views" : "",
                value: "\(Fmt.count(p.views)) · \(Fmt.shortDate(p, clock)) · \(PostListPane.title(of: p))"))
        }
        if let skipped = ch.skipped.summary { series.append(Row(label: "skipped", value: skipped)) }
        if ignored > 0 { series.append(Row(label: "ignored", value: "\(ignored) post\(ignored == 1 ? "" : "s") hidden by ignore in config.toml")) }
        if let notice = ch.notice { series.append(Row(label: "note", value: notice)) }
    }

    /// Aligned `label  value` lines, for `feedtui stats`, then the posting rhythm.
    func lines(_ s: ChannelStatistics) -> [String] {
        let rows = values + series
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let aligned = rows.map { row in
            row.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + Sanitize.line(row.value)
        }
        guard s.postCount > 0 else { return aligned }
        return aligned + ["", "posting rhythm (weekday × hour, on the clock of \"dates in\")"] + Self.rhythmLines(s)
    }
}
