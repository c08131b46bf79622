import FeedModel

/// The top border: channel title, handle, reported weekly views and the rating.
enum HeaderBar {
    static func render(_ state: AppState, into grid: inout Grid, theme: Theme) {
        let ch = state.channel.channel
        var line: StyledLine = [Span(text: " ", style: theme.title), Span(text: ch.title, style: theme.title, direction: Bidi.direction(of: ch.title))]
        if let handle = ch.handle { line.append(Span(text: " @" + handle, style: theme.muted)) }
        // Only what the source reported: an RSS feed has no weekly views to show.
        if let views = ch.counters.viewsPerWeek {
            line.append(Span(text: " ─ \(Fmt.count(views)) views/week", style: theme.text))
        }
        if let subs = ch.subscribers { line.append(Span(text: " ─ \(Fmt.count(subs)) subscribers", style: theme.text)) }
        line.append(Span(text: " ─ ", style: theme.border))
        line.append(contentsOf: RatingText.header(ch.rating, mine: state.channel.userRating, rateKey: state.channel.isQuery ? nil : state.config.keys.label(.rate), theme: theme))
        if state.channels.count > 1 {
            line.append(Span(text: " ─ \(state.current + 1)/\(state.channels.count)", style: theme.muted))
        }
        line.append(Span(text: " ", style: theme.text))
        // Where the selected post is in the list, at the right end: " 12/240 ".
        let view = state.channel
        let position = view.total == 0 ? "" : " \(view.selected + 1)/\(view.total) "
        let room = grid.width - 2 - position.displayWidth - 1
        grid.put(line, x: 1, y: 0, limit: room > 20 ? room : grid.width - 2)
        if room > 20 { grid.put(position, x: grid.width - 1 - position.displayWidth, y: 0, style: theme.muted) }
    }
}

/// Stars and words for a rating, shared by the header and the statistics pane.
enum RatingText {
    static func stars(_ average: Double) -> String {
        let full = max(0, min(5, Int(average.rounded())))
        return String(repeating: "★", count: full) + String(repeating: "☆", count: 5 - full)
    }

    /// The source's rating: "★★★★☆ 4.0 (12 votes)", or nil when no one has rated there.
    static func source(_ rating: Rating?) -> String? {
        guard let r = rating, r.votes > 0, let average = r.average else { return nil }
        let votes = r.votes == 1 ? "1 vote" : "\(Fmt.grouped(Int64(r.votes))) votes"
        return "\(stars(average)) \(Fmt.oneDecimal(average)) (\(votes))"
    }

    /// The source's rating and, beside it and never blended into its average or votes, the user's own vote:
    /// "★★★★☆ 4.0 (12 votes) · yours: 5", "no rating yet · yours: 4".
    static func text(_ rating: Rating?, mine: Int?) -> String {
        (source(rating) ?? "no rating yet") + (mine.map { " · yours: \($0)" } ?? "")
    }

    /// `rateKey`: the key that rates, as bound (nil: unbound, no invitation).
    static func header(_ rating: Rating?, mine: Int?, rateKey: String?, theme: Theme) -> StyledLine {
        let words = text(rating, mine: mine)
        guard source(rating) != nil, let space = words.firstIndex(of: " ") else {
            return [Span(text: "★ " + words + (mine == nil ? rateKey.map { " — \($0) to rate" } ?? "" : ""), style: theme.muted)]
        }
        return [Span(text: String(words[..<space]), style: theme.star), Span(text: String(words[space...]), style: theme.text)]
    }
}
