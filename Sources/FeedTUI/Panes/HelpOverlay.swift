/// Every key, listed from the same table the reducer uses.
enum HelpOverlay {
    static var lines: [String] {
        let rows = KeyTable.bindings.map { b in (b.keys.map(\.label).joined(separator: " "), b.help) }
        let keyWidth = rows.map { $0.0.count }.max() ?? 0
        return ["Keys (a number first repeats: 5j)", ""]
            + rows.map { $0.0.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  " + $0.1 }
            + ["mouse".padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  wheel scrolls, click selects, a second click opens"]
            + ["", "any key closes this help"]
    }

    static func render(in area: Rect, into grid: inout Grid, theme: Theme) {
        let content = lines
        let width = min(area.width, (content.map(\.displayWidth).max() ?? 0) + 4)
        let height = min(area.height, content.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        grid.fill(box)
        Frame.box(box, title: "Help", into: &grid, style: theme.focusedBorder)
        for (i, line) in content.prefix(box.inner.height).enumerated() {
            grid.put(line, x: box.x + 2, y: box.y + 1 + i, limit: box.width - 4, style: i == 0 ? theme.title : theme.text)
        }
    }
}
