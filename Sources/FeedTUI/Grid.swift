import FeedModel

/// How a cell looks. Colours are indexes of the 256-colour palette (0–15 the terminal's basic ones); nil keeps
/// the terminal's own foreground or background. The theme chooses them; the backend fits them to the terminal.
struct Style: Equatable, Hashable {
    var foreground: UInt8?
    var background: UInt8?
    var bold = false
    var dim = false
    var reverse = false
    var underline = false

    static let plain = Style()
}

/// One terminal cell: a spacing character and the zero-width characters drawn on it (a `DisplayWidth.Glyph`),
/// exactly what curses is handed. A wide glyph sits in its first cell with `width` 2; the cell after it has `width` 0.
struct Cell: Equatable {
    var text: String = " "
    var width: UInt8 = 1
    var style: Style = .plain
}

/// The whole screen as cells, drawn into by the panes and handed to the backend (or printed as text in tests).
struct Grid {
    let width: Int
    let height: Int
    private(set) var cells: [Cell]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Writes one line of text at (x, y) in one style; see the `StyledLine` form.
    @discardableResult
    mutating func put(_ text: some StringProtocol, x: Int, y: Int, limit: Int? = nil, style: Style = .plain) -> Int {
        put([Span(text: String(text), style: style)], x: x, y: y, limit: limit ?? width)
    }

    /// Draws one line at (x, y), at most `limit` columns (and never past the right edge), and returns the columns
    /// used. Text is sanitised here, so nothing from a source reaches the terminal raw. What does not fit is cut
    /// in logical order and ends in "…". Each run of spans of one direction is shown in visual order (`Bidi`), and
    /// a line that ends in a right-to-left run is aligned to the right edge: that run is moved there.
    @discardableResult
    mutating func put(_ line: StyledLine, x: Int, y: Int, limit: Int) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let room = min(limit, width - x)
        guard room > 0 else { return 0 }
        var chars: [Character] = []
        var styles: [Style] = []
        var widths: [Int] = []
        var runs: [(direction: Direction, end: Int)] = []
        for span in line where !span.text.isEmpty {
            for c in Sanitize.line(span.text) {
                chars.append(c)
                styles.append(span.style)
                widths.append(DisplayWidth.of(c))
            }
            if runs.last?.direction == span.direction { runs[runs.count - 1].end = chars.count } else { runs.append((span.direction, chars.count)) }
        }
        var used = widths.reduce(0, +)
        if used > room {
            // "…" takes the place (and the style and run) of the first cluster that does not fit.
            var keep = 0
            used = 0
            while used + widths[keep] <= room - 1 {
                used += widths[keep]
                keep += 1
            }
            chars.replaceSubrange(keep..., with: ["…"])
            styles.removeSubrange((keep + 1)...)
            used += 1
            var runStart = 0
            runs = runs.compactMap { run in
                defer { runStart = run.end }
                return runStart > keep ? nil : (run.direction, min(run.end, keep + 1))
            }
        }
        var col = x
        var start = 0
        for (i, run) in runs.enumerated() {
            if i == runs.count - 1, run.direction == .rightToLeft {
                for _ in 0..<(room - used) {
                    set(col, y, Cell())
                    col += 1
                }
            }
            for (index, c, rightToLeft) in Bidi.visual(Array(chars[start..<run.end]), base: run.direction) {
                let style = styles[start + index]
                let glyphs = DisplayWidth.glyphs(c)
                // A right-to-left letter with more marks than a cell holds: the extra cell goes on its left.
                for g in rightToLeft && glyphs.count > 1 && Bidi.isRightToLeftLetter(c) ? glyphs.reversed() : glyphs {
                    set(col, y, Cell(text: g.text, width: UInt8(g.width), style: style))
                    if g.width == 2 { set(col + 1, y, Cell(text: "", width: 0, style: style)) }
                    col += g.width
                }
            }
            start = run.end
        }
        return col - x
    }

    /// Clears a rectangle to spaces in `style` (used for selection bars and backgrounds).
    mutating func fill(_ r: Rect, style: Style = .plain) {
        for y in max(0, r.y)..<min(height, r.y + r.height) {
            for x in max(0, r.x)..<min(width, r.x + r.width) { set(x, y, Cell(style: style)) }
        }
    }

    /// Restyles cells without changing their text (selection bar over a rendered row, search highlights).
    mutating func restyle(_ r: Rect, _ change: (inout Style) -> Void) {
        for y in max(0, r.y)..<min(height, r.y + r.height) {
            for x in max(0, r.x)..<min(width, r.x + r.width) { change(&cells[y * width + x].style) }
        }
    }

    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = y * width + x
        // Never leave half of a wide glyph behind.
        if cells[i].width == 0, x > 0, cells[i - 1].width == 2 { cells[i - 1] = Cell(style: cells[i - 1].style) }
        if cells[i].width == 2, x + 1 < width, cell.width != 2 { cells[i + 1] = Cell(style: cells[i + 1].style) }
        cells[i] = cell
    }

    /// Rows as text, trailing spaces removed: what goldens and `feedtui screen` print.
    var lines: [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width where self[x, y].width > 0 { s += self[x, y].text }
            while s.last == " " { s.removeLast() }
            return s
        }
    }
}

struct Rect: Equatable {
    var x: Int
    var y: Int
    var width: Int
    var height: Int

    var maxX: Int { x + width }
    var maxY: Int { y + height }

    func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// The area inside a one-cell border.
    var inner: Rect { Rect(x: x + 1, y: y + 1, width: max(0, width - 2), height: max(0, height - 2)) }

    func splitColumns(left: Int) -> (Rect, Rect) {
        let l = min(max(0, left), width)
        return (Rect(x: x, y: y, width: l, height: height), Rect(x: x + l, y: y, width: width - l, height: height))
    }

    func splitRows(top: Int) -> (Rect, Rect) {
        let t = min(max(0, top), height)
        return (Rect(x: x, y: y, width: width, height: t), Rect(x: x, y: y + t, width: width, height: height - t))
    }
}
