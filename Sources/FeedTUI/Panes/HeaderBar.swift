import FeedModel

/// The top border: channel title, handle, reported weekly views and the rating.
enum HeaderBar {
    static func render(_ state: AppState, into grid: inout Grid, theme: Theme) {
        let ch = state.channel.channel
        var line: StyledLine = [Span(text: " " + ch.title, style: theme.title)]
        if let handle = ch.handle { line.append(Span(text: " @" + handle, style: theme.muted)) }
        // Only what the source reported: an RSS feed has no weekly views to show.
        if let views = ch.counters.viewsPerWeek {
            line.append(Span(text: " ─ \(Fmt.count(views)) views/week", style: theme.text))
        }
        if let subs = ch.subscribers { line.append(Span(text: " ─ \(Fmt.count(subs)) subscribers", style: theme.text)) }
        line.append(Span(text: " ─ ", style: theme.border))
        line.append(contentsOf: RatingText.header(ch.rating, mine: state.channel.userRating, theme: theme))
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

    /// The source's votes with the user's own vote counted in.
    static func combined(_ rating: Rating?, mine: Int?) -> Rating? {
        let votes = rating?.votes ?? 0
        let average = rating?.average
        guard let mine else { return votes > 0 && average != nil ? rating : nil }
        let total = (average ?? 0) * Double(votes) + Double(mine)
        return Rating(votes: votes + 1, average: total / Double(votes + 1))
    }

    /// "★★★★☆ 4.0 (1 vote, yours: 4)", or "no rating yet".
    static func text(_ rating: Rating?, mine: Int?) -> String {
        guard let r = combined(rating, mine: mine), let average = r.average else { return "no rating yet" }
        let votes = r.votes == 1 ? "1 vote" : "\(Fmt.grouped(Int64(r.votes))) votes"
        let yours = mine.map { ", yours: \($0)" } ?? ""
        return "\(stars(average)) \(Fmt.oneDecimal(average)) (\(votes)\(yours))"
    }

    static func header(_ rating: Rating?, mine: Int?, theme: Theme) -> StyledLine {
        let words = text(rating, mine: mine)
        guard let space = words.firstIndex(of: " "), combined(rating, mine: mine) != nil else {
            return [Span(text: "★ " + words + " — r to rate", style: theme.muted)]
        }
        return [Span(text: String(words[..<space]), style: theme.star), Span(text: String(words[space...]), style: theme.text)]
    }
}
