import FeedModel

/// The top border: channel title, handle, reported weekly views and the rating.
enum HeaderBar {
    static func render(_ state: AppState, into grid: inout Grid, theme: Theme) {
        let ch = state.channel.channel
        var line: StyledLine = [Span(text: " " + ch.title, style: theme.title)]
        if let handle = ch.handle { line.append(Span(text: " @" + handle, style: theme.muted)) }
        if ch.counters.viewsPerWeek != nil || ch.subscribers == nil {
            line.append(Span(text: " ─ \(Fmt.count(ch.counters.viewsPerWeek)) views/week", style: theme.text))
        }
        if let subs = ch.subscribers { line.append(Span(text: " ─ \(Fmt.count(subs)) subscribers", style: theme.text)) }
        line.append(Span(text: " ─ ", style: theme.border))
        line.append(contentsOf: RatingText.header(ch.rating, theme: theme))
        if state.channels.count > 1 {
            line.append(Span(text: " ─ \(state.current + 1)/\(state.channels.count)", style: theme.muted))
        }
        line.append(Span(text: " ", style: theme.text))
        grid.put(line, x: 1, y: 0, limit: grid.width - 2)
    }
}

/// Stars and words for a rating, shared by the header and the statistics pane.
enum RatingText {
    static func stars(_ average: Double) -> String {
        let full = max(0, min(5, Int(average.rounded())))
        return String(repeating: "★", count: full) + String(repeating: "☆", count: 5 - full)
    }

    static func header(_ rating: Rating?, theme: Theme) -> StyledLine {
        guard let rating, rating.votes > 0, let average = rating.average else {
            return [Span(text: "★ no rating yet — r to rate", style: theme.muted)]
        }
        let votes = rating.votes == 1 ? "1 vote" : "\(Fmt.grouped(Int64(rating.votes))) votes"
        return [
            Span(text: stars(average), style: theme.star),
            Span(text: " \(Fmt.oneDecimal(average)) (\(votes))", style: theme.text),
        ]
    }
}
