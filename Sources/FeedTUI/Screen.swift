import FeedModel

/// Line drawing shared by the screen and overlays.
enum Frame {
    static func box(_ r: Rect, title: String? = nil, into grid: inout Grid, style: Style) {
        guard r.width >= 2, r.height >= 2 else { return }
        let rule = String(repeating: "─", count: r.width - 2)
        grid.put("┌" + rule + "┐", x: r.x, y: r.y, style: style)
        grid.put("└" + rule + "┘", x: r.x, y: r.maxY - 1, style: style)
        for y in (r.y + 1)..<(r.maxY - 1) {
            grid.put("│", x: r.x, y: y, style: style)
            grid.put("│", x: r.maxX - 1, y: y, style: style)
        }
        if let title { grid.put(" \(title) ", x: r.x + 1, y: r.y, limit: r.width - 2, style: style) }
    }

    static func vertical(x: Int, from y0: Int, to y1: Int, _ glyph: String, into grid: inout Grid, style: Style) {
        for y in y0..<y1 { grid.put(glyph, x: x, y: y, style: style) }
    }
}

/// Renders the whole state into a grid: the frame, the panes of the layout, overlays. No terminal involved.
enum Screen {
    static func render(_ state: AppState) -> Grid {
        if state.mode == .links {
            // The link list floats over the screen it was opened from.
            var under = state
            under.mode = state.linksFrom
            var grid = render(under)
            LinkListOverlay.render(state, in: Layout(under).frame.inner, into: &grid, theme: state.useColor ? state.config.theme : .monochrome)
            return grid
        }
        var grid = Grid(width: state.size.width, height: state.size.height)
        let theme = state.useColor ? state.config.theme : .monochrome
        if state.mode == .home || (state.mode == .help && state.helpFromHome) || state.channels.isEmpty {
            HomePane.render(state, into: &grid, theme: theme)
            if state.mode == .help {
                HelpOverlay.render(top: state.helpTop, in: Rect(x: 0, y: 0, width: grid.width, height: grid.height).inner, keys: state.config.keys, into: &grid, theme: theme)
            }
            return grid
        }
        let layout = Layout(state)
        if layout.tooSmall {
            let need = "\(Layout.minimum.width)x\(Layout.minimum.height)"
            let msg = "terminal too small — need \(need)"
            for (i, line) in msg.wrapped(toWidth: max(1, grid.width)).enumerated() {
                grid.put(line, x: 0, y: i, style: theme.warning)
            }
            return grid
        }
        Frame.box(layout.frame, into: &grid, style: theme.border)
        if state.mode == .browse, !layout.singlePane {
            let heavy = theme.focusedBorder
            if state.focus == .list { Frame.vertical(x: 0, from: 1, to: (layout.list?.maxY ?? 1), "┃", into: &grid, style: heavy) }
            if state.focus == .body { Frame.vertical(x: grid.width - 1, from: 1, to: (layout.body?.maxY ?? 1), "┃", into: &grid, style: heavy) }
            if state.focus == .stats, let stats = layout.stats {
                Frame.vertical(x: 0, from: stats.y, to: stats.maxY, "┃", into: &grid, style: heavy)
                Frame.vertical(x: grid.width - 1, from: stats.y, to: stats.maxY, "┃", into: &grid, style: heavy)
            }
        }
        if let list = layout.list, !layout.singlePane {
            Frame.vertical(x: list.maxX, from: list.y, to: list.maxY, "│", into: &grid, style: theme.border)
            grid.put("┬", x: list.maxX, y: 0, style: theme.border)
        }
        if let stats = layout.stats, !layout.singlePane {
            let y = stats.y - 1
            let style = state.focus == .stats ? theme.focusedBorder : theme.border
            grid.put("├" + String(repeating: "─", count: grid.width - 2) + "┤", x: 0, y: y, style: style)
            grid.put(" Statistics ", x: 1, y: y, style: style)
            if let list = layout.list { grid.put("┴", x: list.maxX, y: y, style: theme.border) }
        }
        if let list = layout.list { PostListPane.render(state, in: list, into: &grid, theme: theme) }
        if let body = layout.body { PostBodyPane.render(state, in: body, into: &grid, theme: theme) }
        if let stats = layout.stats { StatsPane.render(state, in: stats, into: &grid, theme: theme) }
        HeaderBar.render(state, into: &grid, theme: theme)
        StatusBar.render(state, singlePane: layout.singlePane, into: &grid, theme: theme)
        if state.mode == .help { HelpOverlay.render(top: state.helpTop, in: layout.frame.inner, keys: state.config.keys, into: &grid, theme: theme) }
        if state.mode == .channels { ChannelListOverlay.render(state, in: layout.frame.inner, into: &grid, theme: theme) }
        if state.mode == .libraryMatches || state.prompt == .searchLibrary {
            LibraryMatchesOverlay.render(state, in: layout.frame.inner, into: &grid, theme: theme)
        }
        return grid
    }

    /// While a large source loads: elapsed time, and how to cancel.
    static func loading(size: Size, seconds: Double) -> Grid {
        var grid = Grid(width: size.width, height: size.height)
        let spinner = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")[Int(seconds * 10) % 10]
        let text = "\(spinner) loading… \(Fmt.oneDecimal(seconds)) s — q cancels"
        grid.put(text, x: max(0, (size.width - text.displayWidth) / 2), y: size.height / 2)
        return grid
    }
}
