import CLibXML2
import Foundation

/// The HTML of a channel's public web preview (`https://t.me/s/<name>`), read with libxml2's HTML parser and XPath.
///
/// Channel: `.tgme_channel_info_header_title`, `…_username`, `…_description`, `.tgme_channel_info_counter`s.
/// Posts: every `.tgme_widget_message` with a `data-post="name/123"`; the date is the `<time datetime>` inside the
/// `.tgme_widget_message_date` permalink (video players carry `<time>` durations that are not dates).
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
        let q = try Queries()
        var channel = Channel(title: "")
        var postCount = 0
        var parsedAny = false
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
                    let doc = htmlReadMemory(
                        (base + range.lowerBound).assumingMemoryBound(to: CChar.self), Int32(range.count), nil,
                        "UTF-8", HTMLText.parseOptions)
                else { continue }
                defer { xmlFreeDoc(doc) }
                parsedAny = true
                guard let ctx = xmlXPathNewContext(doc) else { continue }
                defer { xmlXPathFreeContext(ctx) }
                let root = xmlDocGetRootElement(doc)
                if channel.title.isEmpty { readChannel(q, ctx, root, into: &channel) }
                for post in q.nodes(q.posts, ctx, root) {
                    postCount += 1
                    let postLine = Int(xmlGetLineNo(post))
                    switch readPost(post, q, ctx) {
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
        var starts: [Int] = []
        var from = 0
        while from < raw.count {
            guard let hit = memchr(base + from, Int32(needle[0]), raw.count - from) else { break }
            let at = base.distance(to: UnsafeRawPointer(hit))
            guard at + needle.count <= raw.count, memcmp(hit, needle, needle.count) == 0 else {
                from = at + 1
                continue
            }
            from = at + needle.count
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
        var n = 0
        for i in range where raw[i] == 0x0A { n += 1 }
        return n
    }

    // MARK: Channel

    private static func readChannel(_ q: Queries, _ ctx: xmlXPathContextPtr, _ root: xmlNodePtr?, into c: inout Channel) {
        if let title = HTMLText.plainText(q.first(q.channelTitle, ctx, root)) {
            c.title = title
        } else if let title = q.string(q.ogTitle, ctx, root) {
            c.title = title
        }
        if let user = q.first(q.channelUsername, ctx, root) {
            if let name = HTMLText.plainText(user) {
                let handle = name.hasPrefix("@") ? String(name.dropFirst()) : name
                if !handle.isEmpty { c.handle = handle }
            }
            if let href = q.string(q.anyHref, ctx, user), HTMLText.isWebURL(href) { c.url = href }
        }
        if let description = q.first(q.channelDescription, ctx, root) {
            let text = HTMLText.render(description).text
            if !text.isEmpty { c.description = text }
        }
        for counter in q.nodes(q.channelCounters, ctx, root) {
            guard let raw = HTMLText.plainText(q.first(q.counterValue, ctx, counter)),
                let value = TextScan.count(raw),
                let type = HTMLText.plainText(q.first(q.counterType, ctx, counter))?.lowercased()
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

    private static func readPost(_ post: xmlNodePtr, _ q: Queries, _ ctx: xmlXPathContextPtr) -> Result<
        Publication, FeedError
    > {
        guard let id = attribute(post, "data-post")?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty
        else { return .failure(FeedError("message without data-post id")) }
        guard let rawDate = q.string(q.postDate, ctx, post) ?? q.string(q.anyDatetime, ctx, post) else {
            return .failure(FeedError("missing date"))
        }
        let trimmed = rawDate.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let (date, offset) = ISODate.parseWithOffset(trimmed) else {
            return .failure(FeedError("unreadable date \"\(trimmed.prefix(40))\""))
        }
        var p = Publication(id: id, date: date, utcOffset: offset)
        let classes = " " + (attribute(post, "class") ?? "") + " "
        p.isService = classes.contains(" service_message ")

        if let textNode = q.first(q.postText, ctx, post) {
            let r = HTMLText.render(textNode)
            p.text = r.text
            p.links = r.links
        }
        if let raw = HTMLText.plainText(q.first(q.postViews, ctx, post)) { p.views = TextScan.count(raw) }
        if let meta = HTMLText.plainText(q.first(q.postMeta, ctx, post)), meta.lowercased().contains("edited") {
            p.edited = true
        }
        p.forwardedFrom = HTMLText.plainText(q.first(q.forwardedFrom, ctx, post))
        if let reply = q.string(q.replyHref, ctx, post) { p.replyTo = postPath(reply) ?? reply }

        if let preview = q.first(q.linkPreview, ctx, post) {
            var lp = LinkPreview()
            lp.site = HTMLText.plainText(q.first(q.previewSite, ctx, preview))
            lp.title = HTMLText.plainText(q.first(q.previewTitle, ctx, preview))
            lp.description = HTMLText.plainText(q.first(q.previewDescription, ctx, preview))
            if let href = attribute(preview, "href")?.trimmingCharacters(in: .whitespacesAndNewlines),
                HTMLText.isWebURL(href)
            {
                lp.url = href
                if !p.links.contains(href) { p.links.append(href) }
            }
            if lp != LinkPreview() { p.linkPreview = lp }
        }
        p.media = readMedia(post, q, ctx)
        return .success(p)
    }

    private static func readMedia(_ post: xmlNodePtr, _ q: Queries, _ ctx: xmlXPathContextPtr) -> [Media] {
        var media: [Media] = []
        for node in q.nodes(q.mediaNodes, ctx, post) {
            let classes = " " + (attribute(node, "class") ?? "") + " "
            if classes.contains(" tgme_widget_message_photo_wrap ") {
                media.append(Media(kind: .photo, url: backgroundImage(attribute(node, "style"))))
            } else if classes.contains(" tgme_widget_message_video_player ")
                || classes.contains(" tgme_widget_message_roundvideo_player ")
            {
                let src = q.string(q.videoSource, ctx, node).flatMap { HTMLText.isWebURL($0) ? $0 : nil }
                let duration = HTMLText.plainText(q.first(q.videoDuration, ctx, node)).flatMap(parseDuration)
                media.append(Media(kind: .video, url: src, duration: duration))
            } else if classes.contains(" tgme_widget_message_document ") {
                media.append(Media(kind: .file, name: HTMLText.plainText(q.first(q.documentTitle, ctx, node))))
            } else if classes.contains(" tgme_widget_message_poll ") {
                media.append(Media(kind: .poll, name: HTMLText.plainText(q.first(q.pollQuestion, ctx, node))))
            } else if classes.contains(" tgme_widget_message_voice_player ") {
                media.append(Media(kind: .voice))
            } else if classes.contains(" tgme_widget_message_sticker_wrap ") {
                media.append(Media(kind: .sticker))
            } else if classes.contains(" tgme_widget_message_location_wrap ") {
                media.append(Media(kind: .location))
            }
        }
        return media
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

/// Compiled XPath expressions, freed with the importer run.
private final class Queries {
    final class Compiled {
        let expr: xmlXPathCompExprPtr
        init(_ source: String) throws(FeedError) {
            guard let e = source.withCString({ c in
                c.withMemoryRebound(to: xmlChar.self, capacity: source.utf8.count + 1) { xmlXPathCompile($0) }
            }) else { throw FeedError("internal error: bad XPath \(source)") }
            expr = e
        }
        deinit { xmlXPathFreeCompExpr(expr) }
    }

    /// The class token test. The plain `contains` first (no allocation, short-circuits) keeps the exact but
    /// allocating token test to the few candidate elements.
    static func cls(_ name: String) -> String {
        "(contains(@class, '\(name)') and contains(concat(' ', normalize-space(@class), ' '), ' \(name) '))"
    }

    let channelTitle, ogTitle, channelUsername, anyHref, channelDescription, channelCounters: Compiled
    let counterValue, counterType, posts, postDate, anyDatetime, postText, postViews, postMeta: Compiled
    let forwardedFrom, replyHref, linkPreview, previewSite, previewTitle, previewDescription: Compiled
    let mediaNodes, videoSource, videoDuration, documentTitle, pollQuestion: Compiled

    init() throws(FeedError) {
        let c = Queries.cls
        channelTitle = try Compiled("(//*[\(c("tgme_channel_info_header_title"))])[1]")
        ogTitle = try Compiled("string((//meta[@property='og:title']/@content)[1])")
        channelUsername = try Compiled("(//*[\(c("tgme_channel_info_header_username"))])[1]")
        anyHref = try Compiled("string((descendant-or-self::a/@href)[1])")
        channelDescription = try Compiled("(//*[\(c("tgme_channel_info_description"))])[1]")
        channelCounters = try Compiled("//*[\(c("tgme_channel_info_counter"))]")
        counterValue = try Compiled("(.//*[\(c("counter_value"))])[1]")
        counterType = try Compiled("(.//*[\(c("counter_type"))])[1]")
        posts = try Compiled("//*[\(c("tgme_widget_message"))]")
        postDate = try Compiled("string((.//*[\(c("tgme_widget_message_date"))]//time/@datetime)[1])")
        anyDatetime = try Compiled("string((.//time/@datetime)[1])")
        postText = try Compiled("(.//*[\(c("tgme_widget_message_text"))])[1]")
        postViews = try Compiled("(.//*[\(c("tgme_widget_message_views"))])[1]")
        postMeta = try Compiled("(.//*[\(c("tgme_widget_message_meta"))])[1]")
        forwardedFrom = try Compiled("(.//*[\(c("tgme_widget_message_forwarded_from_name"))])[1]")
        replyHref = try Compiled("string((.//a[\(c("tgme_widget_message_reply"))]/@href)[1])")
        linkPreview = try Compiled("(.//*[\(c("tgme_widget_message_link_preview"))])[1]")
        previewSite = try Compiled("(.//*[\(c("link_preview_site_name"))])[1]")
        previewTitle = try Compiled("(.//*[\(c("link_preview_title"))])[1]")
        previewDescription = try Compiled("(.//*[\(c("link_preview_description"))])[1]")
        mediaNodes = try Compiled(
            ".//*[\(c("tgme_widget_message_photo_wrap")) or \(c("tgme_widget_message_video_player"))"
                + " or \(c("tgme_widget_message_roundvideo_player")) or \(c("tgme_widget_message_document"))"
                + " or \(c("tgme_widget_message_poll")) or \(c("tgme_widget_message_voice_player"))"
                + " or \(c("tgme_widget_message_sticker_wrap")) or \(c("tgme_widget_message_location_wrap"))]")
        videoSource = try Compiled("string((.//video/@src)[1])")
        videoDuration = try Compiled(
            "(.//*[\(c("message_video_duration")) or \(c("tgme_widget_message_roundvideo_duration"))])[1]")
        documentTitle = try Compiled("(.//*[\(c("tgme_widget_message_document_title"))])[1]")
        pollQuestion = try Compiled("(.//*[\(c("tgme_widget_message_poll_question"))])[1]")
    }

    private func eval(_ q: Compiled, _ ctx: xmlXPathContextPtr, _ node: xmlNodePtr?) -> xmlXPathObjectPtr? {
        ctx.pointee.node = node
        return xmlXPathCompiledEval(q.expr, ctx)
    }

    func nodes(_ q: Compiled, _ ctx: xmlXPathContextPtr, _ node: xmlNodePtr?) -> [xmlNodePtr] {
        guard let obj = eval(q, ctx, node) else { return [] }
        defer { xmlXPathFreeObject(obj) }
        guard let set = obj.pointee.nodesetval, let tab = set.pointee.nodeTab else { return [] }
        let n = Int(set.pointee.nodeNr)
        var result: [xmlNodePtr] = []
        result.reserveCapacity(n)
        for i in 0..<n { if let p = tab[i] { result.append(p) } }
        return result
    }

    func first(_ q: Compiled, _ ctx: xmlXPathContextPtr, _ node: xmlNodePtr?) -> xmlNodePtr? {
        guard let obj = eval(q, ctx, node) else { return nil }
        defer { xmlXPathFreeObject(obj) }
        guard let set = obj.pointee.nodesetval, set.pointee.nodeNr > 0, let tab = set.pointee.nodeTab else {
            return nil
        }
        return tab[0]
    }

    /// A `string(…)` expression's value, trimmed; nil when empty.
    func string(_ q: Compiled, _ ctx: xmlXPathContextPtr, _ node: xmlNodePtr?) -> String? {
        guard let obj = eval(q, ctx, node) else { return nil }
        defer { xmlXPathFreeObject(obj) }
        guard let s = obj.pointee.stringval else { return nil }
        let value = String(cString: s).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}
