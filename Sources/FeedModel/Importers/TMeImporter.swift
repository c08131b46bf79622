import CLibXML2
import Foundation

/// The HTML of a channel's public web preview (`https://t.me/s/<name>`), read with libxml2's HTML parser and one
/// walk over each parsed chunk's tree (no XPath: its string functions allocated for every class test).
///
/// Channel: `.tgme_channel_info_header_title`, `…_username`, `…_description`, `.tgme_channel_info_counter`s.
/// Posts: every `.tgme_widget_message` with a `data-post="name/123"`; the date is the `<time datetime>` inside the
/// `.tgme_widget_message_date` permalink (video players carry `<time>` durations that are not dates).
///
/// "First `.x` below a node" means the first element in document order strictly inside that node whose class
/// attribute, split at XML white space, has the token `x` — what `(.//*[contains(concat(' ',
/// normalize-space(@class), ' '), ' x ')])[1]` selected before.
enum TMeImporter: Importer {
    static func recognizes(_ data: Data) -> Bool {
        guard let (name, head) = MarkupHead.rootElement(data, limit: 32_768), name.lowercased() == "html" else {
            return false
        }
        return head.contains("tgme_") || head.contains("t.me/s/")
    }

    static func load(_ data: Data) throws(FeedError) -> [Channel] {
        guard data.count < Int(Int32.max) else { throw FeedError("file too large for the HTML parser (2 GB at most)") }
        let bytes = UTF8Repair.repaired(data)
        var channel = Channel(title: "")
        var postCount = 0
        var parsedAny = false
        // One parser context for all chunks: creating one per message (its buffers and name dictionary) was a
        // good part of the parse time.
        guard let parser = htmlNewParserCtxt() else { throw FeedError("out of memory for the HTML parser") }
        defer { htmlFreeParserCtxt(parser) }
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            // A DOM of the whole page costs about ten times its size. Each message is parsed on its own instead
            // (the page header with the channel info first): memory stays bounded by the largest message, and a
            // message with unclosed tags cannot swallow the ones after it.
            let chunks = messageChunks(raw)
            var line = 0  // newlines before the current chunk
            var counted = 0
            for range in chunks {
                line += newlines(raw, counted..<range.lowerBound)
                counted = range.lowerBound
                guard let base = raw.baseAddress, !range.isEmpty,
                    let doc = htmlCtxtReadMemory(
                        parser, (base + range.lowerBound).assumingMemoryBound(to: CChar.self), Int32(range.count),
                        nil, "UTF-8", HTMLText.parseOptions)
                else { continue }
                defer { xmlFreeDoc(doc) }
                parsedAny = true
                let page = scanDocument(doc, channel: channel.title.isEmpty)
                if channel.title.isEmpty { readChannel(page, into: &channel) }
                for post in page.posts {
                    postCount += 1
                    let postLine = Int(xmlGetLineNo(post))
                    switch readPost(post) {
                    case .success(let p): channel.publications.append(p)
                    case .failure(let reason):
                        channel.skipped.record(line: postLine > 0 ? line + postLine : nil, reason.message)
                    }
                }
            }
        }
        guard parsedAny else { throw FeedError("not readable as HTML") }
        if channel.handle == nil, let first = channel.publications.first,
            let slash = first.id.firstIndex(of: "/")
        {
            channel.handle = String(first.id[..<slash])
        }
        if channel.title.isEmpty {
            guard postCount > 0 || channel.handle != nil else {
                throw FeedError("no t.me channel preview found (no .tgme_channel_info and no .tgme_widget_message)")
            }
            channel.title = channel.handle ?? "Telegram channel"
        }
        return [channel]
    }

    /// Byte ranges: the page up to the first `<div class="tgme_widget_message_wrap …">`, then one per message
    /// wrap. A page without such wraps is one range.
    static func messageChunks(_ raw: UnsafeRawBufferPointer) -> [Range<Int>] {
        guard let base = raw.baseAddress, raw.count > 0 else { return [] }
        let needle = Array("tgme_widget_message_wrap".utf8)
        let m = needle.count
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        // Boyer-Moore-Horspool: how far the needle can move when its last position holds a byte.
        var shift = [Int](repeating: m, count: 256)
        for k in 0..<(m - 1) { shift[Int(needle[k])] = m - 1 - k }
        var starts: [Int] = []
        var from = 0
        while from < raw.count {
            var at = from
            var found = false
            while at + m <= raw.count {
                let last = bytes[at + m - 1]
                if last == needle[m - 1], memcmp(bytes + at, needle, m) == 0 {
                    found = true
                    break
                }
                at += shift[Int(last)]
            }
            guard found else { break }
            from = at + m
            // The tag that carries the class: the "<" before it, with no ">" in between.
            var i = at - 1
            let floor = max(0, at - 512)
            while i >= floor {
                let b = raw[i]
                if b == UInt8(ascii: ">") { i = -1; break }
                if b == UInt8(ascii: "<") { break }
                i -= 1
            }
            guard i >= floor, i >= 0, starts.last.map({ i > $0 }) ?? (i > 0) else { continue }
            starts.append(i)
        }
        var ranges: [Range<Int>] = []
        var lower = 0
        for s in starts {
            ranges.append(lower..<s)
            lower = s
        }
        ranges.append(lower..<raw.count)
        return ranges
    }

    static func newlines(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        guard let base = raw.baseAddress, !range.isEmpty, range.upperBound <= raw.count else { return 0 }
        let bytes = UnsafeBufferPointer(
            start: (base + range.lowerBound).assumingMemoryBound(to: UInt8.self), count: range.count)
        var n = 0
        for b in bytes { n &+= b == 0x0A ? 1 : 0 }  // no overflow check: the loop vectorises
        return n
    }

    // MARK: Channel

    /// What one walk over a parsed chunk finds: the posts, and (when asked) the channel header's parts.
    private struct Page {
        var posts: [xmlNodePtr] = []
        var title: xmlNodePtr?
        /// The first `<meta property="og:title">` that has a `content` attribute.
        var ogTitle: xmlNodePtr?
        var username: xmlNodePtr?
        var description: xmlNodePtr?
        var counters: [xmlNodePtr] = []
        /// The contact page (`t.me/NAME`): its title, "82 932 subscribers" line, description, and the first
        /// `tg://resolve?domain=NAME` or `/s/NAME` link, which names the channel.
        var pageTitle, pageExtra, pageDescription: xmlNodePtr?
        var handleLink: String?
    }

    /// Every element of the document in document order: `.tgme_widget_message`s, and with `channel` the header.
    private static func scanDocument(_ doc: htmlDocPtr, channel: Bool) -> Page {
        var page = Page()
        let container = UnsafeMutableRawPointer(doc)
        DOM.walkElements(from: doc.pointee.children, inside: container) { node in
            let classes = DOM.classes(node)
            if classes.contains(.message) { page.posts.append(node) }
            if channel {
                if page.title == nil, classes.contains(.channelTitle) { page.title = node }
                if page.username == nil, classes.contains(.channelUsername) { page.username = node }
                if page.description == nil, classes.contains(.channelDescription) { page.description = node }
                if classes.contains(.channelCounter) { page.counters.append(node) }
                if page.pageTitle == nil, classes.contains(.pageTitle) { page.pageTitle = node }
                if page.pageExtra == nil, classes.contains(.pageExtra) { page.pageExtra = node }
                if page.pageDescription == nil, classes.contains(.pageDescription) { page.pageDescription = node }
                if page.handleLink == nil, DOM.nameIs(node, "a"), let href = DOM.trimmedValue(node, "href"),
                    let name = contactHandle(href)
                {
                    page.handleLink = name
                }
                if page.ogTitle == nil, DOM.nameIs(node, "meta"),
                    DOM.withAttribute(node, "property", { $0.map { DOM.equal($0, "og:title") } ?? false }),
                    DOM.hasAttribute(node, "content")
                {
                    page.ogTitle = node
                }
            }
            return true
        }
        return page
    }

    /// `tg://resolve?domain=NAME` or `/s/NAME` (`https://t.me/s/NAME`) → NAME.
    static func contactHandle(_ href: String) -> String? {
        var name: Substring?
        if let r = href.range(of: "tg://resolve?domain=") {
            name = href[r.upperBound...]
        } else if href.hasPrefix("/s/") {
            name = href.dropFirst(3)
        } else if let r = href.range(of: "t.me/s/") {
            name = href[r.upperBound...]
        }
        let handle = name.map { String($0.prefix { $0.isLetter || $0.isNumber || $0 == "_" }) } ?? ""
        return handle.isEmpty ? nil : handle
    }

    /// The contact page of a channel (`t.me/NAME`): title, handle, description and the exact subscriber count.
    private static func readContactPage(_ page: Page, into c: inout Channel) {
        if let title = HTMLText.plainText(page.pageTitle) { c.title = title }
        c.handle = c.handle ?? page.handleLink
        if let extra = HTMLText.plainText(page.pageExtra) {
            // "82 932 subscribers", "1 204 members": the number is everything before the word.
            let number = extra.prefix { !$0.isLetter }
            if extra.dropFirst(number.count).lowercased().hasPrefix("subscriber")
                || extra.dropFirst(number.count).lowercased().hasPrefix("member")
            {
                c.subscribers = TextScan.count(TextScan.trimmed(String(number)))
            }
        }
        if c.description == nil, let description = page.pageDescription {
            let text = HTMLText.render(description).text
            if !text.isEmpty { c.description = text }
        }
        // The contact page shows no posts: say where they are rather than show an empty channel unexplained.
        c.notice = "this is the channel's contact page; its posts are at t.me/s/" + (c.handle ?? "NAME")
        if let handle = c.handle { c.url = "https://t.me/s/" + handle }
    }

    private static func readChannel(_ page: Page, into c: inout Channel) {
        if page.title == nil, page.pageTitle != nil {
            readContactPage(page, into: &c)
            return
        }
        if let title = HTMLText.plainText(page.title) {
            c.title = title
        } else if let meta = page.ogTitle, let title = DOM.trimmedValue(meta, "content") {
            c.title = title
        }
        if let user = page.username {
            if let name = HTMLText.plainText(user) {
                let handle = name.hasPrefix("@") ? String(name.dropFirst()) : name
                if !handle.isEmpty { c.handle = handle }
            }
            // The first `<a href>` of the username element, itself included.
            let anchor =
                DOM.nameIs(user, "a") && DOM.hasAttribute(user, "href")
                ? user
                : DOM.first(below: user) { DOM.nameIs($0, "a") && DOM.hasAttribute($0, "href") }
            if let anchor, let href = DOM.trimmedValue(anchor, "href"), HTMLText.isWebURL(href) { c.url = href }
        }
        if let description = page.description {
            let text = HTMLText.render(description).text
            if !text.isEmpty { c.description = text }
        }
        for counter in page.counters {
            guard let raw = HTMLText.plainText(DOM.first(below: counter, .counterValue)),
                let value = TextScan.count(raw),
                let type = HTMLText.plainText(DOM.first(below: counter, .counterType))?.lowercased()
            else { continue }
            if type.hasPrefix("subscriber") || type.hasPrefix("member") {
                c.subscribers = value
            } else if type.hasPrefix("photo") {
                c.counters.photos = value
            } else if type.hasPrefix("video") {
                c.counters.videos = value
            } else if type.hasPrefix("file") {
                c.counters.files = value
            } else if type.hasPrefix("link") {
                c.counters.links = value
            }
        }
    }

    // MARK: Posts

    /// The parts of one message, found in one walk over its subtree (the message element itself excluded).
    private struct PostParts {
        var text, views, meta, forwardedFrom, linkPreview: xmlNodePtr?
        /// The first `<a class="…_reply" href>`.
        var reply: xmlNodePtr?
        /// The first `<time datetime>` below a `.tgme_widget_message_date`, and the first `<time datetime>` at all.
        var dateTime, anyTime: xmlNodePtr?
        /// The `.tgme_widget_message_date` link: the post's own address.
        var dateLink: xmlNodePtr?
        var author, voters: xmlNodePtr?
        var media: [xmlNodePtr] = []
        var reactions: [xmlNodePtr] = []
    }

    private static func parts(of post: xmlNodePtr) -> PostParts {
        var p = PostParts()
        DOM.walkElements(from: post.pointee.children, inside: UnsafeMutableRawPointer(post)) { node in
            let classes = DOM.classes(node)
            if !classes.isEmpty {
                if p.text == nil, classes.contains(.text) { p.text = node }
                if p.views == nil, classes.contains(.views) { p.views = node }
                if p.meta == nil, classes.contains(.meta) { p.meta = node }
                if p.forwardedFrom == nil, classes.contains(.forwardedFromName) { p.forwardedFrom = node }
                if p.linkPreview == nil, classes.contains(.linkPreview) { p.linkPreview = node }
                // A video player's own "not supported in your browser" fallback is no media of its own, and an
                // album's "Please open Telegram" markers are not shown beside the album's photos (a browser hides them).
                if !classes.isDisjoint(with: .media),
                    !classes.contains(.notSupported)
                        || !DOM.hasAncestor(node, below: post, TMeClasses.media.subtracting(.notSupported).union(.groupedWrap))
                {
                    p.media.append(node)
                }
                if classes.contains(.reaction) { p.reactions.append(node) }
                if p.author == nil, classes.contains(.fromAuthor) { p.author = node }
                if p.voters == nil, classes.contains(.voters) { p.voters = node }
                if p.dateLink == nil, classes.contains(.date) { p.dateLink = node }
                if p.reply == nil, classes.contains(.reply), DOM.nameIs(node, "a"), DOM.hasAttribute(node, "href") {
                    p.reply = node
                }
            }
            if p.dateTime == nil, DOM.nameIs(node, "time"), DOM.hasAttribute(node, "datetime") {
                if p.anyTime == nil { p.anyTime = node }
                if DOM.hasAncestor(node, below: post, .date) { p.dateTime = node }
            }
            return true
        }
        return p
    }

    private static func readPost(_ post: xmlNodePtr) -> Result<Publication, FeedError> {
        let parts = parts(of: post)
        let permalink = parts.dateLink.flatMap { DOM.trimmedValue($0, "href") }.flatMap { HTMLText.isWebURL($0) ? $0 : nil }
            .flatMap { postPath($0) == nil ? nil : $0 }
        // `data-post="name/123"`; pages that leave it out still link the date to `https://t.me/name/123`.
        guard let id = attribute(post, "data-post").map(TextScan.trimmed).flatMap({ $0.isEmpty ? nil : $0 })
            ?? permalink.flatMap(postPath)
        else { return .failure(FeedError("message without data-post id and without a date link to the post")) }
        // The date permalink's `<time>`; any `<time datetime>` only when the link has none. A date link with a blank,
        // unreadable or no `datetime` is a post whose date the page does not give: kept, with an unknown date.
        // Without date link and without any `<time>` the message is cut short (a truncated page): skipped.
        let timeNode = parts.dateTime ?? parts.anyTime
        guard timeNode != nil || parts.dateLink != nil else { return .failure(FeedError("missing date")) }
        let posted = timeNode.flatMap { DOM.trimmedValue($0, "datetime") }.flatMap(ISODate.parseWithOffset)
        var p = Publication(id: id, date: posted?.date, utcOffset: posted?.offset ?? nil)
        p.permalink = permalink ?? "https://t.me/" + id
        p.author = HTMLText.plainText(parts.author)
        p.isService = DOM.withAttribute(post, "class") { $0.map { DOM.hasSpaceSeparated($0, "service_message") } ?? false }

        if let textNode = parts.text {
            let r = HTMLText.render(textNode)
            p.text = r.text
            p.links = r.links
            p.linkMarks = r.marks
        }
        if let raw = HTMLText.plainText(parts.views) { p.views = TextScan.count(raw) }
        if let meta = HTMLText.plainText(parts.meta), meta.lowercased().contains("edited") {
            p.edited = true
        }
        p.forwardedFrom = HTMLText.plainText(parts.forwardedFrom)
        if let reply = parts.reply.flatMap({ DOM.trimmedValue($0, "href") }) { p.replyTo = postPath(reply) ?? reply }

        if let preview = parts.linkPreview {
            var lp = LinkPreview()
            lp.site = HTMLText.plainText(DOM.first(below: preview, .previewSiteName))
            lp.title = HTMLText.plainText(DOM.first(below: preview, .previewTitle))
            lp.description = HTMLText.plainText(DOM.first(below: preview, .previewDescription))
            if let href = attribute(preview, "href").map(TextScan.trimmed),
                HTMLText.isWebURL(href)
            {
                lp.url = href
                if !p.links.contains(href) { p.links.append(href) }
            }
            lp.image = backgroundImage(below: preview, of: ["link_preview_image", "link_preview_right_image"])
            if lp != LinkPreview() { p.linkPreview = lp }
        }
        p.media = parts.media.compactMap(readMedia)
        if let pollIndex = p.media.firstIndex(where: { $0.kind == .poll }),
            let voters = HTMLText.plainText(parts.voters).flatMap(TextScan.count)
        {
            p.media[pollIndex].voters = voters
        }
        p.reactionsByEmoji = parts.reactions.compactMap(readReaction)
        p.reactions = Reaction.total(p.reactionsByEmoji)
        return .success(p)
    }

    /// `<span class="tgme_reaction"><i class="emoji"><b>👍</b></i>1.2K</span>`: the emoji, then its count.
    private static func readReaction(_ node: xmlNodePtr) -> Reaction? {
        guard let text = HTMLText.plainText(node) else { return nil }
        let digits = text.reversed().prefix { $0.isASCII && ($0.isNumber || ".,KMBkmb".contains($0)) || $0.isWhitespace }
        let countText = String(digits.reversed())
        guard let count = TextScan.count(TextScan.trimmed(countText)) else { return nil }
        let emoji = TextScan.trimmed(String(text.dropLast(countText.count)))
        // A paid reaction is a star without a character of its own in some pages.
        let paid = DOM.withAttribute(node, "class") { $0.map { DOM.hasSpaceSeparated($0, "tgme_reaction_paid") } ?? false }
        return Reaction(emoji: emoji.isEmpty ? (paid ? "⭐" : "?") : emoji, count: count)
    }

    /// "25.2 MB", "812 KB", "1.1 GB" → bytes (approximate: the page rounds them).
    static func parseSize(_ s: String) -> Int64? {
        let parts = s.split(separator: " ")
        guard parts.count == 2, let n = Double(parts[0].replacingOccurrences(of: ",", with: ".")), n >= 0 else { return nil }
        let units: [String: Double] = ["B": 1, "KB": 1024, "MB": 1024 * 1024, "GB": 1024 * 1024 * 1024]
        guard let unit = units[parts[1].uppercased()], n * unit < 9e18 else { return nil }
        return Int64((n * unit).rounded())
    }

    /// One media element. Its kind is read from the class attribute split at spaces only (as it always was); an
    /// element whose token is separated by other white space is found but yields nothing.
    private static func readMedia(_ node: xmlNodePtr) -> Media? {
        enum Kind { case photo, video, file, poll, voice, sticker, location, notSupported }
        let kind: Kind? = DOM.withAttribute(node, "class") { value in
            guard let value else { return nil }
            if DOM.hasSpaceSeparated(value, "tgme_widget_message_photo_wrap") { return .photo }
            if DOM.hasSpaceSeparated(value, "tgme_widget_message_video_player")
                || DOM.hasSpaceSeparated(value, "tgme_widget_message_roundvideo_player")
            {
                return .video
            }
            if DOM.hasSpaceSeparated(value, "tgme_widget_message_document") { return .file }
            if DOM.hasSpaceSeparated(value, "tgme_widget_message_poll") { return .poll }
            if DOM.hasSpaceSeparated(value, "tgme_widget_message_voice_player") { return .voice }
            if DOM.hasSpaceSeparated(value, "tgme_widget_message_sticker_wrap") { return .sticker }
            if DOM.hasSpaceSeparated(value, "tgme_widget_message_location_wrap") { return .location }
            if DOM.hasSpaceSeparated(value, "message_media_not_supported") { return .notSupported }
            return nil
        }
        switch kind {
        case .photo:
            return Media(kind: .photo, url: backgroundImage(attribute(node, "style")))
        case .video:
            let video = DOM.first(below: node) { DOM.nameIs($0, "video") && DOM.hasAttribute($0, "src") }
            let src = video.flatMap { DOM.trimmedValue($0, "src") }.flatMap { HTMLText.isWebURL($0) ? $0 : nil }
            let durationNode = DOM.first(below: node) {
                !DOM.classes($0).isDisjoint(with: [.videoDuration, .roundvideoDuration])
            }
            let duration = HTMLText.plainText(durationNode).flatMap(parseDuration)
            let thumbnail = backgroundImage(below: node, of: ["tgme_widget_message_video_thumb", "tgme_widget_message_roundvideo_thumb"])
            return Media(kind: .video, url: src, duration: duration, thumbnail: thumbnail)
        case .file:
            var m = Media(kind: .file, name: HTMLText.plainText(DOM.first(below: node, .documentTitle)))
            // The line under the name: a size ("25.2 MB") for files, a duration ("3:25") for audio.
            if let extra = HTMLText.plainText(DOM.first(below: node, .documentExtra)) {
                if let size = parseSize(extra) {
                    m.size = size
                    m.sizeApproximate = true
                } else {
                    m.duration = parseDuration(extra)
                }
            }
            return m
        case .poll:
            var m = Media(kind: .poll, name: HTMLText.plainText(DOM.first(below: node, .pollQuestion)))
            var options: [xmlNodePtr] = []
            DOM.walkElements(from: node.pointee.children, inside: UnsafeMutableRawPointer(node)) { e in
                if DOM.classes(e).contains(.pollOption) { options.append(e) }
                return true
            }
            m.options = options.compactMap { option in
                guard let text = HTMLText.plainText(DOM.first(below: option, .pollOptionText)) else { return nil }
                let percent = HTMLText.plainText(DOM.first(below: option, .pollOptionPercent))
                    .flatMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "% "))) }
                return PollOption(text: text, percent: percent)
            }
            return m
        case .voice:
            return Media(kind: .voice, duration: HTMLText.plainText(DOM.first(below: node, .voiceDuration)).flatMap(parseDuration))
        case .notSupported:
            // "Please open Telegram to view this post": the page does not show this media; say so.
            let label = HTMLText.plainText(DOM.first(below: node, .notSupportedLabel)) ?? HTMLText.plainText(node)
            let link = DOM.first(below: node) { DOM.nameIs($0, "a") && DOM.hasAttribute($0, "href") }
                .flatMap { DOM.trimmedValue($0, "href") }.flatMap { HTMLText.isWebURL($0) ? $0 : nil }
            return Media(kind: .other, name: label, url: link)
        case .sticker: return Media(kind: .sticker)
        case .location: return Media(kind: .location)
        case nil: return nil
        }
    }

    /// The picture of the first element inside `node` with one of the class tokens `classes` (a video's
    /// thumbnail, a link preview's image).
    static func backgroundImage(below node: xmlNodePtr, of classes: [StaticString]) -> String? {
        let element = DOM.first(below: node) { e in
            DOM.withAttribute(e, "class") { value in value.map { v in classes.contains { DOM.hasSpaceSeparated(v, $0) } } ?? false }
        }
        return element.flatMap { backgroundImage(attribute($0, "style")) }
    }

    /// `…;background-image:url('https://…')` → the URL, when it is http(s).
    static func backgroundImage(_ style: String?) -> String? {
        guard let style, let start = style.range(of: "background-image:url(") else { return nil }
        var rest = style[start.upperBound...]
        guard let close = rest.firstIndex(of: ")") else { return nil }
        rest = rest[..<close]
        let url = rest.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        return HTMLText.isWebURL(url) ? url : nil
    }

    /// "0:21", "2:57", "1:02:03" → seconds.
    static func parseDuration(_ s: String) -> Int? {
        let parts = s.split(separator: ":")
        guard (2...3).contains(parts.count) else { return nil }
        var total = 0
        for part in parts {
            guard let n = Int(part), n >= 0, n < 100_000 else { return nil }
            total = total * 60 + n
        }
        return total
    }

    /// `https://t.me/name/123?single` → `name/123`.
    static func postPath(_ url: String) -> String? {
        guard let host = url.range(of: "t.me/") else { return nil }
        let path = url[host.upperBound...].prefix { $0 != "?" && $0 != "#" }
        return path.contains("/") ? String(path) : nil
    }
}


/// The class tokens the t.me importer looks for.
private struct TMeClasses: OptionSet {
    let rawValue: UInt64

    static let message = TMeClasses(rawValue: 1 << 0)
    static let date = TMeClasses(rawValue: 1 << 1)
    static let text = TMeClasses(rawValue: 1 << 2)
    static let views = TMeClasses(rawValue: 1 << 3)
    static let meta = TMeClasses(rawValue: 1 << 4)
    static let forwardedFromName = TMeClasses(rawValue: 1 << 5)
    static let reply = TMeClasses(rawValue: 1 << 6)
    static let linkPreview = TMeClasses(rawValue: 1 << 7)
    static let previewSiteName = TMeClasses(rawValue: 1 << 8)
    static let previewTitle = TMeClasses(rawValue: 1 << 9)
    static let previewDescription = TMeClasses(rawValue: 1 << 10)
    static let photoWrap = TMeClasses(rawValue: 1 << 11)
    static let videoPlayer = TMeClasses(rawValue: 1 << 12)
    static let roundvideoPlayer = TMeClasses(rawValue: 1 << 13)
    static let document = TMeClasses(rawValue: 1 << 14)
    static let poll = TMeClasses(rawValue: 1 << 15)
    static let voicePlayer = TMeClasses(rawValue: 1 << 16)
    static let stickerWrap = TMeClasses(rawValue: 1 << 17)
    static let locationWrap = TMeClasses(rawValue: 1 << 18)
    static let videoDuration = TMeClasses(rawValue: 1 << 19)
    static let roundvideoDuration = TMeClasses(rawValue: 1 << 20)
    static let documentTitle = TMeClasses(rawValue: 1 << 21)
    static let pollQuestion = TMeClasses(rawValue: 1 << 22)
    static let channelTitle = TMeClasses(rawValue: 1 << 23)
    static let channelUsername = TMeClasses(rawValue: 1 << 24)
    static let channelDescription = TMeClasses(rawValue: 1 << 25)
    static let channelCounter = TMeClasses(rawValue: 1 << 26)
    static let counterValue = TMeClasses(rawValue: 1 << 27)
    static let counterType = TMeClasses(rawValue: 1 << 28)
    static let reaction = TMeClasses(rawValue: 1 << 29)
    static let fromAuthor = TMeClasses(rawValue: 1 << 30)
    static let voters = TMeClasses(rawValue: 1 << 31)
    static let pollOption = TMeClasses(rawValue: 1 << 32)
    static let pollOptionPercent = TMeClasses(rawValue: 1 << 33)
    static let pollOptionText = TMeClasses(rawValue: 1 << 34)
    static let documentExtra = TMeClasses(rawValue: 1 << 35)
    static let notSupported = TMeClasses(rawValue: 1 << 36)
    static let notSupportedLabel = TMeClasses(rawValue: 1 << 37)
    static let voiceDuration = TMeClasses(rawValue: 1 << 38)
    static let pageTitle = TMeClasses(rawValue: 1 << 39)
    static let pageExtra = TMeClasses(rawValue: 1 << 40)
    static let pageDescription = TMeClasses(rawValue: 1 << 41)
    static let groupedWrap = TMeClasses(rawValue: 1 << 42)

    static let media: TMeClasses = [
        .photoWrap, .videoPlayer, .roundvideoPlayer, .document, .poll, .voicePlayer, .stickerWrap, .locationWrap,
        .notSupported,
    ]

    /// Token → flag. Most tokens of the page share the `tgme_widget_message_` prefix: the table is searched by
    /// length first.
    static let names: [(StaticString, TMeClasses)] = [
        ("tgme_widget_message", .message),
        ("tgme_widget_message_date", .date),
        ("tgme_widget_message_text", .text),
        ("tgme_widget_message_views", .views),
        ("tgme_widget_message_meta", .meta),
        ("tgme_widget_message_forwarded_from_name", .forwardedFromName),
        ("tgme_widget_message_reply", .reply),
        ("tgme_widget_message_link_preview", .linkPreview),
        ("link_preview_site_name", .previewSiteName),
        ("link_preview_title", .previewTitle),
        ("link_preview_description", .previewDescription),
        ("tgme_widget_message_photo_wrap", .photoWrap),
        ("tgme_widget_message_video_player", .videoPlayer),
        ("tgme_widget_message_roundvideo_player", .roundvideoPlayer),
        ("tgme_widget_message_document", .document),
        ("tgme_widget_message_poll", .poll),
        ("tgme_widget_message_voice_player", .voicePlayer),
        ("tgme_widget_message_sticker_wrap", .stickerWrap),
        ("tgme_widget_message_location_wrap", .locationWrap),
        ("message_video_duration", .videoDuration),
        ("tgme_widget_message_roundvideo_duration", .roundvideoDuration),
        ("tgme_widget_message_document_title", .documentTitle),
        ("tgme_widget_message_poll_question", .pollQuestion),
        ("tgme_channel_info_header_title", .channelTitle),
        ("tgme_channel_info_header_username", .channelUsername),
        ("tgme_channel_info_description", .channelDescription),
        ("tgme_channel_info_counter", .channelCounter),
        ("counter_value", .counterValue),
        ("counter_type", .counterType),
        ("tgme_reaction", .reaction),
        ("tgme_widget_message_from_author", .fromAuthor),
        ("tgme_widget_message_voters", .voters),
        ("tgme_widget_message_poll_option", .pollOption),
        ("tgme_widget_message_poll_option_percent", .pollOptionPercent),
        ("tgme_widget_message_poll_option_text", .pollOptionText),
        ("tgme_widget_message_document_extra", .documentExtra),
        ("message_media_not_supported", .notSupported),
        ("message_media_not_supported_label", .notSupportedLabel),
        ("tgme_widget_message_voice_duration", .voiceDuration),
        ("tgme_page_title", .pageTitle),
        ("tgme_page_extra", .pageExtra),
        ("tgme_page_description", .pageDescription),
        ("tgme_widget_message_grouped_wrap", .groupedWrap),
    ]

    /// The longest name in `names`: longer tokens are not looked up.
    static let longest = names.map { $0.0.utf8CodeUnitCount }.max() ?? 0

    /// The flag of one token, or [].
    static func flag(_ token: UnsafeBufferPointer<UInt8>) -> TMeClasses {
        let n = token.count
        guard n <= longest, let base = token.baseAddress else { return [] }
        for (name, flag) in names where name.utf8CodeUnitCount == n && memcmp(base, name.utf8Start, n) == 0 {
            return flag
        }
        return []
    }
}

/// Reading libxml2 trees without XPath and without copying attribute values.
private enum DOM {
    /// Calls `visit` for every element below `first` and its following siblings, in document order, until the
    /// walk climbs back to `container` (the parent of `first`). `visit` returns whether to walk the element's
    /// children. Iterative: no recursion, so no stack overflow on absurdly deep documents.
    @inline(__always)
    static func walkElements(
        from first: xmlNodePtr?, inside container: UnsafeMutableRawPointer, _ visit: (xmlNodePtr) -> Bool
    ) {
        guard var node = first else { return }
        outer: while true {
            if node.pointee.type == XML_ELEMENT_NODE, visit(node), let child = node.pointee.children {
                node = child
                continue
            }
            while true {
                if let next = node.pointee.next {
                    node = next
                    continue outer
                }
                guard let parent = node.pointee.parent, UnsafeMutableRawPointer(parent) != container else { return }
                node = parent
            }
        }
    }

    /// The first element strictly inside `node`, in document order, for which `test` holds.
    static func first(below node: xmlNodePtr, where test: (xmlNodePtr) -> Bool) -> xmlNodePtr? {
        var found: xmlNodePtr?
        walkElements(from: node.pointee.children, inside: UnsafeMutableRawPointer(node)) { e in
            if found != nil { return false }
            if test(e) {
                found = e
                return false
            }
            return true
        }
        return found
    }

    /// The first element strictly inside `node` with a class token of `classes`.
    static func first(below node: xmlNodePtr, _ classes: TMeClasses) -> xmlNodePtr? {
        first(below: node) { !DOM.classes($0).isDisjoint(with: classes) }
    }

    /// Whether an element between `node` (excluded) and `top` (excluded) has a class token of `classes`.
    static func hasAncestor(_ node: xmlNodePtr, below top: xmlNodePtr, _ classes: TMeClasses) -> Bool {
        var current = node.pointee.parent
        while let p = current, p != top {
            if p.pointee.type == XML_ELEMENT_NODE, !DOM.classes(p).isDisjoint(with: classes) { return true }
            current = p.pointee.parent
        }
        return false
    }

    /// The known tokens of an element's class attribute, split at XML white space (as XPath's normalize-space).
    static func classes(_ node: xmlNodePtr) -> TMeClasses {
        withAttribute(node, "class") { value in
            guard let value, let base = value.baseAddress else { return [] }
            var result: TMeClasses = []
            let n = value.count
            var i = 0
            while i < n {
                while i < n, isXMLSpace(value[i]) { i += 1 }
                let start = i
                while i < n, !isXMLSpace(value[i]) { i += 1 }
                if i > start { result.formUnion(TMeClasses.flag(UnsafeBufferPointer(start: base + start, count: i - start))) }
            }
            return result
        }
    }

    @inline(__always)
    static func isXMLSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Whether `" " + value + " "` contains `" " + token + " "`: a token separated by spaces only.
    static func hasSpaceSeparated(_ value: UnsafeBufferPointer<UInt8>, _ token: StaticString) -> Bool {
        let n = token.utf8CodeUnitCount
        guard n > 0, value.count >= n, let base = value.baseAddress else { return false }
        var i = 0
        while i + n <= value.count {
            if (i == 0 || value[i - 1] == 0x20), i + n == value.count || value[i + n] == 0x20,
                memcmp(base + i, token.utf8Start, n) == 0
            {
                return true
            }
            i += 1
        }
        return false
    }

    /// Whether a NUL-terminated libxml2 string equals `s`.
    static func equal(_ p: UnsafePointer<xmlChar>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        let b = s.utf8Start
        for i in 0..<n where p[i] != b[i] { return false }  // stops at p's NUL: b holds none
        return p[n] == 0
    }

    static func equal(_ value: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        guard value.count == s.utf8CodeUnitCount else { return false }
        guard let base = value.baseAddress else { return value.count == 0 }
        return memcmp(base, s.utf8Start, value.count) == 0
    }

    static func nameIs(_ node: xmlNodePtr, _ name: StaticString) -> Bool {
        guard let n = node.pointee.name else { return false }
        return equal(n, name)
    }

    /// The first attribute of that name (libxml2's HTML parser drops repeated ones).
    static func property(_ node: xmlNodePtr, _ name: StaticString) -> xmlAttrPtr? {
        var current = node.pointee.properties
        while let attr = current {
            if let n = attr.pointee.name, equal(n, name) { return attr }
            current = attr.pointee.next
        }
        return nil
    }

    static func hasAttribute(_ node: xmlNodePtr, _ name: StaticString) -> Bool { property(node, name) != nil }

    /// Calls `body` with an attribute's value (the bytes of `xmlGetProp`, without its copy in the usual case of one
    /// text child), or with nil when the element has no such attribute.
    static func withAttribute<R>(
        _ node: xmlNodePtr, _ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>?) -> R
    ) -> R {
        guard let attr = property(node, name) else { return body(nil) }
        guard let child = attr.pointee.children else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        if child.pointee.next == nil,
            child.pointee.type == XML_TEXT_NODE || child.pointee.type == XML_CDATA_SECTION_NODE
        {
            guard let content = child.pointee.content else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            return body(UnsafeBufferPointer(start: content, count: strlen(content)))
        }
        guard let joined = xmlNodeListGetString(attr.pointee.doc, child, 1) else {
            return body(UnsafeBufferPointer(start: nil, count: 0))
        }
        defer { cx_free(joined) }
        return body(UnsafeBufferPointer(start: joined, count: strlen(joined)))
    }

    /// An attribute's value trimmed of white space (as `string(@name)` was); nil when absent or blank.
    static func trimmedValue(_ node: xmlNodePtr, _ name: StaticString) -> String? {
        withAttribute(node, name) { value -> String? in
            guard let value else { return nil }
            let s = TextScan.trimmed(String(decoding: value, as: UTF8.self))
            return s.isEmpty ? nil : s
        }
    }
}
