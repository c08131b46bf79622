import Foundation

/// RSS 2.0 (and 0.9x, also in a default namespace), RSS 1.0 and 0.90 (`rdf:RDF`) and Atom (RFC 4287, and 0.3),
/// read with a SAX parser, the way a browser reads them: `XMLRepair` mends the bytes (HTML entities, stray `&`
/// and `<`, raw HTML in descriptions, Windows-1252), and past any other XML error libxml2 recovers and the
/// reading goes on (the channel's notice counts the items read past errors).
///
/// Each item becomes a publication: its title, then a blank line, then the body (`content:encoded`, Atom
/// `content`, `xhtml:body`, `description`, Atom `summary`, `itunes:summary` or `media:description`, HTML turned into
/// text; the README has the full order, Dublin Core included) — the title is left out when the body already starts
/// with it. The item's link is its permalink, not one of its `links` (those of the text).
/// Enclosures, Atom `link rel="enclosure"`, `media:content`, `media:player` and `media:thumbnail` become media.
/// Items without a date, or with none that can be read, keep an unknown date (RSS 0.91/0.92 items have none),
/// never a guessed one. Relative
/// addresses are resolved against `xml:base` or the channel's link.
///
/// Safety: external entities are never resolved, and a DOCTYPE that declares entities is refused outright, so
/// neither `SYSTEM "file:///…"` nor an exponential entity bomb can reach the parser; the repair only ever writes
/// character references.
enum RSSImporter: StreamingImporter {
    static func recognizes(_ data: Data) -> Bool {
        // A prolog too long to find the root in (an entity bomb's DOCTYPE) is claimed so that `load` refuses it
        // for what it is.
        guard let (name, _) = MarkupHead.rootElement(data, limit: 16_384) else { return entityLine(data) != nil }
        // `<r:rss xmlns:r=…>`, `<atom:feed …>`: a prefix changes nothing. A `<feed>` in a namespace no version of
        // Atom had (or none) is read as Atom too, as other readers do.
        let local = name.split(separator: ":").last.map(String.init) ?? name
        return local == "rss" || local == "feed" || local == "RDF"
    }

    static func load(_ data: Data, stream: PostStream?) throws(FeedError) -> [Channel] {
        try refuseEntityDeclarations(data)
        // The parser takes the bytes in pieces (`XMLPushParser.chunkSize`), repaired as they are read.
        let input = DataInputStream(data, repair: repair(for: data))
        let parser = XMLPushParser()
        let reader = FeedReader(parser)
        reader.stream = stream.map { (stream: $0, input: input) }
        stream?.idsAreUnique = true
        parser.delegate = reader
        defer { parser.delegate = nil }
        let ok = parser.parse(input)
        return try reader.finish(ok: ok)
    }

    /// Entity declarations are refused before parsing: the only safe amount of entity expansion is none.
    /// Only the prolog is read (XML declaration, comments, processing instructions, DOCTYPE), however long it is.
    static func refuseEntityDeclarations(_ data: Data) throws(FeedError) {
        if let line = entityLine(data) { throw entityRefusal(line: line) }
    }

    static func entityRefusal(line: Int) -> FeedError {
        FeedError("DOCTYPE declares entities; refused (entity expansion and external entities are never processed)", line: line, column: nil)
    }

    /// The line of the first `<!ENTITY` in the prolog's DOCTYPE, if any.
    static func entityLine(_ data: Data) -> Int? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int? in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            func find(_ s: StaticString, from i: Int) -> Int? {
                var j = i
                while j < n {
                    if b.has(s, at: j) { return j + s.utf8CodeUnitCount }
                    j += 1
                }
                return nil
            }
            var i = b.has("\u{FEFF}", at: 0) ? 3 : 0
            while i < n {
                let c = b[i]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                    i += 1
                } else if b.has("<?", at: i) {
                    guard let end = find("?>", from: i + 2) else { return nil }
                    i = end
                } else if b.has("<!--", at: i) {
                    guard let end = find("-->", from: i + 4) else { return nil }
                    i = end
                } else if b.has("<!DOCTYPE", at: i) {
                    var j = i + 9
                    var inSubset = false
                    var quote: UInt8 = 0
                    while j < n {
                        let d = b[j]
                        if quote != 0 {
                            if d == quote { quote = 0 }
                        } else if d == 0x22 || d == 0x27 {
                            quote = d
                        } else if d == UInt8(ascii: "[") {
                            inSubset = true
                        } else if d == UInt8(ascii: "]") {
                            inSubset = false
                        } else if d == UInt8(ascii: ">") && !inSubset {
                            return nil
                        } else if inSubset && b.has("<!ENTITY", at: j) {
                            var line = 1
                            for k in 0..<j where b[k] == 0x0A { line += 1 }
                            return line
                        }
                        j += 1
                    }
                    return nil
                } else {
                    return nil  // the root element: the prolog is over
                }
            }
            return nil
        }
    }

    /// How the bytes are mended (`XMLRepair`): Windows-1252 for invalid UTF-8 only in a file that says UTF-8 (or
    /// nothing); `<?xml … encoding="windows-1251"?>` bytes are that encoding's, not mistakes. UTF-16, UTF-32 and
    /// ISO-2022 files are left alone: their `&` and `<` are not single bytes.
    static func repair(for data: Data) -> XMLRepair? {
        let first = Array(data.prefix(4))
        if first.starts(with: [0xFF, 0xFE]) || first.starts(with: [0xFE, 0xFF]) || first.contains(0) { return nil }
        let head = String(decoding: data.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml") || head.hasPrefix("\u{FEFF}<?xml"), let end = head.range(of: "?>") else {
            return XMLRepair(windows1252: true)
        }
        let decl = head[..<end.lowerBound]
        guard let enc = decl.range(of: "encoding") else { return XMLRepair(windows1252: true) }
        let value = decl[enc.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            .prefix { $0 != "\"" && $0 != "'" }.lowercased()
        if value.hasPrefix("utf-16") || value.hasPrefix("utf-32") || value.hasPrefix("ucs") || value.contains("2022") {
            return nil
        }
        return XMLRepair(windows1252: value.isEmpty || value == "utf-8" || value == "utf8" || value == "us-ascii" || value == "ascii")
    }
}

/// `Data` read in place in chunks for `XMLPushParser`, mending what `XMLRepair` mends chunk by chunk as the parser
/// reads, rather than in a pass over the whole file before the first item: given all at once, libxml2 stops at its
/// 10 MB look-ahead limit ("huge input lookup"). A chunk never ends inside a character or a reference: the repair
/// reads on to finish it.
final class DataInputStream {
    private let data: Data
    /// Nil for encodings whose bytes are not ASCII's (UTF-16, UTF-32, ISO-2022): passed on untouched.
    private var repair: XMLRepair?
    /// Bytes of `data` read so far.
    private(set) var offset = 0
    /// A repaired chunk, longer than asked for, not all handed over yet.
    private var spill: [UInt8] = []
    private var spillStart = 0

    init(_ data: Data, repair: XMLRepair?) {
        self.data = data
        self.repair = repair
    }

    /// Copies up to `len` bytes into `buffer`; 0 at the end.
    func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        if spillStart == spill.count, offset < data.count, len > 0 {
            let start = offset
            let limit = min(data.count, start + len)
            guard var repair else {
                copy(start..<limit, to: buffer)
                offset = limit
                return limit - start
            }
            var out: [UInt8] = []
            let (end, changed) = data.withUnsafeBytes { raw in
                repair.repair(raw.bindMemory(to: UInt8.self), from: start, to: limit, into: &out)
            }
            self.repair = repair
            offset = end
            if !changed, end - start <= len {
                copy(start..<end, to: buffer)
                return end - start
            }
            spill = changed ? out : Array(data[(data.startIndex + start)..<(data.startIndex + end)])
            spillStart = 0
        }
        let n = min(len, spill.count - spillStart)
        spill.withUnsafeBytes {
            UnsafeMutableRawBufferPointer(start: buffer, count: n).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[spillStart..<(spillStart + n)]))
        }
        spillStart += n
        return n
    }

    private func copy(_ range: Range<Int>, to buffer: UnsafeMutablePointer<UInt8>) {
        data.withUnsafeBytes {
            UnsafeMutableRawBufferPointer(start: buffer, count: range.count).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range]))
        }
    }
}

private let atomNS = "http://www.w3.org/2005/Atom"
private let atom03NS = "http://purl.org/atom/ns#"
private let itunesNS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
/// As Apple's own documentation once spelled it.
private let itunesNSCapitals = "http://www.itunes.com/DTDs/Podcast-1.0.dtd"
private let xhtmlNS = "http://www.w3.org/1999/xhtml"
/// Namespaces whose elements are RSS's own: RSS 1.0, RSS 0.90, and RSS 2.0 given a default namespace.
private let rssNamespaces: Set<String> = [
    "http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/", "http://backend.userland.com/rss2",
    "http://blogs.law.harvard.edu/tech/rss", "http://backend.userland.com/rss", "http://purl.org/net/rss1.1#",
]
private let contentNS = "http://purl.org/rss/1.0/modules/content/"
private let dcNS = "http://purl.org/dc/elements/1.1/"
private let dcTermsNS = "http://purl.org/dc/terms/"
private let mediaNS = "http://search.yahoo.com/mrss/"
private let rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/// The SAX state machine. One per parse; not shared between threads.
private final class FeedReader: SAXDelegate {
    unowned let parser: XMLPushParser
    /// Where each item goes as soon as it is read, and the input, for the share read.
    var stream: (stream: PostStream, input: DataInputStream)?
    var channel = Channel(title: "")
    var sawRoot = false
    var rootName = ""
    var itemCount = 0
    /// Posts read (kept, or handed to the stream).
    var postCount = 0

    /// The path of open elements (namespace-qualified local names as "ns|name", plain for no namespace).
    var stack: [String] = []
    /// The `xml:base` in effect inside each open element.
    var bases: [URL?] = []
    /// The channel's `dc:title`, `dc:description`, `itunes:summary` and `itunes:subtitle` (by key), for a channel
    /// without `title` or `description`.
    var channelFallbacks: [String: String] = [:]
    /// An Atom feed's own `<author><name>`s.
    var feedAuthors: [String] = []
    /// The hashes of the ids given so far: two items sharing a guid or link still get ids of their own. Hashes,
    /// not the ids: a million posts' ids would hold more memory than the rest of the reading (two of a million
    /// different ids share a 64-bit hash once in 10^7 files).
    var usedIDs = Set<Int>()
    /// The channel's link as a URL, made once (`channelBase`): parsed again for every item, it was ~2% of the reading.
    private var parsedChannelURL: (link: String, url: URL?)?

    /// The channel's link as the base of addresses where no `xml:base` is in effect.
    var channelBase: URL? {
        guard let link = channel.url else { return nil }
        if let parsed = parsedChannelURL, parsed.link == link { return parsed.url }
        let url = URL(string: link)
        parsedChannelURL = (link, url)
        return url
    }
    /// Deeper nesting than this is passed over, and the item holding it skipped: no feed needs it. (Beyond
    /// `XMLRepair.maxDepth` the tags never reach the parser, which gives up at 256.)
    static let maxDepth = 100
    /// Elements open beyond `maxDepth`: nothing in them is read.
    var deep = 0

    struct Item {
        var line: Int
        var index: Int
        var title: String?
        var titleIsHTML = false
        var dcTitle: String?
        var link: String?
        /// A `guid` that is a permalink (`isPermaLink` missing or true): the link when there is no `<link>`.
        var guidIsPermalink = false
        var id: String?
        /// RSS 1.0's `rdf:about`: the id when there is no `guid`.
        var about: String?
        /// The body fields, each as its UTF-8 as collected (not checked yet): only the one rendered becomes text.
        var body: [(rank: Int, utf8: [UInt8], kind: BodyKind)] = []
        var published: String?
        /// `dc:date`, `dcterms:created`, Atom 0.3's `created`: the date when `published` is missing or unreadable.
        var created: String?
        var updated: String?
        /// `author` and Atom's `<author><name>`, in order; Dublin Core's `dc:creator` only when there is none.
        var authors: [String] = []
        var creators: [String] = []
        var mediaTitle: String?
        var media: [Media] = []
        /// The `xml:base` in effect at the item, for its relative addresses.
        var base: URL?
        /// Where elements nested deeper than `maxDepth` begin in it: the item is skipped.
        var tooDeepAt: Int?
    }
    enum BodyKind { case html, text, xhtml }
    var item: Item?
    var itemDepth = 0

    /// Text being collected (UTF-8) for the element at `captureDepth`, when `capturing`; nested markup (xhtml, stray
    /// HTML) is re-serialised.
    var capture: [UInt8] = []
    var capturing = false
    var captureDepth = 0
    var captureKind: BodyKind = .text
    var captureIsBase64 = false
    /// The namespace of an `<rss>` root that names one no list here knows: its elements are RSS's own.
    var rssNamespace: String?
    /// The same for a `<feed>` root in another namespace than Atom's, or in none ("" then): its elements are Atom's.
    var atomNamespace: String?

    init(_ parser: XMLPushParser) {
        self.parser = parser
    }

    /// An element's local name and its key (see `key`), by the parser's dictionary pointers of its local name and
    /// namespace: each distinct name is made into strings once per parse, not at every tag.
    struct NameID: Hashable {
        let local: UnsafePointer<UInt8>
        let uri: UnsafePointer<UInt8>?
    }
    var names: [NameID: (local: String, key: String)] = [:]

    func name(_ local: UnsafePointer<UInt8>, _ uri: UnsafePointer<UInt8>?) -> (local: String, key: String) {
        let id = NameID(local: local, uri: uri)
        if let known = names[id] { return known }
        let elementName = String(cString: local)
        let ns = uri.map { String(cString: $0) } ?? ""
        if !sawRoot, elementName == "rss", !ns.isEmpty { rssNamespace = ns }
        if !sawRoot, elementName == "feed", ns != atomNS, ns != atom03NS { atomNamespace = ns }
        let key: String
        if let rssNamespace, ns == rssNamespace {
            key = elementName
        } else if let atomNamespace, ns == atomNamespace {
            key = "atom|" + elementName
        } else {
            key = FeedReader.key(elementName, ns)
        }
        names[id] = (elementName, key)
        return (elementName, key)
    }

    static func key(_ name: String, _ ns: String?) -> String {
        guard let ns, !ns.isEmpty else { return name }
        switch ns {
        case atomNS, atom03NS: return "atom|" + name  // Atom 0.3's elements are read as Atom 1.0's
        case contentNS: return "content|" + name
        case dcNS: return "dc|" + name
        case dcTermsNS: return "dcterms|" + name
        case mediaNS: return "media|" + name
        case rdfNS: return "rdf|" + name
        case itunesNS, itunesNSCapitals: return "itunes|" + name
        case xhtmlNS: return "xhtml|" + name
        default: return rssNamespaces.contains(ns) ? name : ns + "|" + name
        }
    }

    var parent: String? { stack.count >= 2 ? stack[stack.count - 2] : nil }

    // MARK: Elements

    func startElement(_ local: UnsafePointer<UInt8>, _ uri: UnsafePointer<UInt8>?, _ attributes: SAXAttributes) {
        defer { updateTextTarget() }
        if deep > 0 || stack.count >= FeedReader.maxDepth {
            if deep == 0 {
                if item != nil {
                    item?.tooDeepAt = parser.lineNumber
                } else {
                    channel.skipped.record(line: parser.lineNumber, "elements nested deeper than \(FeedReader.maxDepth) levels, passed over")
                }
            }
            deep += 1
            return
        }
        let (elementName, key) = name(local, uri)
        stack.append(key)
        let inherited = bases.last ?? nil
        bases.append(attributes["xml:base"].flatMap { URL(string: TextScan.trimmed($0), relativeTo: inherited)?.absoluteURL } ?? inherited)
        if !sawRoot {
            sawRoot = true
            rootName = key
        }
        if capturing {
            // Markup inside a field: kept as markup (xhtml content, or HTML that was not escaped).
            capture.append(UInt8(ascii: "<"))
            capture.append(contentsOf: elementName.utf8)
            for (k, v) in attributes.all.sorted(by: { $0.name < $1.name }) {
                capture.append(contentsOf: " \(k)=\"".utf8)
                appendEscaped(v.utf8, quote: true)
                capture.append(UInt8(ascii: "\""))
            }
            capture.append(UInt8(ascii: ">"))
            if captureKind == .text { captureKind = .html }
            return
        }
        var inItem = item != nil
        if inItem, error != nil, key == "item" || key == "atom|entry" || key == "entry" {
            // After an XML error, an item inside an item is libxml2's recovery keeping an element open that the
            // feed closed (`<p>` never closed in a description): the item before it is over.
            finishItem()
            inItem = false
        }
        if !inItem, key == "item" || key == "atom|entry" || key == "entry" {
            itemCount += 1
            item = Item(line: parser.lineNumber, index: itemCount, base: bases.last ?? nil)
            item?.about = attributes["rdf:about"].map(TextScan.trimmed)
            itemDepth = stack.count
            return
        }
        if inItem {
            startItemField(key, attributes)
        } else if key == "atom|name", parent == "atom|author", stack.count == 3, rootName == "atom|feed" {
            begin(kind: .text)  // the feed's author: the author of every entry that names none (RFC 4287 4.2.1)
        } else if stack.count == 1 {
            channel.language = attributes["xml:lang"].map(FeedReader.language).flatMap { $0.isEmpty ? nil : $0 }
        } else if isChannelLevel {
            switch key {
            case "title", "atom|title", "description", "atom|subtitle", "atom|tagline", "dc|title", "dc|description",
                "itunes|summary", "itunes|subtitle":
                beginTyped(attributes)
            case "link", "language", "dc|language":
                begin(kind: .text)
            case "atom|link":
                let rel = attributes["rel"] ?? "alternate"
                if rel == "alternate", channel.url == nil, let href = attributes["href"].flatMap(resolve) {
                    channel.url = href
                }
            default: break
            }
        }
    }

    /// Directly inside `<channel>` (RSS) or `<feed>` (Atom).
    var isChannelLevel: Bool {
        guard let parent else { return false }
        return parent == "channel" || parent == "atom|feed"
    }

    func startItemField(_ key: String, _ attributes: SAXAttributes) {
        // `item` is changed in place: a copy of it, strings and arrays retained, at every field was 4% of a reading.
        guard item != nil else { return }
        let direct = stack.count == itemDepth + 1
        switch key {
        case "title", "atom|title", "dc|title":
            guard direct else { return }
            beginTyped(attributes)
        case "guid":
            guard direct else { return }
            item?.guidIsPermalink = attributes["isPermaLink"].map { TextScan.trimmed($0).lowercased() != "false" } ?? true
            begin(kind: .text)
        case "link", "atom|id", "pubDate", "dc|date", "atom|published", "atom|updated", "atom|issued",
            "atom|modified", "atom|created", "dcterms|issued", "dcterms|created", "dcterms|modified", "author",
            "dc|creator", "itunes|author":
            if direct { begin(kind: .text) }
        case "atom|name":
            if parent == "atom|author", stack.count == itemDepth + 2 { begin(kind: .text) }
        case "media|title", "media|description":
            begin(kind: attributes["type"] == "html" ? .html : .text)
        case "media|thumbnail":
            if let url = attributes["url"].flatMap(resolve) { item?.media.append(Media(kind: .photo, url: url)) }
        case "media|player":
            if let url = attributes["url"].flatMap(resolve) { item?.media.append(Media(kind: .video, url: url)) }
        case "description", "atom|summary", "content|encoded", "atom|content", "xhtml|body", "body", "fullitem",
            "itunes|summary", "dc|description":
            guard direct else { return }
            if key == "atom|content", let src = attributes["src"].flatMap(resolve) {
                item?.media.append(Media(kind: FeedReader.mediaKind(attributes["type"], nil), url: src))
                return
            }
            switch key {
            case "description", "content|encoded", "body", "fullitem", "dc|description": begin(kind: .html)
            case "xhtml|body": begin(kind: .xhtml)
            default: beginTyped(attributes)
            }
        case "atom|link":
            guard direct, let href = attributes["href"].flatMap(resolve) else { return }
            let rel = attributes["rel"] ?? "alternate"
            if rel == "enclosure" {
                item?.media.append(
                    Media(
                        kind: FeedReader.mediaKind(attributes["type"], nil), url: href,
                        size: FeedReader.size(attributes["length"])))
            } else if rel == "alternate", item?.link == nil {
                item?.link = href
            }
        case "enclosure":
            guard let url = attributes["url"].flatMap(resolve) else { return }
            item?.media.append(
                Media(
                    kind: FeedReader.mediaKind(attributes["type"], nil), url: url,
                    size: FeedReader.size(attributes["length"])))
        case "media|content":
            guard let url = attributes["url"].flatMap(resolve) else { return }
            item?.media.append(
                Media(
                    kind: FeedReader.mediaKind(attributes["type"], attributes["medium"]), url: url,
                    size: FeedReader.size(attributes["fileSize"]),
                    duration: attributes["duration"].flatMap { Int($0) }))
        default: break
        }
    }

    /// An address made absolute against the `xml:base` in effect, else the channel's link; nil unless http(s).
    func resolve(_ raw: String) -> String? {
        let s = TextScan.trimmed(raw)
        if HTMLText.isWebURL(s) { return s }
        guard !s.isEmpty, let base = (bases.last ?? nil) ?? channelBase,
            let url = URL(string: s, relativeTo: base)?.absoluteString, HTMLText.isWebURL(url)
        else { return nil }
        return url
    }

    func begin(kind: BodyKind) {
        capture.removeAll(keepingCapacity: true)
        capturing = true
        captureDepth = stack.count
        captureKind = kind
        captureIsBase64 = false
    }

    /// An Atom text construct (or a field with a `type`): HTML, XHTML or text by its `type`; Atom 0.3's `mode`
    /// says `xml` (XHTML inline) or `base64`, and Atom 1.0 content of a type neither text nor XML is in base 64
    /// (RFC 4287 4.1.3.3).
    func beginTyped(_ attributes: SAXAttributes) {
        guard !attributes.isEmpty else { return begin(kind: .text) }  // an RSS title: no lookups per item
        let type = attributes["type"]
        begin(kind: attributes["mode"] == "xml" ? .xhtml : type.map(FeedReader.kind) ?? .text)
        captureIsBase64 = attributes["mode"] == "base64" || type.map(FeedReader.isBinary) ?? false
    }

    /// A media type whose content Atom writes in base 64: not text, not XML (`application/octet-stream`, `image/png`).
    static func isBinary(_ type: String) -> Bool {
        let t = TextScan.trimmed(type).lowercased()
        return t.contains("/") && !t.hasPrefix("text/") && !t.hasSuffix("xml")
    }

    /// A language tag as BCP 47 writes it: `en_US` is `en-US`.
    static func language(_ raw: String) -> String {
        TextScan.trimmed(raw).replacingOccurrences(of: "_", with: "-")
    }

    func endElement(_ local: UnsafePointer<UInt8>, _ uri: UnsafePointer<UInt8>?) {
        defer { updateTextTarget() }
        if deep > 0 {
            deep -= 1
            return
        }
        defer {
            if !stack.isEmpty { stack.removeLast() }
            if !bases.isEmpty { bases.removeLast() }
        }
        if capturing {
            let elementName = name(local, uri).local
            if stack.count > captureDepth {
                capture.append(contentsOf: "</".utf8)
                capture.append(contentsOf: elementName.utf8)
                capture.append(UInt8(ascii: ">"))
                return
            }
            capturing = false
            // Atom 0.3's `mode="base64"`: the text is the content's bytes in base 64.
            if captureIsBase64, let decoded = Data(base64Encoded: String(decoding: capture, as: UTF8.self), options: .ignoreUnknownCharacters) {
                capture = Array(decoded)
            }
            endField(stack.last ?? elementName, capture, captureKind)
            return
        }
        if item != nil && stack.count == itemDepth {
            finishItem()
        }
    }

    /// A field's end, `utf8` its text as collected. An item's body is kept as bytes (the capture's buffer, not a
    /// copy; `begin` starts a new one): making a string of each was 5% of a reading, rendering reads bytes anyway.
    func endField(_ key: String, _ utf8: [UInt8], _ kind: BodyKind) {
        var text: String { String(decoding: utf8, as: UTF8.self) }
        if item != nil {
            switch key {
            case "title", "atom|title":
                item?.title = text
                item?.titleIsHTML = kind != .text
            case "dc|title": if item?.dcTitle == nil { item?.dcTitle = text }
            case "link": if item?.link == nil { item?.link = resolve(text) }
            case "guid", "atom|id": item?.id = TextScan.trimmed(text)
            case "pubDate", "atom|published", "atom|issued", "dcterms|issued": item?.published = text
            case "dc|date", "atom|created", "dcterms|created": if item?.created == nil { item?.created = text }
            case "atom|updated", "atom|modified", "dcterms|modified": item?.updated = text
            case "content|encoded", "atom|content", "xhtml|body", "body", "fullitem": item?.body.append((0, utf8, kind))
            case "description": item?.body.append((1, utf8, kind))
            case "dc|description": item?.body.append((2, utf8, kind))
            case "atom|summary": item?.body.append((3, utf8, kind))
            case "itunes|summary": item?.body.append((4, utf8, kind))
            case "media|description": item?.body.append((5, utf8, kind))
            case "media|title": if item?.mediaTitle == nil { item?.mediaTitle = text }
            case "author", "atom|name": if let name = FeedReader.authorName(text) { item?.authors.append(name) }
            case "dc|creator", "itunes|author": if let name = FeedReader.authorName(text) { item?.creators.append(name) }
            default: break
            }
            return
        }
        switch key {
        case "title", "atom|title":
            if channel.title.isEmpty { channel.title = FeedReader.render(text, kind).text }
        case "description", "atom|subtitle", "atom|tagline":
            if channel.description == nil {
                let d = FeedReader.render(text, kind).text
                if !d.isEmpty { channel.description = d }
            }
        case "dc|title", "dc|description", "itunes|summary", "itunes|subtitle":
            if channelFallbacks[key] == nil { channelFallbacks[key] = FeedReader.render(text, kind).text }
        case "link":
            let url = TextScan.trimmed(text)
            if channel.url == nil, HTMLText.isWebURL(url) { channel.url = url }
        case "language", "dc|language":
            let lang = FeedReader.language(text)
            if !lang.isEmpty, channel.language == nil || key == "language" { channel.language = lang }
        case "atom|name":
            if let name = FeedReader.authorName(text) { feedAuthors.append(name) }
        default: break
        }
    }

    func finishItem() {
        guard let it = item else { return }
        item = nil
        if let line = it.tooDeepAt {
            channel.skipped.record(line: it.line, "elements nested deeper than \(FeedReader.maxDepth) levels at line \(line)")
            return
        }
        // No date (RSS 0.91/0.92 items have none) or none that can be read ("yesterday"): kept with an unknown
        // date, in the feed's order. The published date first, then the created and the updated one.
        func date(_ raw: String?) -> (date: Date, offset: Int?)? { raw.flatMap { FeedDate.parse(TextScan.trimmed($0)) } }
        let posted = date(it.published) ?? date(it.created) ?? date(it.updated)
        var p = Publication(id: "", date: posted?.date, utcOffset: posted?.offset ?? nil)
        let guid = it.id.flatMap { $0.isEmpty ? nil : $0 }
        p.permalink = it.link ?? (it.guidIsPermalink ? guid.flatMap(resolve) : nil)
        p.author = FeedReader.authorList(it.authors.isEmpty ? it.creators : it.authors)
            ?? FeedReader.authorList(feedAuthors)
        // A guid or link two items share names only the first; the next ones get "#2", "#3".
        let given = guid ?? it.about.flatMap { $0.isEmpty ? nil : $0 } ?? it.link ?? "item-\(it.index)"
        var id = given
        var n = 1
        while !usedIDs.insert(id.hashValue).inserted {
            n += 1
            id = "\(given)#\(n)"
        }
        p.id = id

        let base = it.base ?? channelBase
        let title = (it.title ?? it.dcTitle ?? it.mediaTitle).map { FeedReader.render($0, it.titleIsHTML ? .html : .text).text } ?? ""
        let body = it.body.min { $0.rank < $1.rank }.map { FeedReader.render(utf8: $0.utf8, $0.kind, base: base) }
            ?? HTMLText.Result(text: "", links: [])
        p.linkMarks = body.marks
        if title.isEmpty {
            p.text = body.text
        } else if body.text.isEmpty {
            p.text = title
        } else if FeedReader.startsWithTitle(body.text, title) {
            p.text = body.text
        } else {
            p.text = title + "\n\n" + body.text
            let shift = title.utf8.count + 2
            for i in p.linkMarks.indices { p.linkMarks[i].end += shift }
        }
        p.links = body.links
        var seen = Set<String>()
        p.media = it.media.filter { $0.url.map { seen.insert($0).inserted } ?? true }
        // A body's first picture shows a post that names none of its own.
        if let image = body.image, !p.media.contains(where: { $0.picture != nil }) { p.media.append(Media(kind: .photo, url: image)) }
        postCount += 1
        guard let (stream, input) = stream else {
            channel.publications.append(p)
            return
        }
        if !stream.send(p, channel: 0, bytesRead: input.offset, header: { [channel] in Channel(header: channel) }) {
            stopped = true
            parser.abortParsing()
        }
    }

    // MARK: Text

    /// Where text goes, as `characters` finds it. Set at the end of every tag from what it depends on: libxml2
    /// hands text over between every two references, and reading those properties there, each a runtime
    /// exclusivity check, was 3% of a reading.
    enum TextTarget { case nowhere, capture, captureEscaped }
    var textTarget = TextTarget.nowhere

    func updateTextTarget() {
        if !capturing || deep > 0 {
            textTarget = .nowhere
        } else {
            textTarget = stack.count > captureDepth || captureKind == .xhtml ? .captureEscaped : .capture
        }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        switch textTarget {
        case .nowhere: break
        case .capture: capture.append(contentsOf: text)
        case .captureEscaped: appendEscaped(text, quote: false)
        }
    }

    /// A CDATA section is text like any other.
    func cdata(_ text: UnsafeBufferPointer<UInt8>) {
        characters(text)
    }

    /// Text appended to the capture as markup writes it: `&`, `<`, `>` (and `"` in an attribute) as references.
    private func appendEscaped<Bytes: Sequence<UInt8>>(_ bytes: Bytes, quote: Bool) {
        for b in bytes {
            switch b {
            case UInt8(ascii: "&"): capture.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): capture.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): capture.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\"") where quote: capture.append(contentsOf: "&quot;".utf8)
            default: capture.append(b)
            }
        }
    }

    static func kind(_ type: String) -> BodyKind {
        switch type.lowercased() {
        case "html", "text/html": .html
        case "xhtml", "application/xhtml+xml": .xhtml
        default: .text
        }
    }

    /// A field's text: markup goes through HTMLText; plain text keeps its line breaks. RSS descriptions are
    /// declared HTML but often are plain text with newlines (Telegram bridges): only real markup is parsed.
    static func render(_ raw: String, _ kind: BodyKind, base: URL? = nil) -> HTMLText.Result {
        render(utf8: Array(raw.utf8), kind, base: base)
    }

    /// The same from UTF-8 as collected: a sequence that is not valid is U+FFFD, as in a string.
    static func render(utf8: [UInt8], _ kind: BodyKind, base: URL? = nil) -> HTMLText.Result {
        let raw = XMLRepair.mojibakeMended(UTF8Repair.repaired(utf8))
        if kind == .xhtml || (kind == .html && looksLikeMarkup(raw)) {
            var r = HTMLText.convert(utf8: raw, base: base)
            // Escaped twice (`&amp;lt;p&amp;gt;`): the first pass leaves markup as text. One more pass, only when
            // that text has closing tags, so that prose such as "a < b" stays as it is.
            if kind == .html, hasClosingTag(r.text) {
                let again = HTMLText.convert(r.text, base: base)
                r.text = again.text
                for l in again.links where !r.links.contains(l) { r.links.append(l) }
                r.image = r.image ?? again.image
                r.marks = LinkMark.numbered(again.marks.map { (again.links[$0.number - 1], $0.end) }, in: r.links)
            }
            return r
        }
        let text = plain(raw)
        return HTMLText.Result(text: text, links: HTMLText.mayContainURL(text) ? TextScan.links(in: text) : [])
    }

    /// `</p>`, `</a>`…: some closing tag.
    static func hasClosingTag(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in hasClosingTag(b) }
    }

    private static func hasClosingTag(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return false }
        var i = 0
        // Each "<" found by memchr: most texts hold none.
        while i + 3 < b.count, let hit = memchr(base + i, Int32(UInt8(ascii: "<")), b.count - 3 - i) {
            i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if b[i + 1] == UInt8(ascii: "/") {
                var j = i + 2
                while j < b.count, (b[j] | 0x20 >= 0x61 && b[j] | 0x20 <= 0x7A) || (b[j] >= 0x30 && b[j] <= 0x39) {
                    j += 1
                }
                if j > i + 2, j < b.count, b[j] == UInt8(ascii: ">") { return true }
            }
            i += 1
        }
        return false
    }

    static func looksLikeMarkup(_ utf8: [UInt8]) -> Bool {
        var prev: UInt8 = 0
        var ampersand = false
        for b in utf8 {
            if prev == UInt8(ascii: "<"), b == UInt8(ascii: "/") || b == UInt8(ascii: "!") || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) {
                return true
            }
            if b == UInt8(ascii: "&") { ampersand = true }
            if ampersand, b == UInt8(ascii: ";") { return true }
            if b == 0x20 || b == 0x0A { ampersand = false }
            prev = b
        }
        return false
    }

    /// Plain text as written: CRLF and CR become LF, blank lines, leading spaces and a space before a line break
    /// stay (poems, code, ASCII tables; "end. \nNext" is what the feed says); only the indentation every line
    /// shares (the XML's own), white space on blank lines, at the very end, and the blank lines around the text
    /// are removed.
    ///
    /// Done on UTF-8 bytes (a feed's every item goes through here): line breaks and white space are ASCII, and a
    /// line break never joins a character cluster. Only indentation needs a look at what follows it: a space
    /// followed by a combining mark is one character, not indentation.
    static func plain(_ bytes: [UInt8]) -> String {
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        // One line with nothing to trim (most titles) is the text as it is: no lines to make and measure.
        if let first = bytes.first, let last = bytes.last, !blank(first), !blank(last), !bytes.contains(0x0A), !bytes.contains(0x0D) {
            return String(decoding: bytes, as: UTF8.self)
        }
        // Lines as byte ranges, blank ones empty: CRLF, LF and CR each end a line.
        var lines: [Range<Int>] = []
        var start = 0
        var i = 0
        while i <= bytes.count {
            if i == bytes.count || bytes[i] == 0x0A || bytes[i] == 0x0D {
                var end = i
                while end > start, blank(bytes[end - 1]) { end -= 1 }
                lines.append(start..<(end == start ? start : i))
                if i + 1 < bytes.count, bytes[i] == 0x0D, bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        if let last = lines.last {
            var end = last.upperBound
            while end > last.lowerBound, blank(bytes[end - 1]) { end -= 1 }
            lines[lines.count - 1] = last.lowerBound..<end
        }
        func indentation(_ line: Range<Int>) -> Int {
            var n = 0
            while line.lowerBound + n < line.upperBound, blank(bytes[line.lowerBound + n]) { n += 1 }
            guard n > 0, line.lowerBound + n < line.upperBound, bytes[line.lowerBound + n] >= 0x80 else { return n }
            // The blanks and the next character: one character fewer than bytes when the last blank combines.
            var next = line.lowerBound + n + 1
            while next < line.upperBound, bytes[next] & 0xC0 == 0x80 { next += 1 }
            let head = String(decoding: bytes[line.lowerBound..<next], as: UTF8.self)
            return head.count == n + 1 ? n : n - 1
        }
        let indent = lines.filter { !$0.isEmpty }.map(indentation).min() ?? 0
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (n, line) in lines.enumerated() {
            if n > 0 { out.append(0x0A) }
            out.append(contentsOf: bytes[min(line.lowerBound + indent, line.upperBound)..<line.upperBound])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the body already begins with the title (titles cut with "..." or "…" count by their start).
    /// Compared on UTF-8 bytes with runs of white space as one space.
    static func startsWithTitle(_ body: String, _ title: String) -> Bool {
        var (body, title) = (body, title)
        return title.withUTF8 { t in
            body.withUTF8 { b in
                var end = t.count
                // "..." or "…" (E2 80 A6): three bytes either way.
                if end >= 3 {
                    let last = (t[end - 3], t[end - 2], t[end - 1])
                    if last == (0x2E, 0x2E, 0x2E) || last == (0xE2, 0x80, 0xA6) { end -= 3 }
                }
                var (title, body) = (Words(t, end: end), Words(b, end: b.count))
                while let byte = title.next() {
                    guard body.next() == byte else { return false }
                }
                return true
            }
        }
    }

    /// The bytes of a text with its runs of white space as one space, and none before the first word or after the last.
    private struct Words {
        let bytes: UnsafeBufferPointer<UInt8>
        let end: Int
        var at = 0
        /// A word was given, and white space has followed it.
        var wordGiven = false
        var spaceAfter = false

        init(_ bytes: UnsafeBufferPointer<UInt8>, end: Int) { (self.bytes, self.end) = (bytes, end) }

        mutating func next() -> UInt8? {
            while at < end {
                let byte = bytes[at]
                if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                    spaceAfter = wordGiven
                    at += 1
                    continue
                }
                if spaceAfter {
                    // The space now, this byte the next time.
                    spaceAfter = false
                    return 0x20
                }
                wordGiven = true
                at += 1
                return byte
            }
            return nil
        }
    }

    static func mediaKind(_ type: String?, _ medium: String?) -> MediaKind {
        let t = (type ?? medium ?? "").lowercased()
        if t.hasPrefix("image") { return .photo }
        // YouTube's media:content is its flash player: a video.
        if t.hasPrefix("video") || t.contains("shockwave-flash") { return .video }
        if t.hasPrefix("audio") { return .audio }
        return .file
    }

    /// Several authors as one: "Ann Lee, Jo Doe", each once; nil for none.
    static func authorList(_ names: [String]) -> String? {
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        return unique.isEmpty ? nil : unique.joined(separator: ", ")
    }

    /// An author's name: RSS writes `author` as an address with the name in parentheses ("jo@example.org (Jo Doe)"),
    /// others the name with the address after it ("Jo Doe (jo@example.org)", "Jo Doe <jo@example.org>").
    static func authorName(_ raw: String) -> String? {
        let s = oneLine(raw)
        if let last = s.last, last == ")" || last == ">", let open = s.lastIndex(of: last == ")" ? "(" : "<") {
            let outside = TextScan.trimmed(String(s[..<open]))
            let inside = TextScan.trimmed(String(s[s.index(after: open)..<s.index(before: s.endIndex)]))
            if last == ")", outside.contains("@"), !outside.contains(" "), !inside.isEmpty { return inside }
            if inside.contains("@"), !outside.isEmpty { return outside }
        }
        return s.isEmpty ? nil : s
    }

    static func size(_ s: String?) -> Int64? {
        guard let s, let n = Int64(s.trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
        return n
    }

    // MARK: End

    /// The first XML error; libxml2 recovers from it and reading goes on, as a browser does.
    var error: (message: String, line: Int, column: Int)?
    /// Items read when the first error came: those read after it are counted in the channel's notice.
    var itemsBeforeError = 0
    /// The reading was stopped on purpose (undecodable bytes, the import cancelled): what follows is not read.
    var stopped = false
    /// Where a DOCTYPE the prolog's look missed declared an entity: the parse stops there, before any is used.
    var entityDeclaredAt: Int?

    func entityDeclared() {
        guard entityDeclaredAt == nil else { return }
        entityDeclaredAt = parser.lineNumber
        stopped = true
        parser.abortParsing()
    }

    func error(code: Int) {
        if error == nil {
            error = (FeedReader.describe(code), parser.lineNumber, parser.columnNumber)
            itemsBeforeError = postCount
        }
        // Bytes the declared encoding cannot decode: libxml2 would go on with them undecoded, and Foundation
        // traps on a name that is not UTF-8. Such a file is read up to there, at whichever error this comes.
        if [9, 31, 32, 81].contains(code), !stopped {
            stopped = true
            parser.abortParsing()
        }
    }

    /// libxml2's error numbers (xmlerror.h).
    static func describe(_ code: Int) -> String {
        let text: String? =
            switch code {
            case 3, 4: "no XML content"
            case 5: "document ends unexpectedly or has extra content"
            case 8: "invalid character reference"
            case 9: "invalid character"
            case 23: "entity reference without \";\""
            case 26, 27: "undefined entity"
            case 39, 41: "attribute without a quoted value"
            case 42: "attribute given twice"
            case 64: "XML declaration not at the start of the file"
            case 68: "element name expected"
            case 72: "expected \"<\""
            case 73: "expected \">\""
            case 74: "expected \"</\""
            case 75: "expected \"=\""
            case 76: "closing tag does not match the open element"
            case 77: "file ends inside a tag (truncated?)"
            case 85: "elements not well balanced"
            case 86: "extra content after the document"
            case 89: "entity reference loop"
            default: nil
            }
        return text.map { "\($0) (XML error \(code))" } ?? "XML error \(code)"
    }

    func finish(ok: Bool) throws(FeedError) -> [Channel] {
        if let line = entityDeclaredAt { throw RSSImporter.entityRefusal(line: line) }
        if !ok || error != nil {
            let e = error ?? ("not well-formed XML", parser.lineNumber, parser.columnNumber)
            let message = FeedReader.oneLine(e.message)
            // A channel with a title or link and no items yet is something read (an error at the last tag costs
            // nothing).
            let nothingRead = postCount == 0 && channel.skipped.count == 0 && item == nil && channel.title.isEmpty
                && channel.url == nil
            if !sawRoot || nothingRead {
                throw FeedError("not well-formed XML: \(message)", line: e.line, column: e.column)
            }
            if let open = item {
                channel.skipped.record(line: open.line, "file ends or breaks inside this item (line \(e.line):\(e.column): \(message))")
                item = nil
            } else if stopped {
                channel.skipped.record(line: e.line, "XML error, the rest of the file is not read: \(message)")
            }
            let after = postCount - itemsBeforeError
            if !stopped, after > 0 {
                channel.notice = "\(after == 1 ? "1 item" : "\(after) items") read past XML errors — first at line \(e.line): \(message)"
            } else if !stopped, channel.skipped.count == 0 {
                channel.notice = "read past an XML error at line \(e.line): \(message)"
            }
        }
        guard ["rss", "atom|feed", "rdf|RDF", "feed", "RDF"].contains(rootName) else {
            throw FeedError("not an RSS or Atom feed (root element <\(rootName)>)", line: 1, column: 1)
        }
        func fallback(_ keys: String...) -> String? { keys.lazy.compactMap { self.channelFallbacks[$0] }.first { !$0.isEmpty } }
        if channel.description == nil { channel.description = fallback("dc|description", "itunes|summary", "itunes|subtitle") }
        if channel.title.isEmpty { channel.title = fallback("dc|title") ?? channel.url ?? "Untitled feed" }
        stream?.stream.returned([0])
        return [channel]
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}

/// Feed dates: RFC 822/1123 (`Mon, 02 Jan 2006 15:04:05 GMT`, `+0300`, `EST`…) and RFC 3339, without formatters.
public enum FeedDate {
    public static func parse(_ s: String) -> (date: Date, offset: Int?)? {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && r.allSatisfy { b[$0] >= 0x30 && b[$0] <= 0x39 } }
        if b.count >= 10, digits(0..<4), b[4] == UInt8(ascii: "-") { return ISODate.parseWithOffset(s) }
        // W3C's reduced precisions, "2004-02" and "2004": the first day of that month or year.
        if (b.count == 7 && digits(0..<4) && b[4] == UInt8(ascii: "-") && digits(5..<7)) || (b.count == 4 && digits(0..<4)),
            let year = Int(s.prefix(4)), let civil = CivilTime(year: year, month: b.count == 7 ? Int(s.suffix(2)) ?? 0 : 1, day: 1, hour: 0, minute: 0, second: 0)
        {
            return (civil.date, nil)
        }
        // ISO 8601's basic format, "20040228T181455Z".
        if b.count >= 15, digits(0..<8), b[8] == UInt8(ascii: "T"), digits(9..<15) {
            let c = Array(s)
            let extended = String(c[0..<4]) + "-" + String(c[4..<6]) + "-" + String(c[6..<8]) + "T" + String(c[9..<11]) + ":"
                + String(c[11..<13]) + ":" + String(c[13...])
            return ISODate.parseWithOffset(extended)
        }
        return rfc822(s)
    }

    /// The months' first three letters, lower-cased, packed as `pack` packs them.
    private static let months: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map {
        $0.utf8.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A month by its first three letters, in any letter case; nil for none.
    private static func month(_ b: UnsafeBufferPointer<UInt8>, _ t: Range<Int>) -> Int? {
        guard t.count >= 3 else { return nil }
        let key = b[t.prefix(3)].reduce(UInt32(0)) { $0 << 8 | UInt32($1 | 0x20) }
        return months.firstIndex(of: key).map { $0 + 1 }
    }

    /// The non-empty pieces of `t` between `separator`s.
    private static func pieces(_ b: UnsafeBufferPointer<UInt8>, _ t: Range<Int>, _ separator: UInt8) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = t.lowerBound
        for j in t.lowerBound...t.upperBound where j == t.upperBound || b[j] == separator {
            if j > start { parts.append(start..<j) }
            start = j + 1
        }
        return parts
    }

    private static let zones: [String: Int] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3, "wet": 0, "west": 1,
        "jst": 9, "kst": 9, "hkt": 8, "aest": 10, "aedt": 11,
    ]

    /// A decimal number as `Int(_:)` reads one: an optional sign, then at least one digit.
    private static func int(_ b: UnsafeBufferPointer<UInt8>, _ t: Range<Int>) -> Int? {
        var i = t.lowerBound
        let negative = i < t.upperBound && b[i] == UInt8(ascii: "-")
        if i < t.upperBound, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < t.upperBound else { return nil }
        var n = 0
        while i < t.upperBound {
            let d = b[i] &- 0x30
            guard d <= 9 else { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (v, o2) = m.addingReportingOverflow(Int(d))
            guard !o1, !o2 else { return nil }
            n = v
            i += 1
        }
        return negative ? -n : n
    }

    /// `[Mon,] 2 Jan [20]06 15:04[:05] (GMT|+0300|-07:00|EST)`, also RFC 850's `Sunday, 28-Feb-04 18:14:55 GMT`,
    /// C's `asctime` (`Sat Feb 28 18:14:55 2004`) and a day without a time (`Sun, 28 Feb 2004`, midnight, zone
    /// unknown); nil otherwise. Read on the UTF-8 bytes in place: every item of a feed has a date or two.
    public static func rfc822(_ s: String) -> (date: Date, offset: Int?)? {
        var s = s
        return s.withUTF8 { b in
            // The words (between spaces and commas): only the first few matter.
            var tokens: [Range<Int>] = []
            tokens.reserveCapacity(8)
            var i = 0
            while i < b.count, tokens.count < 8 {
                func separator(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: ",") }
                while i < b.count, separator(b[i]) { i += 1 }
                let start = i
                while i < b.count, !separator(b[i]) { i += 1 }
                if i > start { tokens.append(start..<i) }
            }
            guard let first = tokens.first else { return nil }
            let lead = b[first.lowerBound]
            if lead >= 0x80 || (lead | 0x20 >= 0x61 && lead | 0x20 <= 0x7A), month(b, first) == nil {
                tokens.removeFirst()  // a weekday (no weekday's first three letters name a month)
            }
            if let f = tokens.first, b[f].contains(UInt8(ascii: "-")), case let parts = pieces(b, f, UInt8(ascii: "-")), parts.count == 3 {
                tokens.replaceSubrange(0..<1, with: parts)  // RFC 850: 28-Feb-04
            }
            if tokens.count >= 4, b[tokens[2]].contains(UInt8(ascii: ":")), int(b, tokens[3]) != nil {
                tokens.swapAt(2, 3)  // asctime: Feb 28 18:14:55 2004
            }
            guard tokens.count >= 3 else { return nil }
            var day: Int?
            var month: Int?
            if let d = int(b, tokens[0]) {
                day = d
                month = FeedDate.month(b, tokens[1])
            } else if let d = int(b, tokens[1]) {  // "Jan 02 2006"
                day = d
                month = FeedDate.month(b, tokens[0])
            }
            guard let day, let month, var year = int(b, tokens[2]) else { return nil }
            if tokens[2].count == 2 { year += year < 50 ? 2000 : 1900 }
            // A day without a time: midnight.
            var h = 0
            var mi = 0
            var sec = 0
            if tokens.count > 3 {
                let hms = pieces(b, tokens[3], UInt8(ascii: ":"))
                guard hms.count >= 2, let hh = int(b, hms[0]), let mm = int(b, hms[1]) else { return nil }
                (h, mi) = (hh, mm)
                if hms.count > 2 {
                    let digits = hms[2].prefix { b[$0] >= 0x30 && b[$0] <= 0x39 }
                    sec = int(b, digits.lowerBound..<digits.upperBound) ?? 0
                }
            }
            var offset: Int?
            if tokens.count > 4 {
                let z = tokens[4]
                let sign = b[z.lowerBound]
                if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    var v = 0
                    var count = 0
                    for j in (z.lowerBound + 1)..<z.upperBound where b[j] >= 0x30 && b[j] <= 0x39 {
                        v = v * 10 + Int(b[j] - 0x30)
                        count += 1
                        if count > 4 { return nil }
                    }
                    guard count == 4 else { return nil }
                    offset = (sign == UInt8(ascii: "-") ? -1 : 1) * ((v / 100) * 3600 + (v % 100) * 60)
                } else if z.count <= 4 {
                    var name = ""
                    for j in z { name.append(Character(Unicode.Scalar(b[j] < 0x80 ? b[j] | (b[j] >= 0x41 && b[j] <= 0x5A ? 0x20 : 0) : 0x3F))) }
                    offset = zones[name].map { $0 * 3600 }
                }
                // Other zone names (military letters, unknown abbreviations): the time is read as UTC, offset unknown.
            }
            guard let civil = CivilTime(year: year, month: month, day: day, hour: h, minute: mi, second: min(sec, 59))
            else { return nil }
            let date = civil.date.addingTimeInterval(-Double(offset ?? 0))
            return ISODate.isWritable(date) ? (date, offset) : nil
        }
    }
}
