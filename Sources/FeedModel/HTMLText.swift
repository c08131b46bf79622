import CLibXML2
import Foundation

/// Readable text from HTML: one converter for every importer that meets HTML (t.me previews, RSS/Atom bodies).
///
/// Block elements (`<p>`, `<div>`, headings, lists, quotes…) become line breaks, paragraphs are separated by one
/// blank line, `<br>` is a line break, list items start with "• " (or "1. " in ordered lists), runs of white space
/// collapse to one space (except inside `<pre>`), entities are decoded by libxml2, scripts and styles are dropped;
/// what an `<iframe>` holds is its fallback text for readers that show no frames, as this one: shown.
/// Links are the http/https `href`s of anchors, in order and without duplicates, then bare URLs found in the text;
/// an anchor's words keep where they end in the text (`marks`).
public enum HTMLText {
    public struct Result: Equatable, Sendable {
        public var text: String
        public var links: [String]
        /// The address of the first `<img>` with an http(s) `src` (resolved against the base): the post's picture.
        public var image: String?
        public var marks: [LinkMark]

        public init(text: String, links: [String], image: String? = nil, marks: [LinkMark] = []) {
            self.text = text
            self.links = links
            self.image = image
            self.marks = marks
        }
    }

    static let parseOptions = Int32(
        HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_COMPACT.rawValue)

    /// Converts an HTML fragment (or a whole document). Never throws: what libxml2 cannot make sense of is text.
    /// Relative `href`s are resolved against `base` when one is given.
    public static func convert(_ html: String, base: URL? = nil) -> Result { convert(html, base: base, scanning: true) }

    /// `scanning`: the common HTML of feeds read by `HTMLScanner` (false: libxml2 reads it all, as the tests compare).
    static func convert(_ html: String, base: URL?, scanning: Bool) -> Result {
        convert(utf8: Array(html.utf8), base: base, scanning: scanning)
    }

    /// The same from valid UTF-8 (a feed's body as its reader collected it: no string made of it first).
    static func convert(utf8 html: [UInt8], base: URL?, scanning: Bool = true) -> Result {
        var bytes = html
        // Plain text needs no parser: only white space to collapse.
        if !bytes.contains(UInt8(ascii: "<")) && !bytes.contains(UInt8(ascii: "&")) {
            var r = Renderer()
            bytes.withUnsafeBufferPointer { r.text($0) }
            return r.finish()
        }
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else { return Result(text: "", links: []) }
        if scanning {
            var r = Renderer()
            r.base = base
            // The text is about as long as the HTML: room for it at once, not grown by doubling.
            r.out.reserveCapacity(bytes.count)
            if bytes.withUnsafeBufferPointer({ HTMLScanner.render($0, into: &r) }) { return r.finish() }
        }
        // libxml2 reports HTML errors on the thread's global error channel, where the XML parser of an RSS file
        // that this HTML sits in listens: a stray `</div>` or a `&#27;` in one description stopped the whole feed.
        let (handler, context) = (cx_structured_error(), cx_structured_error_context())
        cx_silence_structured_errors()
        defer { xmlSetStructuredErrorFunc(context, handler) }
        var r = Renderer()
        r.base = base
        // Read by libxml2's HTML parser as a stream of SAX events, the same ones it builds its tree from, straight
        // into the renderer: no tree made, walked and freed.
        let parsed: Bool = bytes.withUnsafeMutableBufferPointer { buf in
            guard let start = buf.baseAddress,
                let context = start.withMemoryRebound(to: CChar.self, capacity: buf.count, { htmlCreateMemoryParserCtxt($0, Int32(buf.count)) })
            else { return false }
            defer { htmlFreeParserCtxt(context) }
            return withUnsafeMutablePointer(to: &r) { renderer in
                context.pointee.sax.pointee = saxHandler()
                context.pointee.userData = UnsafeMutableRawPointer(renderer)
                htmlCtxtUseOptions(context, parseOptions)
                // As `htmlReadMemory` with "UTF-8": a `<meta charset>` in the text changes nothing.
                if let utf8 = xmlFindCharEncodingHandler("UTF-8") {
                    xmlSwitchToEncoding(context, utf8)
                    if let old = context.pointee.input.pointee.encoding { cx_free(UnsafeMutableRawPointer(mutating: old)) }
                    context.pointee.input.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
                }
                htmlParseDocument(context)
                return true
            }
        }
        return parsed ? r.finish() : Result(text: "", links: [])
    }

    /// The HTML parser's events, each handed to the `Renderer` its user data points to.
    private static func saxHandler() -> htmlSAXHandler {
        var h = htmlSAXHandler()
        h.initialized = XML_SAX2_MAGIC
        h.startElement = { ctx, name, attributes in
            guard let ctx else { return }
            ctx.assumingMemoryBound(to: Renderer.self).pointee.start(name, attributes)
        }
        h.endElement = { ctx, name in
            guard let ctx else { return }
            ctx.assumingMemoryBound(to: Renderer.self).pointee.end(name)
        }
        h.characters = { ctx, text, length in
            guard let ctx, let text else { return }
            ctx.assumingMemoryBound(to: Renderer.self).pointee.characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        // The contents of `<script>` and `<style>`: inside elements the renderer skips.
        h.cdataBlock = h.characters
        // A comment or a processing instruction splits the text around it, as in a tree.
        h.comment = { ctx, _ in
            guard let ctx else { return }
            ctx.assumingMemoryBound(to: Renderer.self).pointee.lastCR = false
        }
        h.processingInstruction = { ctx, _, _ in
            guard let ctx else { return }
            ctx.assumingMemoryBound(to: Renderer.self).pointee.lastCR = false
        }
        h.serror = { _, _ in }
        return h
    }

    /// A cheap test before a full URL scan: some "http" in any letter case.
    /// An `href` or `src` as a browser reads it (the URL standard): trimmed, its tabs and newlines taken out, any
    /// other control percent-encoded.
    static func address(_ attribute: String) -> String {
        let url = TextScan.trimmed(attribute)
        // C0, DEL and C1, looked for in the bytes (every link of every post comes here).
        guard Sanitize.hasControl(url, multiline: false) else { return url }
        var out = ""
        for s in url.unicodeScalars where s != "\t" && s != "\n" && s != "\r" {
            if s.value < 0x20 || (0x7F...0x9F).contains(s.value) {
                out += String(s).utf8.map { String(format: "%%%02X", $0) }.joined()
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func mayContainURL(_ s: String) -> Bool {
        var s = s
        return s.withUTF8(TextScan.mayContainURL)
    }

    static func isWebURL(_ s: String) -> Bool {
        // ASCII lower-casing is enough for the scheme; compared on the bytes in place (an iterator over the
        // UTF-8 view took a thousand instructions a link).
        var s = s
        return s.withUTF8 { b in
            func lower(_ i: Int) -> UInt8 { b[i] | (b[i] >= 0x41 && b[i] <= 0x5A ? 0x20 : 0) }
            guard b.count >= 7, lower(0) == UInt8(ascii: "h"), lower(1) == UInt8(ascii: "t"), lower(2) == UInt8(ascii: "t"),
                lower(3) == UInt8(ascii: "p")
            else { return false }
            let colon = lower(4) == UInt8(ascii: "s") ? 5 : 4
            return colon + 3 <= b.count && b[colon] == UInt8(ascii: ":") && b[colon + 1] == UInt8(ascii: "/")
                && b[colon + 2] == UInt8(ascii: "/")
        }
    }
}

/// The events of a reading (libxml2's SAX, `HTMLScanner`) or a walk over a t.me chunk's `TMeTree`; output is
/// collected as UTF-8 bytes.
struct Renderer {
    var out: [UInt8] = []
    /// Line breaks wanted before the next visible text (0, 1 or 2); white space wanted before it.
    var pendingBreak = 0
    var pendingSpace = false
    var preDepth = 0
    /// One entry per open list: nil for `<ul>`, the next number for `<ol>`.
    var lists: [Int?] = []
    var links: [String] = []
    /// Each link's number (its place in `links`, from 1), once there are more than 16 (`number(of:)`).
    var numbers: [String: Int] = [:]
    var marks: [LinkMark] = []
    /// One entry per open anchor: its link's number (0 for none) and the length of the text when it opened.
    var anchors: [(number: Int, start: Int)] = []
    var image: String?
    /// What relative `href`s are resolved against; nil leaves them out.
    var base: URL?
    /// Inside `<pre>`, a CR just written as a line break: an LF right after it belongs to it.
    var lastCR = false
    /// Elements open inside a skipped one (that one included), when the document comes as SAX events.
    var skipping = 0
    /// Elements open, when the document comes as SAX events: text outside every element is not in the tree.
    var depth = 0

    enum Kind { case skip, paragraph, line, item, lineBreak, pre, list, orderedList, anchor, cell, image, inline }

    /// Element name (lower case) → kind; every other element is `.inline`.
    static let kinds: [String: Kind] = {
        var table: [String: Kind] = ["br": .lineBreak, "li": .item, "pre": .pre, "ol": .orderedList, "a": .anchor, "img": .image]
        for name in ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr", "figure", "dl"] {
            table[name] = .paragraph
        }
        for name in [
            "div", "section", "article", "header", "footer", "aside", "nav", "main", "address", "figcaption",
            "details", "summary", "form", "fieldset", "center", "caption", "tr", "dt", "dd", "body", "html",
        ] {
            table[name] = .line
        }
        for name in ["ul", "menu"] { table[name] = .list }
        for name in ["td", "th"] { table[name] = .cell }
        for name in [
            "script", "style", "noscript", "template", "head", "title", "svg",
            "math", "select", "button", "textarea", "input", "audio", "video", "canvas",
        ] {
            table[name] = .skip
        }
        return table
    }()

    /// The same table for names of at most 8 ASCII bytes, keyed by the bytes packed into an integer.
    static let packedKinds: [UInt64: Kind] = {
        var table: [UInt64: Kind] = [:]
        for (name, kind) in kinds where name.utf8.count <= 8 {
            var key: UInt64 = 0
            for (i, b) in name.utf8.enumerated() { key |= UInt64(b) << (8 * UInt64(i)) }
            table[key] = kind
        }
        return table
    }()

    static func kind(_ name: UnsafePointer<xmlChar>?) -> Kind {
        guard let name else { return .inline }
        // Element names are short ASCII in libxml2's HTML trees: lower-case and pack them without a String.
        var key: UInt64 = 0
        for i in 0..<8 {
            let b = name[i]
            if b == 0 { return packedKinds[key] ?? .inline }
            guard b < 0x80 else { break }
            let lower = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            key |= UInt64(lower) << (8 * UInt64(i))
        }
        return kinds[String(cString: name).lowercased()] ?? .inline
    }

    /// A start tag, from the SAX parser: its attributes are name and value pairs, a NULL name after the last.
    mutating func start(_ name: UnsafePointer<xmlChar>?, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        start(Renderer.kind(name)) { wanted in
            guard let attributes else { return nil }
            var i = 0
            while let key = attributes[i] {
                // A name without a value (`<a href>`): the empty string, as the tree gives it.
                if wanted.utf8.elementsEqual(UnsafeBufferPointer(start: key, count: strlen(key))) {
                    return attributes[i + 1].map { String(cString: $0) } ?? ""
                }
                i += 2
            }
            return nil
        }
    }

    /// A start tag of this kind; `attribute` gives its attributes by name.
    mutating func start(_ kind: Kind, attribute: (String) -> String?) {
        depth += 1
        if skipping > 0 {
            skipping += 1
            return
        }
        lastCR = false
        if !open(kind, attribute: attribute) { skipping = 1 }
    }

    mutating func end(_ name: UnsafePointer<xmlChar>?) { end(Renderer.kind(name)) }

    mutating func end(_ kind: Kind) {
        depth -= 1
        if skipping > 0 {
            skipping -= 1
            if skipping > 0 { return }
        }
        lastCR = false
        close(kind)
    }

    mutating func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if skipping == 0, depth > 0 { text(bytes) }
    }

    /// An element of this kind begins; `attribute` gives its attributes by name. Returns whether what it holds is
    /// read.
    mutating func open(_ kind: Kind, attribute: (String) -> String?) -> Bool {
        switch kind {
        case .skip: return false
        case .paragraph: block(2)
        case .line: block(1)
        case .lineBreak:
            if !out.isEmpty { pendingBreak = min(pendingBreak + 1, 2) }
            pendingSpace = false
        case .pre:
            block(2)
            preDepth += 1
        case .list:
            block(lists.isEmpty ? 2 : 1)
            lists.append(nil)
        case .orderedList:
            block(lists.isEmpty ? 2 : 1)
            lists.append(1)
        case .item:
            block(1)
            let indent = String(repeating: "  ", count: max(0, lists.count - 1))
            var marker = "• "
            if let last = lists.last, let n = last {
                marker = "\(n). "
                lists[lists.count - 1] = n + 1
            }
            literal(indent + marker)
        case .anchor:
            if let href = attribute("href") {
                var url = HTMLText.address(href)
                if !HTMLText.isWebURL(url), let base, let absolute = URL(string: url, relativeTo: base)?.absoluteString {
                    url = absolute
                }
                if HTMLText.isWebURL(url) {
                    anchors.append((number(of: url), out.count))
                    return true
                }
            }
            anchors.append((0, out.count))
        case .image:
            if image == nil, let src = attribute("src").map(HTMLText.address) {
                let url = HTMLText.isWebURL(src) ? src : base.flatMap { URL(string: src, relativeTo: $0)?.absoluteString }
                if let url, HTMLText.isWebURL(url) { image = url }
            }
        case .cell:
            pendingSpace = true
        case .inline:
            break
        }
        return true
    }

    /// An element of this kind ends.
    mutating func close(_ kind: Kind) {
        switch kind {
        case .paragraph: block(2)
        case .line, .item: block(1)
        case .pre:
            preDepth = max(0, preDepth - 1)
            block(2)
        case .list, .orderedList:
            if !lists.isEmpty { lists.removeLast() }
            block(lists.isEmpty ? 2 : 1)
        case .cell: pendingSpace = true
        case .anchor:
            // The mark goes after the anchor's words, where they end (white space after them is not yet written).
            if let (number, start) = anchors.popLast(), number > 0, out.count > start {
                marks.append(LinkMark(number: number, end: out.count))
            }
        default: break
        }
    }

    mutating func number(of url: String) -> Int {
        // A post's few links are looked through; the numbers of a long list's are kept by link.
        if links.count <= 16 {
            if let i = links.firstIndex(of: url) { return i + 1 }
        } else {
            if numbers.isEmpty { for (i, link) in links.enumerated() { numbers[link] = i + 1 } }
            if let n = numbers[url] { return n }
            numbers[url] = links.count + 1
        }
        links.append(url)
        return links.count
    }

    mutating func block(_ n: Int) {
        if !out.isEmpty { pendingBreak = max(pendingBreak, n) }
        pendingSpace = false
    }

    mutating func flushPending() {
        if !out.isEmpty {
            if pendingBreak > 0 {
                for _ in 0..<pendingBreak { out.append(0x0A) }
            } else if pendingSpace, out.last != 0x0A {
                out.append(0x20)
            }
        }
        pendingBreak = 0
        pendingSpace = false
    }

    mutating func literal(_ s: String) {
        flushPending()
        out.append(contentsOf: s.utf8)
    }

    mutating func text<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if preDepth > 0 {
            for b in bytes {
                if b == 0x0D {
                    flushPending()
                    out.append(0x0A)
                    lastCR = true
                    continue
                }
                if b == 0x0A && lastCR {
                    lastCR = false
                    continue
                }
                lastCR = false
                flushPending()
                out.append(b)
            }
            return
        }
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            // Words and the single spaces between them are appended at once, as they would be written (one append
            // a word was a tenth of a reading).
            let n = buf.count
            var i = 0
            while i < n {
                if Renderer.isSpace(buf[i]) {
                    pendingSpace = true
                    i += 1
                    continue
                }
                var j = i + 1
                while j < n {
                    let c = buf[j]
                    if c == 0x20, j + 1 < n, !Renderer.isSpace(buf[j + 1]) {
                        j += 2
                    } else if Renderer.isSpace(c) {
                        break
                    } else {
                        j += 1
                    }
                }
                if pendingBreak > 0 || pendingSpace { flushPending() }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                i = j
            }
        }
        if done != nil { return }
        for b in bytes {
            if Renderer.isSpace(b) {
                pendingSpace = true
            } else {
                if pendingBreak > 0 || pendingSpace { flushPending() }
                out.append(b)
            }
        }
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }

    mutating func finish() -> HTMLText.Result {
        // In <pre> blocks trailing white space can have been written literally.
        while let last = out.last, last == 0x0A || last == 0x20 || last == 0x09 { out.removeLast() }
        let text = String(decoding: out, as: UTF8.self)
        // A cheap test before the full URL scan: some "http" in any letter case.
        if out.withUnsafeBufferPointer(TextScan.mayContainURL) {
            for url in TextScan.links(in: text) { _ = number(of: url) }
        }
        for i in marks.indices where marks[i].end > out.count { marks[i].end = out.count }
        return HTMLText.Result(text: text, links: links, image: image, marks: marks)
    }
}

/// Bytes fit for parsers: invalid UTF-8 sequences become U+FFFD (libxml2's HTML parser would otherwise switch the
/// rest of the document to Latin-1, and XML parsers stop). Valid data is returned unchanged, without a copy.
enum UTF8Repair {
    static func repaired(_ data: Data) -> Data {
        if isValid(data) { return data }
        return Data(String(decoding: data, as: UTF8.self).utf8)
    }

    /// The same for bytes: a text's bytes as a string would hold them (a copy only when they are not valid).
    static func repaired(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.withUnsafeBufferPointer(isValid) { return bytes }
        return Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    static func isValid(_ data: Data) -> Bool {
        data.withUnsafeBytes { isValid($0.bindMemory(to: UInt8.self)) }
    }

    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(b)
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                // Eight ASCII bytes at a time.
                while i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                continue
            }
            guard let len = sequenceLength(b, at: i) else { return false }
            i += len
        }
        return true
    }

    /// The length of the valid UTF-8 sequence starting with the non-ASCII byte at `i`; nil when it is not one.
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let len: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b[i] {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: return nil
        }
        guard i + len <= b.count, b[i + 1] >= lo, b[i + 1] <= hi else { return nil }
        var k = 2
        while k < len {
            guard b[i + k] & 0xC0 == 0x80 else { return nil }
            k += 1
        }
        return len
    }
}

/// A cheap look at the start of a markup file: the name of its first element, after a byte-order mark, white
/// space, an XML declaration, processing instructions, comments and a DOCTYPE.
enum MarkupHead {
    static func rootElement(_ data: Data, limit: Int = 65_536) -> (name: String, head: String)? {
        let head = String(decoding: data.prefix(limit), as: UTF8.self)
        var s = head[...]
        if s.first == "\u{FEFF}" { s = s.dropFirst() }
        while true {
            s = s.drop(while: \.isWhitespace)
            if s.hasPrefix("<?") {
                guard let end = s.range(of: "?>") else { return nil }
                s = s[end.upperBound...]
            } else if s.hasPrefix("<!--") {
                guard let end = s.range(of: "-->") else { return nil }
                s = s[end.upperBound...]
            } else if s.hasPrefix("<!") {
                // DOCTYPE, possibly with an internal subset in brackets.
                var depth = 0
                var idx = s.startIndex
                var found = false
                while idx < s.endIndex {
                    let c = s[idx]
                    if c == "[" { depth += 1 } else if c == "]" { depth -= 1 } else if c == ">" && depth <= 0 {
                        found = true
                        break
                    }
                    idx = s.index(after: idx)
                }
                guard found else { return nil }
                s = s[s.index(after: idx)...]
            } else if s.hasPrefix("<") {
                let name = s.dropFirst().prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
                return name.isEmpty ? nil : (String(name), head)
            } else {
                return nil
            }
        }
    }
}
