import FeedModel

/// One post: a header (date, views, forwards, reactions), media, the link preview, the text wrapped at word
/// boundaries by display width, and its numbered links. Used beside the list and full-screen.
enum PostBodyPane {
    static func render(_ state: AppState, in pane: Rect, into grid: inout Grid, theme: Theme) {
        guard let (area, lines) = shown(state, in: pane, theme: theme) else { return }
        let top = state.channel.bodyTop
        let query = state.channel.search?.query ?? ""
        for row in 0..<area.height where top + row < lines.count {
            grid.put(Highlight.matches(of: query, in: lines[top + row], style: theme.match), x: area.x, y: area.y + row, limit: area.width)
        }
    }

    /// The selected post's lines as the body draws them in `pane`, and where: the one measure the screen and the
    /// reducer (scrolling, search in the text) share. nil without a post.
    static func shown(_ state: AppState, in pane: Rect, theme: Theme = .monochrome) -> (area: Rect, lines: [StyledLine])? {
        guard let post = state.channel.selectedPost else { return nil }
        let area = textArea(state, in: pane)
        let shelf = state.pictures
        let key = state.channel.key
        let rows = PictureShelf.rows(in: area)
        let lines = lines(
            for: post, width: area.width, full: state.mode == .post, bookmarked: state.channel.bookmarks.contains(post.id),
            clock: state.clock, dateFormat: state.config.dateFormat, curve: state.channel.curve(of: post), keys: state.config.keys,
            theme: theme,
            picture: { address, columns in
                shelf.showing ? shelf[PictureRequest(address: address, channel: key, columns: columns, rows: rows)] : nil
            })
        return (area, lines)
    }

    /// The pictures a full-screen post of text width `width` draws, in order, and the columns each may take: each
    /// medium's in its place, the link preview's inside its box.
    static func pictureSlots(_ post: Publication, width: Int) -> [(address: String, columns: Int)] {
        post.media.compactMap { m in m.picture.map { ($0, width) } } + (post.linkPreview?.image.map { [($0, width - 4)] } ?? [])
    }

    /// Where the text goes in the pane: at most `post-width` columns, centred in a full-screen post.
    static func textArea(_ state: AppState, in pane: Rect) -> Rect {
        let width = min(pane.width, max(20, state.config.postWidth))
        let x = state.mode == .post ? pane.x + (pane.width - width) / 2 : pane.x
        return Rect(x: x, y: pane.y, width: width, height: pane.height)
    }

    /// "views ▁▂▄▇█ 1.2K → 5.9K in 36 h": the post's views at each refresh (one sample needs a second one).
    static func curveLine(_ samples: [ViewSample], width: Int) -> String? {
        guard let first = samples.first, let last = samples.last, samples.count >= 2 else { return nil }
        let seconds = last.at.timeIntervalSince(first.at)
        let hours = seconds / 3600
        // Refreshes minutes apart would read "in 0.0 h".
        let span =
            switch seconds {
            case ..<60: "\(Int(seconds.rounded())) s"
            case ..<3600: "\(Int((seconds / 60).rounded())) min"
            case ..<36000: Fmt.oneDecimal(hours) + " h"
            default: String(Int(hours.rounded())) + " h"
            }
        let tail = " \(Fmt.compact(first.views)) → \(Fmt.compact(last.views)) in \(span) (\(samples.count) refreshes)"
        let room = max(2, width - 6 - tail.displayWidth)
        return "views " + Fmt.sparkline(Fmt.buckets(samples.map { Optional($0.views) }, width: room).map { $0 }) + tail
    }

    /// Where each link's number is drawn in the post's text, in text order: after the words the importer kept for it,
    /// else where its address stands ("see example.org/a[2]": a bare address, or a post read before words were kept),
    /// so that `2o` is found without the link list.
    static func linkMarks(_ post: Publication, links: [String]) -> [LinkMark] {
        let text = post.text
        let size = text.utf8.count
        var marks = post.linkMarks.filter { (1...links.count).contains($0.number) && $0.end <= size }
        var taken: [Range<String.Index>] = []
        for (i, link) in links.enumerated() where !marks.contains(where: { $0.number == i + 1 }) {
            // As written, without the scheme, without "www.", without a final "/"; the longest form first.
            let bare = link.replacingOccurrences(of: "^[a-zA-Z]+://", with: "", options: .regularExpression)
            let forms = [link, bare] + (bare.hasPrefix("www.") ? [String(bare.dropFirst(4))] : [])
            let candidates = (forms + forms.filter { $0.hasSuffix("/") }.map { String($0.dropLast()) }).filter { $0.count >= 4 }
            search: for form in candidates {
                var from = text.startIndex
                while let r = text.range(of: form, range: from..<text.endIndex) {
                    from = r.upperBound
                    // A whole address only: not the start of a longer one, not inside one already marked.
                    let next = r.upperBound < text.endIndex ? text[r.upperBound] : " "
                    guard next.isWhitespace || ".,;:!?)]}»\"'".contains(next), !taken.contains(where: { $0.overlaps(r) }) else { continue }
                    taken.append(r)
                    marks.append(LinkMark(number: i + 1, end: text.utf8.distance(from: text.startIndex, to: r.upperBound)))
                    break search
                }
            }
        }
        return marks.sorted { ($0.end, $0.number) < ($1.end, $1.number) }
    }

    /// The links a post's numbers open: its own links, then the preview's URL.
    static func numberedLinks(_ post: Publication) -> [String] {
        var links = post.links
        if let url = post.linkPreview?.url, !links.contains(url) { links.append(url) }
        return links
    }

    static func header(
        _ post: Publication, bookmarked: Bool = false, clock: Clock = Clock(), dateFormat: DatePattern = .standard
    ) -> String {
        var parts = [clock.civil(post).map(dateFormat.format) ?? "date \(Fmt.unknown)"]
        if let author = post.author { parts.append("by \(author)") }
        parts.append("views \(Fmt.count(post.views))")
        if let f = post.forwards { parts.append("forwards \(Fmt.count(f))") }
        if !post.reactionsByEmoji.isEmpty {
            parts.append(post.reactionsByEmoji.map { "\($0.emoji) \(Fmt.count($0.count))" }.joined(separator: " "))
        } else if let r = post.reactions {
            parts.append("reactions \(Fmt.count(r))")
        }
        if post.edited { parts.append("edited") }
        if bookmarked { parts.append("bookmarked") }
        return parts.joined(separator: " · ")
    }

    static func lines(
        for post: Publication, width: Int, full: Bool, bookmarked: Bool = false, clock: Clock = Clock(),
        dateFormat: DatePattern = .standard, curve: [ViewSample]? = nil, keys: KeyTable = .standard, theme: Theme = .monochrome,
        picture: (_ address: String, _ columns: Int) -> PictureState? = { _, _ in nil }
    )
        -> [StyledLine]
    {
        guard width > 0 else { return [] }
        var out: [StyledLine] = []
        func add(_ text: String, _ style: Style) { out += paragraphs(text, width: width, style: style) }
        add(header(post, bookmarked: bookmarked, clock: clock, dateFormat: dateFormat), theme.date)
        if full, let curve, let line = curveLine(curve, width: width) { out.append([Span(text: line, style: theme.muted)]) }
        if let from = post.forwardedFrom { add("forwarded from \(from)", theme.muted) }
        for m in post.media {
            // A photo drawn takes its marker's place (a video's thumbnail comes under its marker); until then the
            // marker holds it, and says why it never will.
            switch m.picture.flatMap({ picture($0, width) }) {
            case .drawn(let rows):
                if m.kind != .photo { add(mediaLine(m), theme.muted) }
                out += rows
            case .refused(let reason): add(mediaLine(m) + " not shown: " + reason, theme.muted)
            case .loading, nil: add(mediaLine(m), theme.muted)
            }
            for option in m.options { add("• " + pollOptionLine(option), theme.muted) }
        }
        out.append([])
        if let preview = post.linkPreview {
            let image: [StyledLine] =
                if case .drawn(let rows)? = preview.image.flatMap({ picture($0, width - 4) }) { rows } else { [] }
            out.append(contentsOf: previewLines(preview, width: width, boxed: full, theme: theme, image: image))
            out.append([])
        }
        if !post.text.isEmpty {
            let links = numberedLinks(post)
            out += paragraphs(
                post.text, marks: links.isEmpty ? [] : linkMarks(post, links: links), width: width,
                style: post.isService ? theme.service : theme.text, numberStyle: theme.link)
        }
        if full, let permalink = post.permalink {
            out.append([])
            // The keys in force (config.toml can rebind them); an unbound one is not offered.
            let how = keys.label(.openPermalink).map { "\($0) opens this post at its source: " } ?? "this post at its source: "
            out.append([Span(text: how, style: theme.muted), Span(text: permalink, style: theme.link)])
        }
        let links = numberedLinks(post)
        if full, !links.isEmpty {
            out.append([])
            let how = [keys.label(.openLink).map { "\($0) opens the first, 3\($0) link 3" }, keys.label(.linkList).map { "\($0) lists them" }]
                .compactMap { $0 }
            add(how.isEmpty ? "Links" : "Links (" + how.joined(separator: ", ") + ")", theme.title)
            let digits = String(links.count).count
            for (i, link) in links.enumerated() {
                let number = String(i + 1)
                let pad = String(repeating: " ", count: digits - number.count)
                out.append([Span(text: " \(pad)\(number) ", style: theme.muted), Span(text: link, style: theme.link)])
            }
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out
    }

    /// `[video: clip.mp4 · 25.2 MB · 2:57]`, `[poll: Which one? · 1.2K voters]`: what the source said about it.
    static func mediaLine(_ m: Media) -> String {
        var parts = [name(m)]
        if let size = m.size { parts.append(Fmt.bytes(size)) }
        if let d = m.duration { parts.append(Fmt.duration(d)) }
        if let voters = m.voters { parts.append("\(Fmt.count(voters)) voters") }
        return "[" + parts.joined(separator: " · ") + "]"
    }

    /// `poll: Next trip?`, `voice`; for `other`, the source's own words ("Please open Telegram to view this post").
    static func name(_ m: Media) -> String {
        m.kind == .other ? m.name ?? "other" : m.kind.rawValue + (m.name.map { ": \($0)" } ?? "")
    }

    /// `42% Yes (1 204 votes)`, `—% Yes` when the source gave no share.
    static func pollOptionLine(_ o: PollOption) -> String {
        "\(o.percent.map(String.init) ?? Fmt.unknown)% " + o.text + (o.votes.map { " (\(Fmt.grouped($0)) votes)" } ?? "")
    }

    /// Source text wrapped to `width` in logical order, each line marked with its paragraph's direction; link numbers
    /// (`[3]`) drawn where `marks` put them, in spans of their own that a search does not match.
    static func paragraphs(_ text: String, marks: [LinkMark] = [], width: Int, style: Style, numberStyle: Style? = nil) -> [StyledLine] {
        // Each number is wrapped with the words before it, then told apart again by its place among the characters
        // that wrapping keeps (all but spaces and line breaks).
        var shown = ""
        var numberBytes: [Range<Int>] = []
        var done = text.startIndex
        for mark in marks {
            // Between two characters: a mark inside one (a combining mark after the words) goes before it.
            var at = text.utf8.index(text.startIndex, offsetBy: mark.end)
            while at > text.startIndex, String.Index(at, within: text) == nil { at = text.utf8.index(before: at) }
            guard at >= done else { continue }
            shown += Sanitize.forDisplay(String(text[done..<at]))
            let number = "[\(mark.number)]"
            // A number stays whole: after a word too long to share a line with it, it is a word of its own.
            let word = shown.reversed().prefix { $0 != " " && $0 != "\n" }
            if !word.isEmpty, String(word).displayWidth + number.count > width { shown += " " }
            numberBytes.append(shown.utf8.count..<shown.utf8.count + number.utf8.count)
            shown += number
            done = at
        }
        shown += Sanitize.forDisplay(String(text[done...]))
        var numberPlaces = Set<Int>()
        if !numberBytes.isEmpty {
            var (place, byte, next) = (0, 0, 0)
            for c in shown {
                defer { byte += c.utf8.count }
                guard c != " " && c != "\n" else { continue }
                while next < numberBytes.count, numberBytes[next].upperBound <= byte { next += 1 }
                if next < numberBytes.count, numberBytes[next].contains(byte) { numberPlaces.insert(place) }
                place += 1
            }
        }
        var place = 0
        return shown.split(separator: "\n", omittingEmptySubsequences: false).flatMap { paragraph in
            let direction = Bidi.direction(of: paragraph)
            return paragraph.wrapped(toWidth: width).map { line -> StyledLine in
                guard !numberPlaces.isEmpty else { return [Span(text: line, style: style, direction: direction)] }
                var spans: StyledLine = []
                for c in line {
                    let isNumber = c != " " && numberPlaces.contains(place)
                    if c != " " { place += 1 }
                    if spans.last?.isLinkNumber == isNumber {
                        spans[spans.count - 1].text.append(c)
                    } else {
                        spans.append(Span(text: String(c), style: isNumber ? numberStyle ?? style : style, direction: direction, isLinkNumber: isNumber))
                    }
                }
                return spans
            }
        }
    }

    /// The link preview: in a box when full-screen, behind a bar beside the list.
    static func previewLines(_ p: LinkPreview, width: Int, boxed: Bool, theme: Theme, image: [StyledLine] = []) -> [StyledLine] {
        let inner = boxed ? width - 4 : width - 2
        guard inner > 0 else { return [] }
        var body: [StyledLine] = []
        if let site = p.site { body += paragraphs(site, width: inner, style: theme.title) }
        if let title = p.title { body += paragraphs(title, width: inner, style: Style(bold: true)) }
        if let d = p.description { body += paragraphs(d, width: inner, style: theme.muted) }
        if let url = p.url { body.append([Span(text: url.truncated(toWidth: inner), style: theme.link)]) }
        body += image
        guard boxed else { return body.map { [Span(text: "▌ ", style: theme.border)] + $0 } }
        let rule = String(repeating: "─", count: max(0, width - 2))
        var out: StyledLine = []
        out = [Span(text: "┌" + rule + "┐", style: theme.border)]
        var lines = [out]
        for l in body {
            let used = l.reduce(0) { $0 + $1.text.displayWidth }
            let pad = Span(text: String(repeating: " ", count: max(0, inner - used)), style: theme.border)
            // Right-to-left text keeps to the right edge of the box.
            let (left, right) = l.last?.direction == .rightToLeft ? ([pad], []) : ([], [pad])
            lines.append([Span(text: "│ ", style: theme.border)] + left + l + right + [Span(text: " │", style: theme.border)])
        }
        lines.append([Span(text: "└" + rule + "┘", style: theme.border)])
        return lines
    }
}
