import CLibXML2
import Foundation

/// One parsed chunk of a t.me page as the importer reads it: elements (name, attributes, class tokens, line) and
/// text, in flat arrays reused from chunk to chunk. Filled from a libxml2 tree (`load`) or by `TMeChunkScanner`,
/// which builds the same tree without libxml2 for the common markup of a message; the importer reads only this.
struct TMeTree {
    struct Node {
        /// An element's name as libxml2 gives it; empty for text and for names longer than 16 bytes (no name the
        /// importer asks for).
        var name = HTMLScanner.Name()
        var kind = Renderer.Kind.inline
        var isText = false
        /// The element's class tokens that the importer knows.
        var classes: TMeClasses = []
        var parent: Int32 = -1
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var next: Int32 = -1
        /// An element's attributes (indices in `attributes`), or a text node's bytes (in `bytes`).
        var start: Int32 = 0
        var count: Int32 = 0
        /// The element's line in the chunk, as `xmlGetLineNo`.
        var line: Int32 = 0
    }

    struct Attribute {
        var name: HTMLScanner.Name
        var start: Int32
        var count: Int32
    }

    /// Node 0 is the document.
    private(set) var nodes: [Node] = [Node()]
    private(set) var attributes: [Attribute] = []
    private(set) var bytes: [UInt8] = []

    static let document = 0
    private static let classAttribute = HTMLScanner.Name("class")

    mutating func clear() {
        nodes.removeAll(keepingCapacity: true)
        nodes.append(Node())
        attributes.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Building

    /// Whether an attribute of that name was added since `mark`.
    func hasAttribute(_ name: HTMLScanner.Name, since mark: Int) -> Bool {
        attributes[mark...].contains { $0.name == name }
    }

    /// Where the attributes of the next element start: append them (`addAttribute`), then the element.
    var attributeMark: Int { attributes.count }

    mutating func addAttribute(_ name: HTMLScanner.Name, _ value: UnsafeBufferPointer<UInt8>) {
        attributes.append(Attribute(name: name, start: Int32(bytes.count), count: Int32(value.count)))
        bytes.append(contentsOf: value)
    }

    /// An attribute whose value is what `bytes` holds from `start` on.
    private mutating func addAttribute(_ name: HTMLScanner.Name, from start: Int) {
        attributes.append(Attribute(name: name, start: Int32(start), count: Int32(bytes.count - start)))
    }

    /// A new last child of `parent`, holding the attributes added since `attributeMark` was `firstAttribute`.
    @discardableResult
    mutating func appendElement(_ name: HTMLScanner.Name, kind: Renderer.Kind, parent: Int, firstAttribute: Int, line: Int) -> Int {
        var node = Node(name: name, kind: kind)
        node.start = Int32(firstAttribute)
        node.count = Int32(attributes.count - firstAttribute)
        node.line = Int32(truncatingIfNeeded: line)
        for a in attributes[firstAttribute...] where a.name == Self.classAttribute {
            node.classes = TMeClasses.tokens(of: bytes[Int(a.start)..<Int(a.start + a.count)])
            break
        }
        return link(node, to: parent)
    }

    /// Text at the end of `parent`: added to its last child when that is the text stored last, as libxml2 joins
    /// text that follows text.
    mutating func appendText(_ text: UnsafeBufferPointer<UInt8>, parent: Int) {
        let last = Int(nodes[parent].lastChild)
        if last >= 0, nodes[last].isText, Int(nodes[last].start + nodes[last].count) == bytes.count {
            bytes.append(contentsOf: text)
            nodes[last].count += Int32(text.count)
            return
        }
        addText(text, parent: parent)
    }

    /// A new text node at the end of `parent`.
    private mutating func addText(_ text: UnsafeBufferPointer<UInt8>, parent: Int) {
        var node = Node()
        node.isText = true
        node.start = Int32(bytes.count)
        node.count = Int32(text.count)
        bytes.append(contentsOf: text)
        link(node, to: parent)
    }

    @discardableResult
    private mutating func link(_ node: Node, to parent: Int) -> Int {
        var node = node
        let index = nodes.count
        node.parent = Int32(parent)
        let last = nodes[parent].lastChild
        if last >= 0 { nodes[Int(last)].next = Int32(index) } else { nodes[parent].firstChild = Int32(index) }
        nodes[parent].lastChild = Int32(index)
        nodes.append(node)
        return index
    }

    /// The elements and text of a libxml2 document (comments and the like are nothing to the importer).
    mutating func load(_ doc: htmlDocPtr) {
        clear()
        var current = doc.pointee.children
        var parent = Self.document
        // Iterative: no recursion on absurdly deep documents.
        while let node = current {
            var descend = false
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let first = attributes.count
                var attr = node.pointee.properties
                while let a = attr {
                    let start = bytes.count
                    withValue(a) { bytes.append(contentsOf: $0) }
                    addAttribute(Self.name(a.pointee.name), from: start)
                    attr = a.pointee.next
                }
                let element = appendElement(
                    Self.name(node.pointee.name), kind: Renderer.kind(node.pointee.name), parent: parent, firstAttribute: first,
                    line: Int(xmlGetLineNo(node)))
                if node.pointee.children != nil {
                    parent = element
                    descend = true
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    // Text next to text stays two nodes, as in libxml2's tree (a comment between them is left out).
                    addText(UnsafeBufferPointer(start: content, count: strlen(content)), parent: parent)
                }
            default: break
            }
            if descend {
                current = node.pointee.children
                continue
            }
            var up = node
            while up.pointee.next == nil {
                guard let p = up.pointee.parent, p.pointee.type == XML_ELEMENT_NODE else { return }
                up = p
                parent = Int(nodes[parent].parent)
            }
            current = up.pointee.next
        }
    }

    /// An attribute's value as `xmlGetProp` gives it.
    private func withValue(_ attr: xmlAttrPtr, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let child = attr.pointee.children else { return }
        if child.pointee.next == nil,
            child.pointee.type == XML_TEXT_NODE || child.pointee.type == XML_CDATA_SECTION_NODE
        {
            if let content = child.pointee.content { body(UnsafeBufferPointer(start: content, count: strlen(content))) }
            return
        }
        guard let joined = xmlNodeListGetString(attr.pointee.doc, child, 1) else { return }
        defer { cx_free(joined) }
        body(UnsafeBufferPointer(start: joined, count: strlen(joined)))
    }

    private static func name(_ p: UnsafePointer<xmlChar>?) -> HTMLScanner.Name {
        var name = HTMLScanner.Name()
        guard let p else { return name }
        let n = strlen(p)
        guard n <= 16 else { return name }
        for i in 0..<n { name[i] = p[i] }
        return name
    }

    // MARK: Reading

    func classes(_ node: Int) -> TMeClasses { nodes[node].classes }

    func line(_ node: Int) -> Int { Int(nodes[node].line) }

    func nameIs(_ node: Int, _ name: HTMLScanner.Name) -> Bool { nodes[node].name == name }

    /// Calls `visit` for every element strictly inside `container`, in document order; `visit` returns whether to
    /// walk the element's children.
    func walkElements(inside container: Int, _ visit: (Int) -> Bool) {
        var node = Int(nodes[container].firstChild)
        guard node >= 0 else { return }
        outer: while true {
            let n = nodes[node]
            if !n.isText, visit(node), n.firstChild >= 0 {
                node = Int(n.firstChild)
                continue
            }
            while true {
                let next = nodes[node].next
                if next >= 0 {
                    node = Int(next)
                    continue outer
                }
                let parent = Int(nodes[node].parent)
                guard parent != container, parent >= 0 else { return }
                node = parent
            }
        }
    }

    /// The first element strictly inside `node`, in document order, for which `test` holds.
    func first(below node: Int, where test: (Int) -> Bool) -> Int? {
        var found: Int?
        walkElements(inside: node) { e in
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
    func first(below node: Int, _ classes: TMeClasses) -> Int? {
        first(below: node) { !nodes[$0].classes.isDisjoint(with: classes) }
    }

    /// Whether an element between `node` (excluded) and `top` (excluded) has a class token of `classes`.
    func hasAncestor(_ node: Int, below top: Int, _ classes: TMeClasses) -> Bool {
        var current = Int(nodes[node].parent)
        while current > Self.document, current != top {
            if !nodes[current].classes.isDisjoint(with: classes) { return true }
            current = Int(nodes[current].parent)
        }
        return false
    }

    /// Calls `body` with the first attribute of that name (libxml2's HTML parser drops repeated ones), or nil.
    func withAttribute<R>(_ node: Int, _ name: HTMLScanner.Name, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let n = nodes[node]
        guard !n.isText else { return body(nil) }
        for a in attributes[Int(n.start)..<Int(n.start + n.count)] where a.name == name {
            return bytes.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[Int(a.start)..<Int(a.start + a.count)])) }
        }
        return body(nil)
    }

    func hasAttribute(_ node: Int, _ name: HTMLScanner.Name) -> Bool { withAttribute(node, name) { $0 != nil } }

    func attribute(_ node: Int, _ name: HTMLScanner.Name) -> String? {
        withAttribute(node, name) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// An attribute's value trimmed of white space; nil when absent or blank.
    func trimmedValue(_ node: Int, _ name: HTMLScanner.Name) -> String? {
        attribute(node, name).map(TextScan.trimmed).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The text of `root`'s subtree (`root` included), as the renderer makes it of a libxml2 tree.
    func render(_ root: Int) -> HTMLText.Result {
        var r = Renderer()
        bytes.withUnsafeBufferPointer { storage in
            // Pre/post-order over the flat arrays: each element's `close` after its children.
            func enter(_ i: Int) -> Bool {
                let n = nodes[i]
                if n.isText {
                    r.lastCR = false
                    r.text(UnsafeBufferPointer(rebasing: storage[Int(n.start)..<Int(n.start + n.count)]))
                    return false
                }
                return r.open(n.kind) { wanted in attribute(i, HTMLScanner.Name(wanted)) }
            }
            func leave(_ i: Int) {
                guard !nodes[i].isText else { return }
                r.lastCR = false
                r.close(nodes[i].kind)
            }
            var node = root
            var descend = enter(node)
            while true {
                if descend, nodes[node].firstChild >= 0 {
                    node = Int(nodes[node].firstChild)
                    descend = enter(node)
                    continue
                }
                while true {
                    leave(node)
                    if node == root { return }
                    let next = nodes[node].next
                    if next >= 0 {
                        node = Int(next)
                        descend = enter(node)
                        break
                    }
                    node = Int(nodes[node].parent)
                }
            }
        }
        return r.finish()
    }

    /// The collapsed, trimmed text of a node; nil when none.
    func plainText(_ node: Int?) -> String? {
        guard let node else { return nil }
        let text = render(node).text
        return text.isEmpty ? nil : text
    }
}

/// Reads chunks of a t.me page into one `tree`: by `TMeChunkScanner` where it can, else by libxml2's HTML parser.
final class TMeChunkReader {
    private(set) var tree = TMeTree()
    private var scanner = TMeChunkScanner()
    private let scanning: Bool
    /// One parser context for all chunks: creating one per message (its buffers and name dictionary) was a good
    /// part of the parse time.
    private let parser: htmlParserCtxtPtr

    /// `scanning`: false has libxml2 read every chunk (as the tests compare).
    init?(scanning: Bool = true) {
        guard let parser = htmlNewParserCtxt() else { return nil }
        self.parser = parser
        self.scanning = scanning
    }

    deinit { htmlFreeParserCtxt(parser) }

    /// False when libxml2 makes no document of the chunk.
    func read(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        if scanning, scanner.read(chunk, into: &tree) { return true }
        guard let base = chunk.baseAddress,
            let doc = htmlCtxtReadMemory(
                parser, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(chunk.count), nil, "UTF-8", HTMLText.parseOptions)
        else { return false }
        defer { xmlFreeDoc(doc) }
        tree.load(doc)
        return true
    }
}

/// The class tokens the t.me importer looks for.
struct TMeClasses: OptionSet {
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

    /// The known tokens of a class attribute, split at XML white space (as XPath's normalize-space).
    static func tokens(of value: ArraySlice<UInt8>) -> TMeClasses {
        value.withUnsafeBufferPointer { value in
            guard let base = value.baseAddress else { return [] }
            var result: TMeClasses = []
            let n = value.count
            var i = 0
            while i < n {
                while i < n, isXMLSpace(value[i]) { i += 1 }
                let start = i
                while i < n, !isXMLSpace(value[i]) { i += 1 }
                if i > start { result.formUnion(flag(UnsafeBufferPointer(start: base + start, count: i - start))) }
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
}

/// `"href"` for a name: the importer names elements and attributes as literals.
extension HTMLScanner.Name: ExpressibleByStringLiteral {
    init(stringLiteral value: StaticString) {
        self.init()
        let p = value.utf8Start
        for i in 0..<min(value.utf8CodeUnitCount, 16) { self[i] = p[i] }
    }
}
