import FeedModel

/// The bottom row: the open prompt (search, rating), else a status message, else the key hints (under 80
/// columns: the pane shown). The row is redrawn whole, so nothing of a longer earlier text stays behind.
enum StatusBar {
    static func render(_ state: AppState, singlePane: Bool, into grid: inout Grid, theme: Theme) {
        let y = grid.height - 1
        let limit = grid.width - 2
        guard limit > 0 else { return }
        grid.put("└" + String(repeating: "─", count: limit) + "┘", x: 0, y: y, style: theme.border)
        switch state.prompt {
        case .search:
            let s = state.channel.search
            let query = s?.query ?? ""
            let counter = query.isEmpty ? "type to search · Enter keeps · Esc cancels" : (s?.counter ?? "")
            let line: StyledLine = [
                Span(text: " /", style: theme.title), Span(text: query, style: theme.text),
                Span(text: "▏", style: theme.title), Span(text: "  \(counter) ", style: s?.matches?.isEmpty == false || query.isEmpty ? theme.muted : theme.warning),
            ]
            grid.put(line, x: 1, y: y, limit: limit)
        case .searchLibrary:
            let s = state.librarySearch
            let query = s?.query ?? ""
            let counter =
                query.isEmpty ? "search every channel · Enter lists the matches · Esc cancels"
                : s?.matches == nil ? "searching…" : s?.total == 0 ? "no match" : "\(s?.total ?? 0) in the library"
            let line: StyledLine = [
                Span(text: " F ", style: theme.title), Span(text: query, style: theme.text),
                Span(text: "▏", style: theme.title), Span(text: "  \(counter) ", style: s?.total == 0 && !query.isEmpty ? theme.warning : theme.muted),
            ]
            grid.put(line, x: 1, y: y, limit: limit)
        case .markEveryChannelRead:
            // Asked on the home screen only, which draws its own bottom line.
            break
        case .rate:
            grid.put(" rate this channel: 1–5 stars, 0 withdraws your vote, any other key cancels ", x: 1, y: y, limit: limit, style: theme.star)
        case nil:
            var text: String
            if let status = state.status ?? state.saveProblem ?? state.refresh?.text {
                text = status
            } else if let p = state.channel.importing {
                // A first import is going on: the list holds what is in so far, never shown as complete.
                let filled = Int(p.share * 20)
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled)
                let percent = Int(p.share * 100)
                let posts = { (n: Int) in Fmt.count(Count(Int64(n))) }
                let step =
                    switch (p.total, p.ordered) {
                    case (nil, _): "\(percent)% of the file · \(posts(p.imported)) posts so far"
                    case (let total?, nil): "\(percent)% · \(posts(p.imported)) of \(posts(total)) posts"
                    case (let total?, _?): "\(percent)% · putting \(posts(total)) posts in order"
                    }
                text = "importing \(bar) \(step) — q cancels"
            } else if singlePane {
                text = switch state.focus { case .list: "Posts"; case .body: "Post"; case .stats: "Statistics" }
                if let s = state.channel.search { text += " · /\(s.query) \(s.counter) · n/N" }
                text += " · Tab switches"
            } else {
                text = state.config.keys.hintLine(inPost: state.mode == .post)
                if let next = nextRefreshText(state) { text = next + " · " + text }
                if let s = state.channel.search { text = "/\(s.query) \(s.counter) · n/N  " + text }
            }
            if let n = state.countPrefix { text = "\(n)  " + text }
            let message = state.status != nil || state.saveProblem != nil
            let style = message ? theme.warning : theme.muted
            // A message longer than the line wraps upwards over the screen until the next key, so it is read whole.
            let lines = message ? text.wrapped(toWidth: max(1, limit - 2)) : [text]
            let rows = Array(lines.suffix(max(1, grid.height - 1)))
            for (i, line) in rows.enumerated() {
                let row = y - (rows.count - 1 - i)
                if row < y { grid.fill(Rect(x: 1, y: row, width: limit, height: 1)) }
                grid.put(" " + line + " ", x: 1, y: row, limit: limit, style: style)
            }
        }
    }
}
