import Foundation

/// Marks where a search query occurs in a styled line, ignoring case and diacritics like the search itself.
enum Highlight {
    static func matches(of query: String, in line: StyledLine, style: Style) -> StyledLine {
        guard !query.isEmpty else { return line }
        var out: StyledLine = []
        for span in line {
            var rest = span.text[...]
            while let r = rest.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]), !r.isEmpty {
                if r.lowerBound > rest.startIndex { out.append(Span(text: String(rest[..<r.lowerBound]), style: span.style)) }
                var marked = span.style
                marked.foreground = style.foreground
                marked.background = style.background
                marked.reverse = style.reverse
                marked.underline = marked.underline || style.underline
                marked.bold = marked.bold || style.bold
                out.append(Span(text: String(rest[r]), style: marked))
                rest = rest[r.upperBound...]
            }
            if !rest.isEmpty { out.append(Span(text: String(rest), style: span.style)) }
        }
        return out
    }
}
