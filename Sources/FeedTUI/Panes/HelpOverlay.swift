import FeedModel

/// Every key, listed from the key table in force (the user's, when the configuration file changes it).
enum HelpOverlay {
    /// The help text; in two columns (long lines wrapped inside their column) when one column would not fit
    /// `area`'s height and two fit its width.
    static func lines(_ keys: KeyTable, fitting area: Rect? = nil) -> [String] {
        let rows = keys.bindings.map { b in (b.keys.isEmpty ? "(unbound)" : b.keys.map(\.label).joined(separator: " "), b.helpText) }
            + [("mouse", "wheel scrolls, click selects, a second click opens")]
        let keyWidth = rows.map { $0.0.count }.max() ?? 0
        let head = ["Keys" + (keys.label(.moveDown).map { " (a number first repeats: 5\($0))" } ?? ""), ""]
        let foot = ["", "\(scrollKeys(keys)) scroll · any other key closes this help"]
        let single = rows.map { $0.0.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  " + $0.1 }
        let column = (area.map { ($0.width - 4 - 3) / 2 } ?? 0)
        guard let area, head.count + single.count + foot.count + 2 > area.height, column - keyWidth - 2 >= 24 else {
            return head + single + foot
        }
        // Each entry keeps its lines together; the left column takes the first half of the lines.
        let entries = rows.map { key, help in
            help.wrapped(toWidth: column - keyWidth - 2).enumerated().map { i, part in
                (i == 0 ? key : "").padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  " + part
            }
        }
        let total = entries.reduce(0) { $0 + $1.count }
        var left: [String] = []
        var right: [String] = []
        for e in entries {
            if left.count + e.count <= (total + 1) / 2 && right.isEmpty { left += e } else { right += e }
        }
        let paired = (0..<max(left.count, right.count)).map { i -> String in
            let l = i < left.count ? left[i] : ""
            guard i < right.count else { return l }
            return l + String(repeating: " ", count: max(0, column - l.displayWidth) + 3) + right[i]
        }
        return head + paired + foot
    }

    /// "j/k", or the user's keys for moving down and up.
    private static func scrollKeys(_ keys: KeyTable) -> String {
        [Action.moveDown, .moveUp].compactMap { keys.keys(for: $0).first?.label }.joined(separator: "/")
    }

    /// The box for the help in `area`: as large as the text, no larger than the area.
    static func box(in area: Rect, keys: KeyTable) -> Rect {
        let content = lines(keys, fitting: area)
        let width = min(area.width, (content.map(\.displayWidth).max() ?? 0) + 4)
        let height = min(area.height, content.count + 2)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    /// The first line shown, kept so that the last page is full.
    static func clampedTop(_ top: Int, in area: Rect, keys: KeyTable) -> Int {
        max(0, min(top, lines(keys, fitting: area).count - box(in: area, keys: keys).inner.height))
    }

    static func render(top: Int, in area: Rect, keys: KeyTable, into grid: inout Grid, theme: Theme) {
        let lines = lines(keys, fitting: area)
        let box = box(in: area, keys: keys)
        grid.fill(box)
        Frame.box(box, title: "Help", into: &grid, style: theme.focusedBorder)
        let first = clampedTop(top, in: area, keys: keys)
        for (row, i) in (first..<min(lines.count, first + box.inner.height)).enumerated() {
            grid.put(lines[i], x: box.x + 2, y: box.y + 1 + row, limit: box.width - 4, style: i == 0 ? theme.title : theme.text)
        }
    }
}
