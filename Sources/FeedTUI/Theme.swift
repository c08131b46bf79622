import FeedModel

/// The one place styles are chosen. Without colour, only attributes remain (selection in reverse video).
struct Theme {
    var useColor: Bool

    private func tint(_ color: Color, _ base: Style = .plain) -> Style {
        var s = base
        s.color = useColor ? color : .plain
        return s
    }

    var text: Style { .plain }
    var border: Style { tint(.dim) }
    var focusedBorder: Style { tint(.accent, Style(bold: true)) }
    var title: Style { tint(.accent, Style(bold: true)) }
    var date: Style { tint(.accent) }
    var muted: Style { useColor ? tint(.dim) : Style(dim: true) }
    var unread: Style { Style(bold: true) }
    var service: Style { Style(dim: true) }
    var link: Style { tint(.link, Style(underline: true)) }
    var star: Style { tint(.star, Style(bold: true)) }
    var warning: Style { tint(.warning, Style(bold: true)) }
    /// Search matches: coloured where colour is on, underlined otherwise (they must show inside the selection bar).
    var match: Style { useColor ? tint(.highlight, Style(reverse: true)) : Style(bold: true, underline: true) }

    /// The selected row: reverse video; dimmer when its pane is not focused.
    func selection(focused: Bool) -> Style {
        Style(bold: focused, reverse: true)
    }
}

/// A run of text in one style; a line is a list of them.
struct Span: Equatable {
    var text: String
    var style: Style
}

typealias StyledLine = [Span]

extension Grid {
    /// Draws spans left to right inside `limit` columns; returns the columns used.
    @discardableResult
    mutating func put(_ line: StyledLine, x: Int, y: Int, limit: Int) -> Int {
        var col = 0
        for span in line where col < limit {
            col += put(span.text, x: x + col, y: y, limit: limit - col, style: span.style)
        }
        return col
    }
}

/// How numbers and dates look on screen. Unknown is always "—".
enum Fmt {
    static let unknown = "—"

    /// `255 406`, or `28.0K` for an approximate count.
    static func count(_ c: Count?) -> String {
        guard let c else { return unknown }
        return c.approximate ? compact(c.value) : grouped(c.value)
    }

    static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(" ") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// `1.2K`, `3.4M` — for narrow columns.
    static func compact(_ n: Int64) -> String {
        let v = Double(n)
        switch n {
        case ..<1_000: return String(n)
        case ..<999_950: return compactDecimal(v / 1_000) + "K"
        case ..<999_950_000: return compactDecimal(v / 1_000_000) + "M"
        default: return compactDecimal(v / 1_000_000_000) + "B"
        }
    }

    /// A count that fits `width` columns: grouped when it fits, compact otherwise.
    static func count(_ c: Count?, width: Int) -> String {
        let full = count(c)
        guard let c, full.count > width else { return full }
        return compact(c.value)
    }

    /// `1.2K`, `109K` (a whole number loses its ".0").
    static func compactDecimal(_ v: Double) -> String {
        let s = oneDecimal(v)
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }

    static func oneDecimal(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func percent(_ share: Double?) -> String {
        guard let share else { return unknown }
        return "\(Int((share * 100).rounded()))%"
    }

    static func decimal(_ v: Double?) -> String {
        guard let v else { return unknown }
        return oneDecimal(v)
    }

    static func date(_ p: Publication) -> CivilTime {
        CivilTime(p.date, utcOffset: p.utcOffset ?? 0)
    }

    /// Unicode block sparkline of a series; nil values draw as spaces.
    static func sparkline(_ values: [Int64?]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let top = values.compactMap { $0 }.max() ?? 0
        return String(values.map { v -> Character in
            guard let v else { return " " }
            guard top > 0 else { return blocks[0] }
            return blocks[Int((Double(v) / Double(top) * 7).rounded())]
        })
    }

    /// Shrinks a long series to at most `width` buckets by summing neighbours.
    static func buckets(_ values: [Int64?], width: Int) -> [Int64?] {
        guard width > 0, values.count > width else { return values }
        let per = (values.count + width - 1) / width
        return stride(from: 0, to: values.count, by: per).map { start in
            let chunk = values[start..<min(values.count, start + per)].compactMap { $0 }
            return chunk.isEmpty ? nil : chunk.reduce(0, &+)
        }
    }
}
