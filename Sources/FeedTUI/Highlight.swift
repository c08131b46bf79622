import Foundation

/// Marks where a search query occurs in a styled line, ignoring case and diacritics like the search itself.
enum Highlight {
    /// How many matches `matches(of:in:style:)` marks in the line.
    static func count(of query: String, in line: StyledLine) -> Int {
        guard !query.isEmpty else { return 0 }
        var n = 0
        for span in line where !span.isLinkNumber {
            var rest = span.text[...]
            while let r = rest.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]), !r.isEmpty {
                n += 1
                rest = rest[r.upperBound...]
            }
        }
        return n
    }

    static func matches(of query: String, in line: StyledLine, style: Style) -> StyledLine {
        guard !query.isEmpty else { return line }
        var out: StyledLine = []
        for span in line {
            guard !span.isLinkNumber else {
                out.append(span)
                continue
            }
            var rest = span.text[...]
            // Pieces keep their span's direction, so the line is still laid out as one paragraph.
            func piece(_ text: Substring, _ style: Style) -> Span { Span(text: String(text), style: style, direction: span.direction) }
            while let r = rest.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]), !r.isEmpty {
                if r.lowerBound > rest.startIndex { out.append(piece(rest[..<r.lowerBound], span.style)) }
                var marked = span.style
                marked.foreground = style.foreground
                marked.background = style.background
                marked.reverse = style.reverse
                marked.underline = marked.underline || style.underline
                marked.bold = marked.bold || style.bold
                out.append(piece(rest[r], marked))
                rest = rest[r.upperBound...]
            }
            if !rest.isEmpty { out.append(piece(rest, span.style)) }
        }
        return out
    }
}
