import FeedModel

/// The bottom border: a status message when there is one, otherwise the key hints from the key table.
enum StatusBar {
    static func render(_ state: AppState, into grid: inout Grid, theme: Theme) {
        let y = grid.height - 1
        var text = state.status ?? KeyTable.hintLine
        if let n = state.countPrefix { text = "\(n)  " + text }
        let style = state.status == nil ? theme.muted : theme.warning
        grid.put(" " + text + " ", x: 1, y: y, limit: grid.width - 2, style: style)
    }
}
