/// Where each pane goes for a terminal size. Computed from the state by both the reducer (for scrolling)
/// and the renderer, so they always agree.
struct Layout: Equatable {
    /// Under 20x6 nothing but a message fits.
    var tooSmall = false
    /// Under 80 columns one pane is shown at a time: the focused one.
    var singlePane = false
    var frame: Rect
    var list: Rect?
    var body: Rect?
    var stats: Rect?

    static let minimum = Size(width: 20, height: 6)

    init(_ state: AppState) {
        self.init(size: state.size, showStats: state.showStats, focus: state.focus, mode: state.mode == .links ? state.linksFrom : state.mode)
    }

    init(size: Size, showStats: Bool, focus: PaneID, mode: ScreenMode) {
        frame = Rect(x: 0, y: 0, width: size.width, height: size.height)
        guard size.width >= Self.minimum.width, size.height >= Self.minimum.height else {
            tooSmall = true
            return
        }
        // Inside the outer border: the header sits on the top border, the key hints on the bottom one.
        let inside = frame.inner
        if mode == .post {
            body = Rect(x: inside.x + 1, y: inside.y, width: max(0, inside.width - 2), height: inside.height)
            return
        }
        var main = inside
        let statsRows = Self.statsHeight(total: inside.height)
        if showStats, statsRows > 0, size.width >= 80 {
            // One row for the divider line that carries the "Statistics" title.
            let (top, bottom) = inside.splitRows(top: inside.height - statsRows - 1)
            main = top
            stats = Rect(x: bottom.x, y: bottom.y + 1, width: bottom.width, height: bottom.height - 1)
        }
        if size.width < 80 {
            singlePane = true
            switch focus {
            case .list: list = main
            case .body: body = Rect(x: main.x + 1, y: main.y, width: max(0, main.width - 2), height: main.height)
            case .stats: stats = main
            }
            return
        }
        // At 100 columns or more the list takes 45%; from 80 to 99 a narrower list leaves the body room to read.
        let listWidth = size.width >= 100 ? main.width * 45 / 100 : 34
        let (l, r) = main.splitColumns(left: listWidth)
        list = l
        // The divider between list and body, and a column of margin on each side of the text.
        body = Rect(x: r.x + 2, y: r.y, width: max(0, r.width - 3), height: r.height)
    }

    /// Statistics rows: a third of the screen, at least 1 and at most 10.
    static func statsHeight(total: Int) -> Int {
        total < 12 ? 1 : min(10, total / 3)
    }
}
