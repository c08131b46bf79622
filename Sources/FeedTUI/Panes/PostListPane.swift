import FeedModel

/// The list of posts: date, views, first line. Only the visible rows are read from the library, so a million
/// posts cost no more to draw than ten.
enum PostListPane {
    static let viewsWidth = 7

    static func render(_ state: AppState, in area: Rect, into grid: inout Grid, theme: Theme) {
        let view = state.channel
        let focused = state.focus == .list
        guard view.total > 0 else {
            grid.put(" no posts", x: area.x, y: area.y, limit: area.width, style: theme.muted)
            return
        }
        for row in 0..<area.height {
            let position = view.listTop + row
            // Rows come from the window the reducer keeps around the screen.
            guard let post = view.post(at: position) else { continue }
            let y = area.y + row
            let selected = position == view.selected
            // A views column where no post of the channel has views would only take room from the text.
            var row = line(
                post, selected: selected, unread: !view.read.contains(post.id), bookmarked: view.bookmarks.contains(post.id),
                showViews: view.stats.postsWithViews > 0, showAuthor: view.stats.severalAuthors == true, clock: state.clock,
                theme: theme)
            if let query = view.search?.query { row = Highlight.matches(of: query, in: row, style: theme.match) }
            grid.put(row, x: area.x, y: y, limit: area.width)
            if selected { grid.restyle(Rect(x: area.x, y: y, width: area.width, height: 1)) { $0 = mergeSelection($0, theme.selection(focused: focused)) } }
        }
    }

    static func line(
        _ post: Publication, selected: Bool, unread: Bool, bookmarked: Bool, showViews: Bool = true, showAuthor: Bool = false,
        clock: Clock = Clock(), theme: Theme
    ) -> StyledLine {
        let views = Fmt.count(post.views, width: viewsWidth)
        // One column more than the widest count, so the count never touches the date.
        let pad = String(repeating: " ", count: max(1, viewsWidth + 1 - views.count))
        let textStyle = post.isService ? theme.service : unread ? theme.unread : theme.text
        let title = title(of: post)
        let author = showAuthor ? byline(of: post) : ""
        return [
            // The marker column: a bookmark (also on the selected row, which the bar shows), else the selection.
            Span(text: bookmarked ? "•" : selected ? "▶" : " ", style: bookmarked ? theme.star : theme.title),
            Span(text: Fmt.shortDate(post, clock), style: theme.date),
            Span(text: showViews ? pad + views + "  " : "  ", style: theme.muted),
            Span(text: author, style: theme.title),
            Span(text: title, style: textStyle, direction: Bidi.direction(of: title)),
        ]
    }

    /// In a chat with several authors, who wrote a post comes before its title ("Ann: "); a service message
    /// already names who did what.
    static func byline(of post: Publication) -> String {
        post.isService ? "" : post.author.map { Sanitize.line($0) + ": " } ?? ""
    }

    /// The first line a reader would recognise the post by.
    static func title(of post: Publication) -> String {
        let firstLine = post.text.split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) }
        if let firstLine { return String(firstLine) }
        if let preview = post.linkPreview, let t = preview.title ?? preview.description { return t }
        if let m = post.media.first { return "[\(PostBodyPane.name(m))]" }
        return Fmt.unknown
    }

    /// The selection bar keeps each cell's own emphasis; it is reverse video, or the theme's background.
    private static func mergeSelection(_ s: Style, _ bar: Style) -> Style {
        var out = s
        if bar.reverse {
            // Inside the bar a match is shown by its colour; without colour by its underline.
            out.reverse = !(s.reverse && (s.foreground != nil || s.background != nil))
        } else {
            out.background = s.background ?? bar.background
            if let fg = bar.foreground { out.foreground = fg }
        }
        out.bold = s.bold || bar.bold
        return out
    }
}
