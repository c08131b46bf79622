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

    /// "0.2/week", "3.5/day", "4.0/hour"; under an hour the count over the span: "5 in 36 s", "7 in 12 min".
    static func rate(_ r: PostRate?) -> String {
        guard let r else { return unknown + "/week" }
        if let unit = r.unit { return "\(oneDecimal(r.value))/\(unit.rawValue)" }
        let seconds = Int(r.span.rounded())
        let span = seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min"
        return "\(Int(r.value)) in \(span)"
    }

    /// `25.2 MB`, `812 KB`, `640 B`, in units of 1024 as Telegram writes them.
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : "\(compactDecimal(value)) \(units[unit])"
    }

    /// `0:21`, `2:57`, `1:02:03`.
    static func duration(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    static func decimal(_ v: Double?) -> String {
        guard let v else { return unknown }
        return oneDecimal(v)
    }

    /// The post's date in the zone it was written in (a wall-clock time as the source gave it); nil when unknown.
    static func date(_ p: Publication) -> CivilTime? {
        p.date.map { CivilTime($0, utcOffset: p.utcOffset ?? 0) }
    }

    /// `Jul 30 2017`, or `—` padded to the same width.
    static func shortDate(_ p: Publication) -> String {
        date(p)?.short ?? unknown.padding(toLength: 11, withPad: " ", startingAt: 0)
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
