import FeedModel

/// The matches of a library search (key F): channel, date and first line of each post; Enter opens it.
enum LibraryMatchesOverlay {
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        guard let search = state.librarySearch, let matches = search.matches else { return }
        let box = Rect(x: area.x + 2, y: area.y + 1, width: max(10, area.width - 4), height: max(3, area.height - 2))
        grid.fill(box)
        let shown = matches.count < search.total ? "first \(matches.count) of \(search.total)" : "\(search.total)"
        Frame.box(box, title: "“\(search.query)” in the library: \(shown)", into: &grid, style: theme.focusedBorder)
        let visible = box.inner.height
        let top = max(0, min(search.cursor - visible + 1, matches.count - visible))
        for (row, i) in (top..<min(matches.count, top + visible)).enumerated() {
            let y = box.y + 1 + row
            let m = matches[i]
            let line: StyledLine = [
                Span(text: " " + Fmt.shortDate(m.post, state.clock) + "  ", style: theme.date),
                Span(text: m.channelTitle + " · ", style: theme.title),
                Span(text: PostListPane.title(of: m.post), style: theme.text),
            ]
            grid.put(Highlight.matches(of: search.query, in: line, style: theme.match), x: box.x + 1, y: y, limit: box.width - 2)
            if i == search.cursor { grid.restyle(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1)) { $0.reverse = true } }
        }
    }
}
