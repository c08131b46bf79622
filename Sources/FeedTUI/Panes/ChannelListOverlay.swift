import FeedModel

/// The list of open channels (key c): number, title, handle (and the file where names repeat), posts; Enter
/// switches, a number then Enter opens that channel.
enum ChannelListOverlay {
    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        let rows = rows(state.channels)
        let width = min(area.width, max(30, (rows.map { $0.reduce(0) { $0 + $1.text.displayWidth } }.max() ?? 0) + 6))
        let height = min(area.height, rows.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        grid.fill(box)
        Frame.box(box, title: "Channels", into: &grid, style: theme.focusedBorder)
        let visible = box.inner.height
        let top = max(0, min(state.channelCursor - visible + 1, rows.count - visible))
        for (row, i) in (top..<min(rows.count, top + visible)).enumerated() {
            let y = box.y + 1 + row
            let marker = i == state.current ? "●" : " "
            grid.put([Span(text: "\(marker) ", style: .plain)] + rows[i], x: box.x + 1, y: y, limit: box.width - 2)
            if i == state.channelCursor { grid.restyle(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1)) { $0.reverse = true } }
        }
    }

    /// " 2. Title @handle (file.json) · 1 post", numbers right-aligned, the title in its own direction.
    static func rows(_ channels: [ChannelView]) -> [StyledLine] {
        let titles = channels.map { Sanitize.line($0.channel.title) }
        let handles = channels.map { view in Sanitize.line(view.channel.handle.map { " @\($0)" } ?? "") }
        let names = zip(titles, handles).map { $0 + $1 }
        let digits = String(channels.count).count
        return channels.enumerated().map { i, view in
            let number = String(i + 1)
            let repeated = names.filter { $0 == names[i] }.count > 1
            let file = repeated ? view.source.map { " (\(Sanitize.line($0.split(separator: "/").last.map(String.init) ?? $0)))" } ?? "" : ""
            let count = view.stats.postCount
            let posts = count == 1 ? "1 post" : "\(Fmt.grouped(Int64(count))) posts"
            return [
                Span(text: String(repeating: " ", count: digits - number.count) + number + ". ", style: .plain),
                Span(text: titles[i], style: .plain, direction: Bidi.direction(of: titles[i])),
                Span(text: handles[i] + file + " · " + posts, style: .plain),
            ]
        }
    }
}
