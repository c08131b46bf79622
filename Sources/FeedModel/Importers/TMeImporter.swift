import CLibXML2
import Foundation

/// The HTML of a channel's public web preview (`https://t.me/s/<name>`), read a chunk at a time into the tree
/// libxml2's HTML parser makes of it (`TMeChunkReader`), with one walk over each chunk's tree (no XPath: its string
/// functions allocated for every class test).
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

    static func load(_ data: Data) throws(FeedError) -> [Channel] { try load(data, scanning: true) }

    /// `scanning`: chunks read by `TMeChunkScanner` where it can (false: libxml2 reads them all, as the tests compare).
    static func load(_ data: Data, scanning: Bool) throws(FeedError) -> [Channel] {
        guard data.count < Int(Int32.max) else { throw FeedError("file too large for the HTML parser (2 GB at most)") }
        let bytes = UTF8Repair.repaired(data)
        var channel = Channel(title: "")
        var postCount = 0
        var parsedAny = false
        guard let reader = TMeChunkReader(scanning: scanning) else { throw FeedError("out of memory for the HTML parser") }
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
                guard let base = raw.baseAddress, !range.isEmpty else { continue }
                let chunk = UnsafeBufferPointer(start: (base + range.lowerBound).assumingMemoryBound(to: UInt8.self), count: range.count)
                guard reader.read(chunk) else { continue }
                parsedAny = true
                let tree = reader.tree
                let page = scanDocument(tree, channel: channel.title.isEmpty)
                if channel.title.isEmpty { readChannel(tree, page, into: &channel) }
                for post in page.posts {
                    postCount += 1
                    let postLine = tree.line(post)
                    switch readPost(tree, post) {
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
        var posts: [Int] = []
        var title: Int?
        /// The first `<meta property="og:title">` that has a `content` attribute.
        var ogTitle: Int?
        var username: Int?
        var description: Int?
        var counters: [Int] = []
        /// The contact page (`t.me/NAME`): its title, "82 932 subscribers" line, description, and the first
        /// `tg://resolve?domain=NAME` or `/s/NAME` link, which names the channel.
        var pageTitle, pageExtra, pageDescription: Int?
        var handleLink: String?
    }

    /// Every element of the document in document order: `.tgme_widget_message`s, and with `channel` the header.
    private static func scanDocument(_ t: TMeTree, channel: Bool) -> Page {
        var page = Page()
        t.walkElements(inside: TMeTree.document) { node in
            let classes = t.classes(node)
            if classes.contains(.message) { page.posts.append(node) }
            if channel {
                if page.title == nil, classes.contains(.channelTitle) { page.title = node }
                if page.username == nil, classes.contains(.channelUsername) { page.username = node }
                if page.description == nil, classes.contains(.channelDescription) { page.description = node }
                if classes.contains(.channelCounter) { page.counters.append(node) }
                if page.pageTitle == nil, classes.contains(.pageTitle) { page.pageTitle = node }
                if page.pageExtra == nil, classes.contains(.pageExtra) { page.pageExtra = node }
                if page.pageDescription == nil, classes.contains(.pageDescription) { page.pageDescription = node }
                if page.handleLink == nil, t.nameIs(node, "a"), let href = t.trimmedValue(node, "href"),
                    let name = contactHandle(href)
                {
                    page.handleLink = name
                }
                if page.ogTitle == nil, t.nameIs(node, "meta"),
                    t.withAttribute(node, "property", { $0.map { $0.elementsEqual("og:title".utf8) } ?? false }),
                    t.hasAttribute(node, "content")
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
    private static func readContactPage(_ t: TMeTree, _ page: Page, into c: inout Channel) {
        if let title = t.plainText(page.pageTitle) { c.title = title }
        c.handle = c.handle ?? page.handleLink
        if let extra = t.plainText(page.pageExtra) {
            // "82 932 subscribers", "1 204 members": the number is everything before the word.
            let number = extra.prefix { !$0.isLetter }
            if extra.dropFirst(number.count).lowercased().hasPrefix("subscriber")
                || extra.dropFirst(number.count).lowercased().hasPrefix("member")
            {
                c.subscribers = TextScan.count(TextScan.trimmed(String(number)))
            }
        }
        if c.description == nil, let description = page.pageDescription {
            let text = t.render(description).text
            if !text.isEmpty { c.description = text }
        }
        // The contact page shows no posts: say where they are rather than show an empty channel unexplained.
        c.notice = "this is the channel's contact page; its posts are at t.me/s/" + (c.handle ?? "NAME")
        if let handle = c.handle { c.url = "https://t.me/s/" + handle }
    }

    private static func readChannel(_ t: TMeTree, _ page: Page, into c: inout Channel) {
        if page.title == nil, page.pageTitle != nil {
            readContactPage(t, page, into: &c)
            return
        }
        if let title = t.plainText(page.title) {
            c.title = title
        } else if let meta = page.ogTitle, let title = t.trimmedValue(meta, "content") {
            c.title = title
        }
        if let user = page.username {
            if let name = t.plainText(user) {
                let handle = name.hasPrefix("@") ? String(name.dropFirst()) : name
                if !handle.isEmpty { c.handle = handle }
            }
            // The first `<a href>` of the username element, itself included.
            let anchor =
                t.nameIs(user, "a") && t.hasAttribute(user, "href")
                ? user
                : t.first(below: user) { t.nameIs($0, "a") && t.hasAttribute($0, "href") }
            if let anchor, let href = t.trimmedValue(anchor, "href"), HTMLText.isWebURL(href) { c.url = href }
        }
        if let description = page.description {
            let text = t.render(description).text
            if !text.isEmpty { c.description = text }
        }
        for counter in page.counters {
            guard let raw = t.plainText(t.first(below: counter, .counterValue)),
                let value = TextScan.count(raw),
                let type = t.plainText(t.first(below: counter, .counterType))?.lowercased()
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
        var text, views, meta, forwardedFrom, linkPreview: Int?
        /// The first `<a class="…_reply" href>`.
        var reply: Int?
        /// The first `<time datetime>` below a `.tgme_widget_message_date`, and the first `<time datetime>` at all.
        var dateTime, anyTime: Int?
        /// The `.tgme_widget_message_date` link: the post's own address.
        var dateLink: Int?
        var author, voters: Int?
        var media: [Int] = []
        var reactions: [Int] = []
    }

    private static func parts(_ t: TMeTree, of post: Int) -> PostParts {
        var p = PostParts()
        t.walkElements(inside: post) { node in
            let classes = t.classes(node)
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
                        || !t.hasAncestor(node, below: post, TMeClasses.media.subtracting(.notSupported).union(.groupedWrap))
                {
                    p.media.append(node)
                }
                if classes.contains(.reaction) { p.reactions.append(node) }
                if p.author == nil, classes.contains(.fromAuthor) { p.author = node }
                if p.voters == nil, classes.contains(.voters) { p.voters = node }
                if p.dateLink == nil, classes.contains(.date) { p.dateLink = node }
                if p.reply == nil, classes.contains(.reply), t.nameIs(node, "a"), t.hasAttribute(node, "href") {
                    p.reply = node
                }
            }
            if p.dateTime == nil, t.nameIs(node, "time"), t.hasAttribute(node, "datetime") {
                if p.anyTime == nil { p.anyTime = node }
                if t.hasAncestor(node, below: post, .date) { p.dateTime = node }
            }
            return true
        }
        return p
    }

    private static func readPost(_ t: TMeTree, _ post: Int) -> Result<Publication, FeedError> {
        let parts = parts(t, of: post)
        let permalink = parts.dateLink.flatMap { t.trimmedValue($0, "href") }.flatMap { HTMLText.isWebURL($0) ? $0 : nil }
            .flatMap { postPath($0) == nil ? nil : $0 }
        // `data-post="name/123"`; pages that leave it out still link the date to `https://t.me/name/123`.
        guard let id = t.attribute(post, "data-post").map(TextScan.trimmed).flatMap({ $0.isEmpty ? nil : $0 })
            ?? permalink.flatMap(postPath)
        else { return .failure(FeedError("message without data-post id and without a date link to the post")) }
        // The date permalink's `<time>`; any `<time datetime>` only when the link has none. A date link with a blank,
        // unreadable or no `datetime` is a post whose date the page does not give: kept, with an unknown date.
        // Without date link and without any `<time>` the message is cut short (a truncated page): skipped.
        let timeNode = parts.dateTime ?? parts.anyTime
        guard timeNode != nil || parts.dateLink != nil else { return .failure(FeedError("missing date")) }
        let posted = timeNode.flatMap { t.trimmedValue($0, "datetime") }.flatMap(ISODate.parseWithOffset)
        var p = Publication(id: id, date: posted?.date, utcOffset: posted?.offset ?? nil)
        p.permalink = permalink ?? "https://t.me/" + id
        p.author = t.plainText(parts.author)
        p.isService = t.withAttribute(post, "class") { $0.map { TMeClasses.hasSpaceSeparated($0, "service_message") } ?? false }

        if let textNode = parts.text {
            let r = t.render(textNode)
            p.text = r.text
            p.links = r.links
            p.linkMarks = r.marks
        }
        if let raw = t.plainText(parts.views) { p.views = TextScan.count(raw) }
        if let meta = t.plainText(parts.meta), meta.lowercased().contains("edited") {
            p.edited = true
        }
        p.forwardedFrom = t.plainText(parts.forwardedFrom)
        if let reply = parts.reply.flatMap({ t.trimmedValue($0, "href") }) { p.replyTo = postPath(reply) ?? reply }

        if let preview = parts.linkPreview {
            var lp = LinkPreview()
            lp.site = t.plainText(t.first(below: preview, .previewSiteName))
            lp.title = t.plainText(t.first(below: preview, .previewTitle))
            lp.description = t.plainText(t.first(below: preview, .previewDescription))
            if let href = t.attribute(preview, "href").map(TextScan.trimmed),
                HTMLText.isWebURL(href)
            {
                lp.url = href
                if !p.links.contains(href) { p.links.append(href) }
            }
            lp.image = backgroundImage(t, below: preview, of: ["link_preview_image", "link_preview_right_image"])
            if lp != LinkPreview() { p.linkPreview = lp }
        }
        p.media = parts.media.compactMap { readMedia(t, $0) }
        if let pollIndex = p.media.firstIndex(where: { $0.kind == .poll }),
            let voters = t.plainText(parts.voters).flatMap(TextScan.count)
        {
            p.media[pollIndex].voters = voters
        }
        p.reactionsByEmoji = parts.reactions.compactMap { readReaction(t, $0) }
        p.reactions = Reaction.total(p.reactionsByEmoji)
        return .success(p)
    }

    /// `<span class="tgme_reaction"><i class="emoji"><b>👍</b></i>1.2K</span>`: the emoji, then its count.
    private static func readReaction(_ t: TMeTree, _ node: Int) -> Reaction? {
        guard let text = t.plainText(node) else { return nil }
        let digits = text.reversed().prefix { $0.isASCII && ($0.isNumber || ".,KMBkmb".contains($0)) || $0.isWhitespace }
        let countText = String(digits.reversed())
        guard let count = TextScan.count(TextScan.trimmed(countText)) else { return nil }
        let emoji = TextScan.trimmed(String(text.dropLast(countText.count)))
        // A paid reaction is a star without a character of its own in some pages.
        let paid = t.withAttribute(node, "class") { $0.map { TMeClasses.hasSpaceSeparated($0, "tgme_reaction_paid") } ?? false }
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
    private static func readMedia(_ t: TMeTree, _ node: Int) -> Media? {
        enum Kind { case photo, video, file, poll, voice, sticker, location, notSupported }
        let kind: Kind? = t.withAttribute(node, "class") { value in
            guard let value else { return nil }
            if TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_photo_wrap") { return .photo }
            if TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_video_player")
                || TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_roundvideo_player")
            {
                return .video
            }
            if TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_document") { return .file }
            if TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_poll") { return .poll }
            if TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_voice_player") { return .voice }
            if TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_sticker_wrap") { return .sticker }
            if TMeClasses.hasSpaceSeparated(value, "tgme_widget_message_location_wrap") { return .location }
            if TMeClasses.hasSpaceSeparated(value, "message_media_not_supported") { return .notSupported }
            return nil
        }
        switch kind {
        case .photo:
            return Media(kind: .photo, url: backgroundImage(t.attribute(node, "style")))
        case .video:
            let video = t.first(below: node) { t.nameIs($0, "video") && t.hasAttribute($0, "src") }
            let src = video.flatMap { t.trimmedValue($0, "src") }.flatMap { HTMLText.isWebURL($0) ? $0 : nil }
            let durationNode = t.first(below: node) {
                !t.classes($0).isDisjoint(with: [.videoDuration, .roundvideoDuration])
            }
            let duration = t.plainText(durationNode).flatMap(parseDuration)
            let thumbnail = backgroundImage(t, below: node, of: ["tgme_widget_message_video_thumb", "tgme_widget_message_roundvideo_thumb"])
            return Media(kind: .video, url: src, duration: duration, thumbnail: thumbnail)
        case .file:
            var m = Media(kind: .file, name: t.plainText(t.first(below: node, .documentTitle)))
            // The line under the name: a size ("25.2 MB") for files, a duration ("3:25") for audio.
            if let extra = t.plainText(t.first(below: node, .documentExtra)) {
                if let size = parseSize(extra) {
                    m.size = size
                    m.sizeApproximate = true
                } else {
                    m.duration = parseDuration(extra)
                }
            }
            return m
        case .poll:
            var m = Media(kind: .poll, name: t.plainText(t.first(below: node, .pollQuestion)))
            var options: [Int] = []
            t.walkElements(inside: node) { e in
                if t.classes(e).contains(.pollOption) { options.append(e) }
                return true
            }
            m.options = options.compactMap { option in
                guard let text = t.plainText(t.first(below: option, .pollOptionText)) else { return nil }
                let percent = t.plainText(t.first(below: option, .pollOptionPercent))
                    .flatMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "% "))) }
                return PollOption(text: text, percent: percent)
            }
            return m
        case .voice:
            return Media(kind: .voice, duration: t.plainText(t.first(below: node, .voiceDuration)).flatMap(parseDuration))
        case .notSupported:
            // "Please open Telegram to view this post": the page does not show this media; say so.
            let label = t.plainText(t.first(below: node, .notSupportedLabel)) ?? t.plainText(node)
            let link = t.first(below: node) { t.nameIs($0, "a") && t.hasAttribute($0, "href") }
                .flatMap { t.trimmedValue($0, "href") }.flatMap { HTMLText.isWebURL($0) ? $0 : nil }
            return Media(kind: .other, name: label, url: link)
        case .sticker: return Media(kind: .sticker)
        case .location: return Media(kind: .location)
        case nil: return nil
        }
    }

    /// The picture of the first element inside `node` with one of the class tokens `classes` (a video's
    /// thumbnail, a link preview's image).
    private static func backgroundImage(_ t: TMeTree, below node: Int, of classes: [StaticString]) -> String? {
        let element = t.first(below: node) { e in
            t.withAttribute(e, "class") { value in value.map { v in classes.contains { TMeClasses.hasSpaceSeparated(v, $0) } } ?? false }
        }
        return element.flatMap { backgroundImage(t.attribute($0, "style")) }
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
