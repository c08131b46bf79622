import FeedModel

/// The list of open channels (key c): title, handle, posts; Enter switches.
enum ChannelListOverlay {
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        let rows = state.channels.enumerated().map { i, view in
            let ch = view.channel
            return "\(i + 1). \(ch.title)\(ch.handle.map { " @\($0)" } ?? "") · \(view.stats.postCount) posts"
        }
        let width = min(area.width, max(30, (rows.map(\.displayWidth).max() ?? 0) + 6))
        let height = min(area.height, rows.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        grid.fill(box)
        Frame.box(box, title: "Channels", into: &grid, style: theme.focusedBorder)
        let visible = box.inner.height
        let top = max(0, min(state.channelCursor - visible + 1, rows.count - visible))
        for (row, i) in (top..<min(rows.count, top + visible)).enumerated() {
            let y = box.y + 1 + row
            let marker = i == state.current ? "●" : " "
            grid.put("\(marker) " + rows[i], x: box.x + 1, y: y, limit: box.width - 2)
            if i == state.channelCursor { grid.restyle(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1)) { $0.reverse = true } }
        }
    }
}
