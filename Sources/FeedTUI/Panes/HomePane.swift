import FeedModel
import Foundation

/// The home screen: every followed channel with its unread and total counts, when it was last refreshed and its
/// last error. Channels with unread posts are bold.
enum HomePane {
    /// Rows of channels that fit (inside the frame, below the column header).
    static func rows(_ size: Size) -> Int { max(1, size.height - 3) }

    static func render(_ state: AppState, into grid: inout Grid, theme: Theme) {
        guard let home = state.home else { return }
        let frame = Rect(x: 0, y: 0, width: grid.width, height: grid.height)
        Frame.box(frame, into: &grid, style: theme.border)
        let visible = home.visible
        var header: StyledLine = [Span(text: " feedtui", style: theme.title)]
        let unread = home.rows.compactMap(\.unread).reduce(0, +)
        header.append(Span(text: " ─ \(home.rows.count) followed · \(unread) unread", style: theme.text))
        if let tag = home.tag { header.append(Span(text: " ─ tag: \(tag) (\(visible.count))", style: theme.star)) }
        header.append(Span(text: " ", style: theme.text))
        grid.put(header, x: 1, y: 0, limit: grid.width - 2)
        let inner = frame.inner
        guard inner.height > 1, inner.width > 4 else { return }
        let x = inner.x
        let w = inner.width
        let titleWidth = min(44, max(16, w - 62))
        grid.put(column(" ", "unread", "posts", "channel", "refreshed", "last error or tags", titleWidth: titleWidth), x: x, y: inner.y, limit: w)
        grid.restyle(Rect(x: x, y: inner.y, width: w, height: 1)) { $0 = theme.muted }
        if visible.isEmpty {
            let why = home.rows.isEmpty ? "no channels followed — feedtui add @NAME" : "no channel has this tag" + (state.config.keys.label(.nextTag).map { " — \($0) for the next tag" } ?? "")
            grid.put(" " + why, x: x, y: inner.y + 1, limit: w, style: theme.muted)
        }
        for row in 0..<(inner.height - 1) {
            let i = home.top + row
            guard i < visible.count else { break }
            let r = visible[i]
            let y = inner.y + 1 + row
            let marker = i == home.cursor ? "▶" : " "
            let title = r.title + (r.title == r.source ? "" : "  \(r.source)")
            let line = column(
                marker, r.unread.map { String($0) } ?? Fmt.unknown, r.total.map { String($0) } ?? Fmt.unknown, title,
                Ago.text(r.lastRefresh, now: home.now), r.lastError ?? (r.tags.isEmpty ? "" : "#" + r.tags.joined(separator: " #")),
                titleWidth: titleWidth)
            let style = (r.unread ?? 0) > 0 ? theme.unread : theme.text
            grid.put(line, x: x, y: y, limit: w, style: style)
            if r.lastError != nil {
                let errorX = x + line.displayWidth - (r.lastError?.displayWidth ?? 0)
                grid.restyle(Rect(x: errorX, y: y, width: max(0, x + w - errorX), height: 1)) { $0 = theme.warning }
            }
            if i == home.cursor { grid.restyle(Rect(x: x, y: y, width: w, height: 1)) { $0.reverse = true } }
        }
        let asked = state.prompt == .markEveryChannelRead ? "mark every channel read? y marks them, any other key cancels" : nil
        var bottom = asked ?? state.status ?? state.refresh?.text ?? hint(state.config.keys)
        if bottom.isEmpty { bottom = " " }
        grid.put(" " + bottom + " ", x: 1, y: grid.height - 1, limit: grid.width - 2, style: state.status == nil && asked == nil ? theme.muted : theme.warning)
    }

    /// The home screen's key hints, from the key table.
    static func hint(_ keys: KeyTable) -> String {
        let words: [(Action, String)] = [
            (.moveDown, "move"), (.open, "open"), (.refreshAll, "refresh all"), (.refreshCurrent, "refresh"),
            (.nextUnread, "unread"), (.markChannelRead, "all read"), (.nextTag, "tag"), (.help, "help"), (.backOrQuit, "quit"),
        ]
        return words.compactMap { action, word in
            keys.label(action).map { "\($0) \(word)" }
        }.joined(separator: "  ")
    }

    /// marker · unread (6) · posts (6) · channel (what the width leaves, at most 44) · refreshed (11) · error or tags.
    static func column(
        _ marker: String, _ unread: String, _ total: String, _ title: String, _ refreshed: String, _ last: String, titleWidth: Int
    ) -> String {
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            let width = s.displayWidth
            guard width < n else { return s.truncated(toWidth: n) }
            let space = String(repeating: " ", count: n - width)
            return right ? space + s : s + space
        }
        return marker + pad(unread, 6, right: true) + " " + pad(total, 6, right: true) + "  " + pad(title, titleWidth) + "  "
            + pad(refreshed, 11) + " " + last
    }
}

extension PlainText {
    /// The home screen as text (`feedtui list`, and `feedtui` when standard output is not a terminal).
    static func home(_ rows: [HomeRow], now: Date) -> [String] {
        let width = max(16, min(44, rows.map { ($0.title + "  " + $0.source).displayWidth }.max() ?? 16))
        let header = HomePane.column(" ", "unread", "posts", "channel", "refreshed", "last error or tags", titleWidth: width)
        return [header] + rows.map { r in
            let title = r.title == r.source ? r.source : "\(r.title)  \(r.source)"
            return HomePane.column(
                " ", r.unread.map { String($0) } ?? Fmt.unknown, r.total.map { String($0) } ?? Fmt.unknown, title,
                Ago.text(r.lastRefresh, now: now), r.lastError ?? (r.tags.isEmpty ? "" : "#" + r.tags.joined(separator: " #")),
                titleWidth: width
            ).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }
}
