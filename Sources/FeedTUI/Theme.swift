import FeedModel

/// What the screen colours: one style per element, from a theme table.
enum ThemeElement: String, CaseIterable {
    case text, border, focusedBorder = "focused-border", title, date, muted, unread, service, link, star, warning
    case match, selection

    /// What the element is, for the configuration file's comments.
    var meaning: String {
        switch self {
        case .text: "post text"
        case .border: "frames and separators"
        case .focusedBorder: "the edge of the focused pane, overlay frames"
        case .title: "channel title, selection marker, headings"
        case .date: "dates in the list and the post header"
        case .muted: "counts, hints and secondary text"
        case .unread: "posts not opened yet"
        case .service: "service messages (pinned, joined…)"
        case .link: "links in a post"
        case .star: "rating stars and bookmarks"
        case .warning: "errors and status messages"
        case .match: "search matches"
        case .selection: "the selected row (the unfocused pane's is not bold)"
        }
    }
}

/// The one place styles are chosen: a table of styles per screen element. Without colour, only attributes remain
/// (selection in reverse video).
struct Theme: Equatable {
    var styles: [ThemeElement: Style]

    subscript(_ element: ThemeElement) -> Style { styles[element] ?? .plain }

    var text: Style { self[.text] }
    var border: Style { self[.border] }
    var focusedBorder: Style { self[.focusedBorder] }
    var title: Style { self[.title] }
    var date: Style { self[.date] }
    var muted: Style { self[.muted] }
    var unread: Style { self[.unread] }
    var service: Style { self[.service] }
    var link: Style { self[.link] }
    var star: Style { self[.star] }
    var warning: Style { self[.warning] }
    /// Search matches must show inside the selection bar: coloured, or underlined without colour.
    var match: Style { self[.match] }

    /// The selected row; not bold when its pane is not focused.
    func selection(focused: Bool) -> Style {
        var s = self[.selection]
        s.bold = s.bold && focused
        return s
    }

    /// Today's look: the terminal's basic colours on its own background.
    static let standard = Theme(styles: [
        .text: .plain,
        .border: Style(foreground: 4),
        .focusedBorder: Style(foreground: 6, bold: true),
        .title: Style(foreground: 6, bold: true),
        .date: Style(foreground: 6),
        .muted: Style(foreground: 4),
        .unread: Style(bold: true),
        .service: Style(dim: true),
        .link: Style(foreground: 2, underline: true),
        .star: Style(foreground: 3, bold: true),
        .warning: Style(foreground: 1, bold: true),
        .match: Style(foreground: 3, reverse: true),
        .selection: Style(bold: true, reverse: true),
    ])

    /// For light backgrounds: dark 256-colour tones (fitted to the basic colours on smaller terminals).
    static let light = Theme(styles: [
        .text: .plain,
        .border: Style(foreground: 247),
        .focusedBorder: Style(foreground: 25, bold: true),
        .title: Style(foreground: 25, bold: true),
        .date: Style(foreground: 24),
        .muted: Style(foreground: 242),
        .unread: Style(bold: true),
        .service: Style(foreground: 244),
        .link: Style(foreground: 28, underline: true),
        .star: Style(foreground: 130, bold: true),
        .warning: Style(foreground: 124, bold: true),
        .match: Style(foreground: 0, background: 222),
        .selection: Style(bold: true, reverse: true),
    ])

    /// Nothing dim, nothing faint: the terminal's own foreground in bold and underline, bright colours for alarms.
    static let highContrast = Theme(styles: [
        .text: .plain,
        .border: .plain,
        .focusedBorder: Style(bold: true),
        .title: Style(bold: true, underline: true),
        .date: Style(bold: true),
        .muted: .plain,
        .unread: Style(bold: true, underline: true),
        .service: .plain,
        .link: Style(foreground: 14, bold: true, underline: true),
        .star: Style(foreground: 11, bold: true),
        .warning: Style(foreground: 9, bold: true),
        .match: Style(foreground: 11, bold: true, reverse: true),
        .selection: Style(bold: true, reverse: true),
    ])

    /// Without colour (`NO_COLOR`, `--no-color`): attributes only, whatever the theme.
    static let monochrome = Theme(styles: [
        .text: .plain,
        .border: .plain,
        .focusedBorder: Style(bold: true),
        .title: Style(bold: true),
        .date: .plain,
        .muted: Style(dim: true),
        .unread: Style(bold: true),
        .service: Style(dim: true),
        .link: Style(underline: true),
        .star: Style(bold: true),
        .warning: Style(bold: true),
        .match: Style(bold: true, underline: true),
        .selection: Style(bold: true, reverse: true),
    ])

    /// The themes feedtui ships, by the name the configuration file uses.
    static let shipped: [(name: String, theme: Theme)] = [
        ("default", standard), ("light", light), ("high-contrast", highContrast),
    ]
}

/// The 256-colour palette's colours on a terminal that has fewer.
enum Palette {
    /// Colour names the configuration file accepts for 0–15.
    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
        "bright-white",
    ]

    /// The colour to ask for on a terminal with `count` colours: itself when it has it, else the nearest basic one
    /// (by xterm's palette), a bright basic colour becoming its normal one.
    static func fit(_ index: UInt8, colors count: Int) -> Int16 {
        if Int(index) < count { return Int16(index) }
        if index < 16 { return Int16(index - 8) }
        let basics = min(max(count, 8), 16)
        let target = rgb(index)
        var best = 0
        var bestDistance = Int.max
        for candidate in 0..<basics {
            let c = rgb(UInt8(candidate))
            let d = (0..<3).map { (c[$0] - target[$0]) * (c[$0] - target[$0]) }.reduce(0, +)
            if d < bestDistance { (best, bestDistance) = (candidate, d) }
        }
        return Int16(best)
    }

    /// xterm's default red, green, blue for a palette index.
    static func rgb(_ index: UInt8) -> [Int] {
        let basic = [
            [0, 0, 0], [205, 0, 0], [0, 205, 0], [205, 205, 0], [0, 0, 238], [205, 0, 205], [0, 205, 205], [229, 229, 229],
            [127, 127, 127], [255, 0, 0], [0, 255, 0], [255, 255, 0], [92, 92, 255], [255, 0, 255], [0, 255, 255],
            [255, 255, 255],
        ]
        let i = Int(index)
        if i < 16 { return basic[i] }
        if i >= 232 { return Array(repeating: 8 + (i - 232) * 10, count: 3) }
        let steps = [0, 95, 135, 175, 215, 255]
        let n = i - 16
        return [steps[n / 36], steps[n / 6 % 6], steps[n % 6]]
    }
}

/// A run of text in one style; a line is a list of them. Text from a source carries the base direction of its
/// paragraph; the frame's own words are left to right. A link's number drawn in a post's text is not text: a search
/// does not match it.
struct Span: Equatable {
    var text: String
    var style: Style
    var direction: Direction = .leftToRight
    var isLinkNumber = false
}

typealias StyledLine = [Span]

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

    /// `Jul 30 2017` on the clock, or `—` padded to the same width.
    static func shortDate(_ p: Publication, _ clock: Clock) -> String {
        clock.civil(p)?.short ?? unknown.padding(toLength: 11, withPad: " ", startingAt: 0)
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
