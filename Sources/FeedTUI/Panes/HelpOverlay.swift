/// Every key, listed from the key table in force (the user's, when the configuration file changes it).
enum HelpOverlay {
    static func lines(_ keys: KeyTable) -> [String] {
        let rows = keys.bindings.map { b in (b.keys.isEmpty ? "(unbound)" : b.keys.map(\.label).joined(separator: " "), b.help) }
        let keyWidth = rows.map { $0.0.count }.max() ?? 0
        return ["Keys (a number first repeats: 5j)", ""]
            + rows.map { $0.0.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  " + $0.1 }
            + ["mouse".padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  wheel scrolls, click selects, a second click opens"]
            + ["", "\(scrollKeys(keys)) scroll · any other key closes this help"]
    }

    /// "j/k", or the user's keys for moving down and up.
    private static func scrollKeys(_ keys: KeyTable) -> String {
        [Action.moveDown, .moveUp].compactMap { keys.keys(for: $0).first?.label }.joined(separator: "/")
    }

    /// The box for the help in `area`: as large as the text, no larger than the area.
    static func box(in area: Rect, keys: KeyTable) -> Rect {
        let content = lines(keys)
        let width = min(area.width, (content.map(\.displayWidth).max() ?? 0) + 4)
        let height = min(area.height, content.count + 2)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    /// The first line shown, kept so that the last page is full.
    static func clampedTop(_ top: Int, in area: Rect, keys: KeyTable) -> Int {
        max(0, min(top, lines(keys).count - box(in: area, keys: keys).inner.height))
    }

    static func render(top: Int, in area: Rect, keys: KeyTable, into grid: inout Grid, theme: Theme) {
        let lines = lines(keys)
        let box = box(in: area, keys: keys)
        grid.fill(box)
        Frame.box(box, title: "Help", into: &grid, style: theme.focusedBorder)
        let first = clampedTop(top, in: area, keys: keys)
        for (row, i) in (first..<min(lines.count, first + box.inner.height)).enumerated() {
            grid.put(lines[i], x: box.x + 2, y: box.y + 1 + row, limit: box.width - 4, style: i == 0 ? theme.title : theme.text)
        }
    }
}
