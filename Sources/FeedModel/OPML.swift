import CLibXML2
import Foundation

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
        guard data.count < Int(Int32.max) else { throw FeedError("not readable OPML: larger than 2 GB") }
        var outlines = Outlines()
        // libxml2's pull reader, never Foundation's XMLParser: that one traps on a name that is not UTF-8. HUGE: an
        // OPML of 100 000 outlines is past libxml2's 10 MB look-ahead.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let failure: FeedError? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                let reader = xmlReaderForMemory(base, Int32(raw.count), nil, nil, options)
            else { return FeedError("not readable OPML: empty file") }
            defer { xmlFreeTextReader(reader) }
            let errors = FirstError()
            let context = Unmanaged.passUnretained(errors).toOpaque()
            xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
                guard let context, let error else { return }
                let first = Unmanaged<FirstError>.fromOpaque(context).takeUnretainedValue()
                guard first.message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
                first.message = error.pointee.message.map { TextScan.trimmed(String(cString: $0)) } ?? "XML error"
                first.line = Int(error.pointee.line)
            }, context)
            while true {
                let step = xmlTextReaderRead(reader)
                if step == 0 { return nil }
                if step < 0 {
                    return FeedError("not readable OPML: \(errors.message ?? "XML error")", line: errors.line ?? Int(xmlTextReaderGetParserLineNumber(reader)))
                }
                let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
                switch xmlTextReaderNodeType(reader) {
                case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                    var attributes: [String: String] = [:]
                    if name == "outline" {
                        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                            // Attribute names vary in case between writers (xmlUrl, xmlurl).
                            let key = xmlTextReaderConstLocalName(reader).map { String(cString: $0).lowercased() } ?? ""
                            // As written: an address or a tag holding a control is refused by its line (import-opml).
                            attributes[key] = xmlTextReaderConstValue(reader).map { TextScan.trimmed(String(cString: $0)) } ?? ""
                        }
                        xmlTextReaderMoveToElement(reader)
                    }
                    let line = xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) }
                    outlines.start(name, attributes: attributes, line: line)
                    if xmlTextReaderIsEmptyElement(reader) == 1 { outlines.end(name) }
                case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                    outlines.end(name)
                default:
                    break
                }
            }
        }
        if let failure { throw failure }
        guard outlines.sawOPML else { throw FeedError("not an OPML file (no <opml> element)") }
        guard outlines.closedOPML else { throw FeedError("not readable OPML: the file ends before </opml>") }
        guard outlines.sawBody else { throw FeedError("not readable OPML: no <body> element (it holds the outlines)") }
        return outlines.feeds
    }

    /// The first error libxml2 reported, and its line.
    private final class FirstError {
        var message: String?
        var line: Int?
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
        // Bidi marks are part of a title; controls an imported text never holds.
        for c in Sanitize.imported(s) {
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

    /// The feeds of the outlines read so far, and the folders around the next one.
    private struct Outlines {
        var feeds: [Feed] = []
        var sawOPML = false
        var closedOPML = false
        var sawBody = false
        /// The folder titles of the open outlines (nil for an outline that is a feed).
        var folders: [String?] = []

        mutating func start(_ name: String, attributes attrs: [String: String], line: Int?) {
            if name == "opml" { sawOPML = true }
            if name == "body" { sawBody = true }
            guard name == "outline" else { return }
            let url = attrs["xmlurl"] ?? attrs["url"] ?? ""
            // Writers that have no title repeat the URL as the text.
            let title = [attrs["title"], attrs["text"]].compactMap { $0 }.first { !$0.isEmpty && $0 != url }
            guard !url.isEmpty else {
                // A folder is named by its `text`, the attribute OPML requires and readers show; `title` only without.
                folders.append([attrs["text"], attrs["title"]].compactMap { $0 }.first { !$0.isEmpty }.flatMap(Self.folderTag))
                return
            }
            folders.append(nil)
            var tags: [String] = []
            for folder in folders { if let folder, !tags.contains(folder) { tags.append(folder) } }
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
            feeds.append(Feed(url: url, title: title, tags: tags, line: line, refusal: refusal))
        }

        /// A folder's name as the tag `category` writes back (`write`): no comma, which separates categories there,
        /// and no leading slash, which starts a path.
        static func folderTag(_ name: String) -> String? {
            var tag = Substring(TextScan.trimmed(name.replacingOccurrences(of: ",", with: " ")))
            while tag.first == "/" { tag = tag.dropFirst() }
            let trimmed = TextScan.trimmed(String(tag))
            return trimmed.isEmpty ? nil : trimmed
        }

        mutating func end(_ name: String) {
            if name == "outline", !folders.isEmpty { folders.removeLast() }
            if name == "opml" { closedOPML = true }
        }
    }
}
