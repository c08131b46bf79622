import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Subscription lists in OPML, as newsboat, Feedly, Thunderbird and most readers write them: every `outline` with
/// an `xmlUrl` is a feed; the titles of the outlines around it (folders) and its `category` attribute (newsboat's
/// tags, comma-separated; each part of an OPML 2.0 path such as `/News/Local`) are its tags. Liferea's sources that
/// run a program — `xmlUrl="|command"`, or a `filtercmd` that rewrites the feed — carry a `refusal`: feedtui never
/// runs them, and following the address unfiltered would not be the same feed.
public enum OPML {
    public struct Feed: Equatable, Sendable {
        public var url: String
        public var title: String?
        public var tags: [String]
        /// Where the outline was read (nil for one made here); not part of what the feed is.
        public var line: Int?
        /// Why the outline cannot be followed as it stands (it runs a program), or nil.
        public var refusal: String?

        public init(url: String, title: String? = nil, tags: [String] = [], line: Int? = nil, refusal: String? = nil) {
            self.url = url
            self.title = title
            self.tags = tags
            self.line = line
            self.refusal = refusal
        }

        public static func == (a: Feed, b: Feed) -> Bool { a.url == b.url && a.title == b.title && a.tags == b.tags }
    }

    public static func parse(_ data: Data) throws(FeedError) -> [Feed] {
        try RSSImporter.refuseEntityDeclarations(data)
        // In chunks: an OPML of 100 000 outlines is larger than libxml2 reads in one piece.
        let parser = XMLParser(stream: DataInputStream(data, repair: nil))
        parser.shouldResolveExternalEntities = false
        let reader = Reader()
        parser.delegate = reader
        guard parser.parse() else {
            let line = parser.lineNumber
            throw FeedError("not readable OPML: \(parser.parserError?.localizedDescription ?? "XML error")", line: line)
        }
        guard reader.sawOPML else { throw FeedError("not an OPML file (no <opml> element)") }
        guard reader.closedOPML else { throw FeedError("not readable OPML: the file ends before </opml>", line: parser.lineNumber) }
        guard reader.sawBody else { throw FeedError("not readable OPML: no <body> element (it holds the outlines)") }
        return reader.feeds
    }

    /// OPML 2.0 with newsboat's `category` attribute for tags.
    public static func write(_ feeds: [Feed], title: String = "feedtui subscriptions") -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n"
        out += "    <title>\(escape(title))</title>\n  </head>\n  <body>\n"
        for f in feeds {
            out += "    <outline type=\"rss\" text=\"\(escape(f.title ?? f.url))\""
            if let t = f.title { out += " title=\"\(escape(t))\"" }
            out += " xmlUrl=\"\(escape(f.url))\""
            if !f.tags.isEmpty { out += " category=\"\(escape(f.tags.joined(separator: ",")))\"" }
            out += "/>\n"
        }
        return out + "  </body>\n</opml>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in Sanitize.line(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var feeds: [Feed] = []
        var sawOPML = false
        var closedOPML = false
        var sawBody = false
        /// The folder titles of the open outlines (nil for an outline that is a feed).
        var folders: [String?] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "opml" { sawOPML = true }
            if name == "body" { sawBody = true }
            guard name == "outline" else { return }
            // Attribute names vary in case between writers (xmlUrl, xmlurl).
            var attrs: [String: String] = [:]
            for (k, v) in attributes { attrs[k.lowercased()] = TextScan.trimmed(v) }
            let url = attrs["xmlurl"] ?? attrs["url"] ?? ""
            // Writers that have no title repeat the URL as the text.
            let title = [attrs["title"], attrs["text"]].compactMap { $0 }.first { !$0.isEmpty && $0 != url }
            guard !url.isEmpty else {
                // A folder is named by its `text`, the attribute OPML requires and readers show; `title` only without.
                folders.append([attrs["text"], attrs["title"]].compactMap { $0 }.first { !$0.isEmpty })
                return
            }
            folders.append(nil)
            var tags = folders.compactMap { $0 }
            for category in (attrs["category"] ?? "").split(separator: ",") {
                let category = TextScan.trimmed(String(category))
                // "/News/Local" is a path, each of its parts a tag; "tag/three" (newsboat) is one tag.
                let parts = category.hasPrefix("/") ? category.split(separator: "/").map { TextScan.trimmed(String($0)) } : [category]
                for tag in parts where !tag.isEmpty && !tags.contains(tag) { tags.append(tag) }
            }
            var refusal: String?
            if url.hasPrefix("|") {
                refusal = "a command (Liferea's \"|command\" source), never run: not followed"
            } else if let filter = attrs["filtercmd"], !filter.isEmpty {
                refusal = "has a filter command (filtercmd=\"\(filter)\"), never run: not followed"
            }
            feeds.append(Feed(url: url, title: title, tags: tags, line: parser.lineNumber, refusal: refusal))
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "outline", !folders.isEmpty { folders.removeLast() }
            if name == "opml" { closedOPML = true }
        }
    }
}
