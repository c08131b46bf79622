import FeedModel

/// Every link of the selected post with its number (key L): j/k move, Enter opens, a number then Enter opens
/// that link, also beyond 9.
enum LinkListOverlay {
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        guard let post = state.channel.selectedPost else { return }
        let links = PostBodyPane.numberedLinks(post)
        let digits = String(links.count).count
        let rows = links.enumerated().map { i, link in
            String(repeating: " ", count: digits - String(i + 1).count) + "\(i + 1)  " + Sanitize.line(link)
        }
        let footer = "Enter or o opens · 12 Enter opens link 12 · q back"
        let width = min(area.width, max(footer.displayWidth + 4, (rows.map(\.displayWidth).max() ?? 0) + 4))
        let height = min(area.height, rows.count + 3)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        grid.fill(box)
        Frame.box(box, title: "Links", into: &grid, style: theme.focusedBorder)
        let visible = max(0, box.inner.height - 1)
        let top = max(0, min(state.linkCursor - visible + 1, rows.count - visible))
        for (row, i) in (top..<min(rows.count, top + visible)).enumerated() {
            let y = box.y + 1 + row
            let allowed = LinkOpener.isAllowed(links[i])
            grid.put(" " + rows[i], x: box.x + 1, y: y, limit: box.width - 2, style: allowed ? theme.link : theme.muted)
            if i == state.linkCursor { grid.restyle(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1)) { $0.reverse = true } }
        }
        grid.put(" " + footer, x: box.x + 1, y: box.maxY - 2, limit: box.width - 2, style: theme.muted)
    }
}
