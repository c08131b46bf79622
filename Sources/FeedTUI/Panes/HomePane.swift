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
        let unread = HomeRow.unread(home.rows)
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
            let why = home.rows.isEmpty ? "no channels followed — feedtui add @NAME" : "no channel has this tag" + (state.config.keys.label(.pickTag).map { " — \($0) picks another" } ?? "")
            grid.put(" " + why, x: x, y: inner.y + 1, limit: w, style: theme.muted)
        }
        for row in 0..<(inner.height - 1) {
            let i = home.top + row
            guard i < visible.count else { break }
            let r = visible[i]
            let y = inner.y + 1 + row
            let marker = i == home.cursor ? "▶" : " "
            let line = column(
                marker, r.unread.map { String($0) } ?? Fmt.unknown, r.total.map { String($0) } ?? Fmt.unknown, r.label,
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
        if let cursor = home.tagCursor { tagPicker(home, cursor: cursor, in: inner, into: &grid, theme: theme) }
        let asked = state.prompt == .markEveryChannelRead ? "mark every channel read? y marks them, any other key cancels" : nil
        var bottom = asked ?? state.status ?? state.refresh?.text ?? ([nextRefreshText(state), hint(state.config.keys)].compactMap { $0 }.joined(separator: " · "))
        if bottom.isEmpty { bottom = " " }
        grid.put(" " + bottom + " ", x: 1, y: grid.height - 1, limit: grid.width - 2, style: state.status == nil && asked == nil ? theme.muted : theme.warning)
    }

    /// The tag picker over the list: "● all channels   12 unread", then "  #news   3 unread" for each tag.
    static func tagPicker(_ home: Home, cursor: Int, in area: Rect, into grid: inout Grid, theme: Theme) {
        let choices = home.tagChoices
        let names = choices.map { $0.tag.map { "#" + Sanitize.line($0) } ?? "all channels" }
        let counts = choices.map { "\($0.unread) unread" }
        let nameWidth = names.map(\.displayWidth).max() ?? 0
        let countWidth = counts.map(\.displayWidth).max() ?? 0
        let lines = zip(choices, zip(names, counts)).map { choice, text in
            (choice.tag == home.tag ? "● " : "  ") + text.0 + String(repeating: " ", count: nameWidth - text.0.displayWidth + 3)
                + String(repeating: " ", count: countWidth - text.1.displayWidth) + text.1
        }
        let width = min(area.width, max(24, (lines.map(\.displayWidth).max() ?? 0) + 4))
        let height = min(area.height, lines.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        grid.fill(box)
        Frame.box(box, title: "Tags", into: &grid, style: theme.focusedBorder)
        let visible = box.inner.height
        let top = max(0, min(cursor - visible + 1, lines.count - visible))
        for (row, i) in (top..<min(lines.count, top + visible)).enumerated() {
            let y = box.y + 1 + row
            grid.put(" " + lines[i], x: box.x + 1, y: y, limit: box.width - 2, style: choices[i].unread > 0 ? theme.unread : theme.text)
            if i == cursor { grid.restyle(Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1)) { $0.reverse = true } }
        }
    }

    /// The home screen's key hints, from the key table.
    static func hint(_ keys: KeyTable) -> String {
        let words: [(Action, String)] = [
            (.moveDown, "move"), (.open, "open"), (.refreshAll, "refresh all"), (.refreshCurrent, "refresh"),
            (.nextUnread, "unread"), (.markChannelRead, "all read"), (.pickTag, "tags"), (.help, "help"), (.backOrQuit, "quit"),
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
        let width = max(16, min(44, rows.map(\.label.displayWidth).max() ?? 16))
        let header = HomePane.column(" ", "unread", "posts", "channel", "refreshed", "last error or tags", titleWidth: width)
        return [header] + rows.map { r in
            HomePane.column(
                " ", r.unread.map { String($0) } ?? Fmt.unknown, r.total.map { String($0) } ?? Fmt.unknown, r.label,
                Ago.text(r.lastRefresh, now: now), r.lastError ?? (r.tags.isEmpty ? "" : "#" + r.tags.joined(separator: " #")),
                titleWidth: width
            ).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }
}
