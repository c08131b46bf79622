import CLibXML2

/// A fast reading of the HTML most feed bodies hold — known elements closed in order, quoted or bare attributes,
/// entities, text — handing the renderer exactly the events libxml2's HTML parser would (its implied `html`,
/// `body` and `p` included). libxml2 reads a byte at a time and took ~40% of a feed's reading; this reads runs.
/// At anything whose reading by libxml2 it does not repeat exactly (an element closed out of order, `<pre>`,
/// `<script>`, a reference to no character, a CR or another control, a DOCTYPE…) it gives up, and the caller has
/// libxml2 read the whole text: the result is libxml2's either way (`testTheScannerReadsAsLibxml2`, and the html
/// fuzz target on every input).
struct HTMLScanner {
    /// A lower-case tag name of at most 16 ASCII bytes, packed.
    struct Name: Hashable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        init(_ name: String) {
            for (i, b) in name.utf8.enumerated() { self[i] = b }
        }

        init() {}

        var bytes: [UInt8] { (0..<16).map { self[$0] }.prefix { $0 != 0 } }

        subscript(i: Int) -> UInt8 {
            get { UInt8(truncatingIfNeeded: (i < 8 ? low : high) >> (8 * UInt64(i & 7))) }
            set {
                if i < 8 { low |= UInt64(newValue) << (8 * UInt64(i)) } else { high |= UInt64(newValue) << (8 * UInt64(i & 7)) }
            }
        }
    }

    /// What libxml2 says of an element the scanner reads.
    struct Element {
        var name: Name
        var kind: Renderer.Kind
        /// Ends as it starts (`<br>`, `<img>`): libxml2 closes it at once.
        var void: Bool
        /// The elements (bits by their place in `elements`) whose start tag closes this one when it is the one
        /// open (`<p>` closes a `<p>`).
        var closedBy: (UInt64, UInt64) = (0, 0)

        func isClosed(by index: Int) -> Bool {
            index >= 0 && (index < 64 ? closedBy.0 >> UInt64(index) : closedBy.1 >> UInt64(index - 64)) & 1 != 0
        }
    }

    /// The elements read here: those of feed bodies (at most 128). Any other one libxml2 knows (`html`, `head`,
    /// `body`, `script`, `style`, `pre`, `textarea`, `title`, `meta`, `form`…, some of which it reads its own way)
    /// leaves the text to libxml2; one it does not know is read as libxml2 reads it, closing nothing and closed by
    /// nothing (the renderer still knows some: `<math>` and `<template>` are skipped).
    static let elements: [Element] = {
        let names = [
            "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote",
            "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
            "em", "embed", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
            "iframe", "img", "ins", "kbd", "label", "li", "main", "map", "mark", "menu", "nav", "noscript", "object", "ol",
            "p", "param", "picture", "q", "s", "samp", "section", "small", "source", "span", "strike", "strong", "sub",
            "summary", "sup", "svg", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var",
            "video", "wbr",
        ]
        htmlInitAutoClose()
        return names.map { name in
            var element = Element(
                name: Name(name), kind: Renderer.kinds[name] ?? .inline,
                void: name.withCString { htmlTagLookup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self))?.pointee.empty ?? 0 } != 0)
            for (i, other) in names.enumerated() where closes(other, name) {
                if i < 64 { element.closedBy.0 |= 1 << UInt64(i) } else { element.closedBy.1 |= 1 << UInt64(i - 64) }
            }
            return element
        }
    }()

    /// The elements whose start tag closes an open `body` (by their place in `elements`).
    static let closingBody: Set<Int> = Set(elements.indices.filter { closes(String(decoding: elements[$0].name.bytes, as: UTF8.self), "body") })

    /// `elements` by name: open addressing on the packed name (a Dictionary hashed every tag: 5% of a reading).
    private static let slots: [Int8] = {
        var slots = [Int8](repeating: -1, count: slotCount)
        for (i, element) in elements.enumerated() {
            var slot = slot(of: element.name)
            while slots[slot] >= 0 { slot = (slot + 1) & (slotCount - 1) }
            slots[slot] = Int8(i)
        }
        return slots
    }()

    private static let slotCount = 512

    private static func slot(of name: Name) -> Int {
        Int(truncatingIfNeeded: ((name.low ^ name.high &* 0xC2B2_AE3D_27D4_EB4F) &* 0x9E37_79B9_7F4A_7C15) >> 55)
    }

    /// The place in `elements` of the element of this name; `unknown` for one libxml2 does not know; nil for one it
    /// knows that is not read here.
    private static func element(_ name: Name) -> Int? {
        var slot = slot(of: name)
        while slots[slot] >= 0 {
            let i = Int(slots[slot])
            if elements[i].name == name { return i }
            slot = (slot + 1) & (slotCount - 1)
        }
        var bytes = name.bytes + [0]
        return bytes.withUnsafeMutableBufferPointer { htmlTagLookup($0.baseAddress) == nil } ? unknown : nil
    }

    private static let unknown = -1

    /// Whether libxml2 closes an open `old` at the start tag of `new`: its own table (`htmlAutoCloseTag` asks
    /// whether an element named `new` closes `old`); for the same name, which that function does not answer, a
    /// tiny document read by libxml2 itself.
    private static func closes(_ new: String, _ old: String) -> Bool {
        guard new == old else {
            return new.withCString { newName in
                old.withCString { oldName in
                    var node = xmlNode()
                    node.name = UnsafeRawPointer(newName).assumingMemoryBound(to: xmlChar.self)
                    return htmlAutoCloseTag(nil, UnsafeRawPointer(oldName).assumingMemoryBound(to: xmlChar.self), &node) != 0
                }
            }
        }
        var events: [String] = []
        var handler = htmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElement = { ctx, name, _ in
            guard let ctx, let name else { return }
            ctx.assumingMemoryBound(to: [String].self).pointee.append("+" + String(cString: name))
        }
        handler.endElement = { ctx, name in
            guard let ctx, let name else { return }
            ctx.assumingMemoryBound(to: [String].self).pointee.append("-" + String(cString: name))
        }
        handler.serror = { _, _ in }
        let document = Array("<\(old)><\(new)>".utf8) + [0]
        withUnsafeMutablePointer(to: &handler) { sax in
            withUnsafeMutablePointer(to: &events) { events in
                document.withUnsafeBufferPointer { bytes in
                    guard let text = bytes.baseAddress else { return }
                    let doc = htmlSAXParseDoc(UnsafeMutablePointer(mutating: text), "UTF-8", sax, UnsafeMutableRawPointer(events))
                    if let doc { xmlFreeDoc(doc) }
                }
            }
        }
        guard let first = events.firstIndex(of: "+" + old), let opened = events[(first + 1)...].firstIndex(of: "+" + new) else { return true }
        return events[first..<opened].contains("-" + old)
    }

    /// Entity names (at most 8 bytes, packed) and their characters, as libxml2's HTML parser knows them.
    static let entities: [UInt64: UInt32] = {
        var table: [UInt64: UInt32] = [:]
        for value in UInt32(1)..<0x2800 {
            guard let entity = htmlEntityValueLookup(value), let name = entity.pointee.name else { continue }
            let bytes = Array(String(cString: name).utf8)
            guard bytes.count <= 8 else { continue }
            var key: UInt64 = 0
            for (i, b) in bytes.enumerated() { key |= UInt64(b) << (8 * UInt64(i)) }
            table[key] = entity.pointee.value
        }
        return table
    }()

    /// Reads `text` into `renderer`; false where libxml2 must read it instead (the renderer is then left half fed).
    static func render(_ text: UnsafeBufferPointer<UInt8>, into renderer: inout Renderer) -> Bool {
        var scanner = HTMLScanner(text: text)
        return scanner.run(&renderer)
    }

    private let b: UnsafeBufferPointer<UInt8>
    var at = 0
    /// The elements open, the implied `html` and `body` first: their names and places in `elements` (`unknown`,
    /// or `implied` for those two).
    private var open: [(name: Name, element: Int, kind: Renderer.Kind)] = []
    /// The attributes of the start tag read last, their values where they lie (`attributeValue(decodingInto:)`) and
    /// the values with references decoded: kept from tag to tag (an array and a value each, made for every tag,
    /// were ~1% of an import).
    private var attributes: [(name: Name, value: AttributeValue?)] = []
    private var decoded: [UInt8] = []

    /// An attribute's value: bytes of the text as they are, or of `decoded`.
    struct AttributeValue {
        var range: Range<Int>
        var isDecoded: Bool
    }

    init(text: UnsafeBufferPointer<UInt8>) { b = text }

    private static let html = Name("html"), body = Name("body"), paragraph = Name("p")
    private static let implied = -2
    private static let p = elements.firstIndex { $0.name == paragraph } ?? unknown

    private mutating func run(_ r: inout Renderer) -> Bool {
        let n = b.count
        // libxml2 skips the blanks before the document.
        while at < n, isBlank(b[at]) { at += 1 }
        while at < n {
            switch b[at] {
            case UInt8(ascii: "<"):
                guard at + 1 < n else { return false }
                let next = b[at + 1]
                if isLetter(next) {
                    guard startTag(&r) else { return false }
                } else if next == UInt8(ascii: "/") {
                    guard endTag(&r) else { return false }
                } else if next == UInt8(ascii: "!") {
                    guard comment(&r) else { return false }
                } else if next == UInt8(ascii: "?") || next >= 0x80 {
                    return false
                } else {
                    // "1 < 2": libxml2 hands the `<` over as text, opening no implied element for it.
                    at += 1
                    withUnsafeBytes(of: UInt8(ascii: "<")) { r.characters($0.bindMemory(to: UInt8.self)) }
                }
            case UInt8(ascii: "&"):
                guard reference(&r) else { return false }
            default:
                guard text(&r) else { return false }
            }
        }
        // libxml2 closes what is open at the end, implied elements included.
        while let last = open.popLast() { r.end(last.kind) }
        return true
    }

    /// A run of text up to the next `<` or `&`.
    private mutating func text(_ r: inout Renderer) -> Bool {
        let n = b.count
        let start = at
        guard textRun() else { return false }
        let run = UnsafeBufferPointer(rebasing: b[start..<at])
        // Blanks before the end or before the first element are dropped by libxml2 (`areBlanks`).
        if at == n || open.isEmpty && b[at] == UInt8(ascii: "<"), run.allSatisfy(isBlank) { return true }
        characters(run, &r)
        return true
    }

    /// Moves to the end of a run of text (the next `<`, `&` or the end); false at a byte libxml2 reads its own way.
    mutating func textRun() -> Bool {
        let n = b.count
        while at < n {
            // Eight bytes at a time while none is `<`, `&`, a control or the lead byte of U+FFFE / U+FFFF.
            if let base = b.baseAddress {
                while at + 8 <= n {
                    let x = UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self)
                    if ByteWord.has(x, UInt8(ascii: "<")) || ByteWord.has(x, UInt8(ascii: "&")) || ByteWord.has(x, 0xEF) || ByteWord.hasBelow(x, 0x20) {
                        break
                    }
                    at += 8
                }
            }
            guard at < n else { break }
            let c = b[at]
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") { break }
            if c < 0x20 {
                // A control libxml2 drops, a CR it turns into a line feed: its way, not repeated here.
                guard c == 0x09 || c == 0x0A else { return false }
            } else if c == 0xEF, at + 2 < n, b[at + 1] == 0xBF, b[at + 2] >= 0xBE {
                return false  // U+FFFE, U+FFFF: not characters to libxml2
            }
            at += 1
        }
        return true
    }

    /// Text as libxml2 hands it over: text outside every element first opens the implied `html`, `body`, `p`.
    private mutating func characters(_ bytes: UnsafeBufferPointer<UInt8>, _ r: inout Renderer) {
        if open.isEmpty {
            implyBody(&r)
            open.append((Self.paragraph, Self.p, .paragraph))
            r.start(.paragraph) { _ in nil }
        }
        r.characters(bytes)
    }

    private mutating func implyBody(_ r: inout Renderer) {
        open.append((Self.html, Self.implied, .line))
        r.start(.line) { _ in nil }
        open.append((Self.body, Self.implied, .line))
        r.start(.line) { _ in nil }
    }

    /// A reference: `&name;` of a known entity or `&#…;`, decoded; as libxml2 reads them, a `&` starting no name is
    /// itself, and a name that is no known entity, or one not ended by `;`, is itself with its `&`.
    private mutating func reference(_ r: inout Renderer) -> Bool {
        var value: [UInt8] = []
        guard self.reference(into: &value) else { return false }
        value.withUnsafeBufferPointer { characters($0, &r) }
        return true
    }

    /// Appends what the reference at `at` stands for (moving past it); false where libxml2's reading is not
    /// repeated here (a character reference without `;` or of no character, a name of other characters).
    mutating func reference(into out: inout [UInt8]) -> Bool {
        let n = b.count
        at += 1
        guard at < n else { return false }
        if b[at] == UInt8(ascii: "#") {
            at += 1
            let hex = at < n && (b[at] == UInt8(ascii: "x") || b[at] == UInt8(ascii: "X"))
            if hex { at += 1 }
            var value: UInt32 = 0
            var digits = 0
            while at < n, digits < 8, let d = digit(b[at], hex: hex) {
                value = value * (hex ? 16 : 10) + d
                digits += 1
                at += 1
            }
            guard digits > 0, digits < 8, at < n, b[at] == UInt8(ascii: ";") else { return false }
            at += 1
            // A character to libxml2 (`IS_CHAR`), CR aside.
            switch value {
            case 0x09, 0x0A, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: encode(value, into: &out)
            default: return false
            }
            return true
        }
        let start = at
        var key: UInt64 = 0
        while at < n, at - start <= 8, isLetter(b[at]) || (at > start && b[at] >= 0x30 && b[at] <= 0x39) {
            key |= UInt64(b[at]) << (8 * UInt64(at - start))
            at += 1
        }
        let length = at - start
        guard at < n, length <= 8 else { return false }
        // What ends the name must end it for libxml2 too (its names also take `.`, `-`, `_`, `:` and letters
        // beyond ASCII).
        let end = b[at]
        guard end < 0x80, end != UInt8(ascii: "."), end != UInt8(ascii: "-"), end != UInt8(ascii: "_"), end != UInt8(ascii: ":") else {
            return false
        }
        if length > 0, end == UInt8(ascii: ";"), let known = Self.entities[key] {
            at += 1
            encode(known, into: &out)
        } else {
            // A name must start with a letter: `&1` is `&`, then text.
            guard length > 0 || !(end >= 0x30 && end <= 0x39) else { return false }
            out.append(UInt8(ascii: "&"))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<at]))
        }
        return true
    }

    private func digit(_ c: UInt8, hex: Bool) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x61...0x66 where hex: UInt32(c - 0x61 + 10)
        case 0x41...0x46 where hex: UInt32(c - 0x41 + 10)
        default: nil
        }
    }

    /// An element's start tag, its attributes read and decoded; the renderer asks for them by name.
    private mutating func startTag(_ r: inout Renderer) -> Bool {
        at += 1
        guard let name = tagName(), let index = Self.element(name) else { return false }
        let element = index >= 0 ? Self.elements[index] : Element(name: name, kind: Renderer.kinds[String(decoding: name.bytes, as: UTF8.self)] ?? .inline, void: false)
        attributes.removeAll(keepingCapacity: true)
        // Out of `self` while values are decoded into it (an argument of a mutating method must not be a part of self).
        var decoded: [UInt8] = []
        swap(&decoded, &self.decoded)
        decoded.removeAll(keepingCapacity: true)
        defer { self.decoded = decoded }
        var closed = false
        while true {
            while at < b.count, isBlank(b[at]) { at += 1 }
            guard at < b.count else { return false }
            if b[at] == UInt8(ascii: ">") {
                at += 1
                break
            }
            if b[at] == UInt8(ascii: "/") {
                guard at + 1 < b.count, b[at + 1] == UInt8(ascii: ">") else { return false }
                at += 2
                closed = true
                break
            }
            guard let attribute = tagName(), !attributes.contains(where: { $0.name == attribute }) else { return false }
            while at < b.count, isBlank(b[at]) { at += 1 }
            guard at < b.count, b[at] == UInt8(ascii: "=") else {
                attributes.append((attribute, nil))
                continue
            }
            at += 1
            while at < b.count, isBlank(b[at]) { at += 1 }
            guard let value = attributeValue(decodingInto: &decoded) else { return false }
            attributes.append((attribute, value))
        }
        if open.isEmpty { implyBody(&r) }
        // The elements this one closes, as libxml2 closes them (`<p>` ends an open `<p>`), down to `body`.
        while let top = open.last, top.element >= 0, Self.elements[top.element].isClosed(by: index) {
            open.removeLast()
            r.end(top.kind)
        }
        guard open.count < 200, open.last?.name != Self.body || !Self.closingBody.contains(index) else { return false }
        open.append((name, index, element.kind))
        let (attributes, b) = (attributes, b)
        r.start(element.kind) { wanted in
            let key = Name(wanted)
            guard let found = attributes.first(where: { $0.name == key }) else { return nil }
            guard let value = found.value else { return "" }
            if value.isDecoded { return String(decoding: decoded[value.range], as: UTF8.self) }
            return String(decoding: UnsafeBufferPointer(rebasing: b[value.range]), as: UTF8.self)
        }
        if closed || element.void {
            open.removeLast()
            r.end(element.kind)
        }
        return true
    }

    /// `<!-- … -->`: nothing, as a comment splits the text around it (`Renderer.lastCR`); blanks after one before
    /// the document are skipped, as libxml2 skips them. Any other `<!` (a DOCTYPE, CDATA) is left to libxml2.
    private mutating func comment(_ r: inout Renderer) -> Bool {
        let n = b.count
        guard at + 4 <= n, b[at + 2] == UInt8(ascii: "-"), b[at + 3] == UInt8(ascii: "-") else { return false }
        var i = at + 4
        // "-->" ends it; "--" anywhere else, or `<!-->`, libxml2 reads its own way.
        while i + 1 < n, !(b[i] == UInt8(ascii: "-") && b[i + 1] == UInt8(ascii: "-")) {
            guard b[i] >= 0x20 || b[i] == 0x09 || b[i] == 0x0A else { return false }
            i += 1
        }
        guard i > at + 4, i + 2 < n, b[i + 2] == UInt8(ascii: ">") else { return false }
        at = i + 3
        r.lastCR = false
        if open.isEmpty { while at < n, isBlank(b[at]) { at += 1 } }
        return true
    }

    /// `</name>` of the element open last; one of no open element, which libxml2 drops (the second `</a>` after
    /// an `<a>` that a second `<a>` closed), is dropped. Any other (of an element open further down, `</p>`, `</br>`…)
    /// is left to libxml2.
    private mutating func endTag(_ r: inout Renderer) -> Bool {
        at += 2
        guard let name = tagName(), open.count > 2 else { return false }
        while at < b.count, isBlank(b[at]) { at += 1 }
        guard at < b.count, b[at] == UInt8(ascii: ">") else { return false }
        at += 1
        if let top = open.last, top.name == name {
            open.removeLast()
            r.end(top.kind)
            return true
        }
        guard let index = Self.element(name), index >= 0, index != Self.p, !Self.elements[index].void, !open.contains(where: { $0.name == name })
        else { return false }
        return true
    }

    /// A tag or attribute name at `at`, lower-cased as libxml2 does: letters, digits and `-`, at most 16.
    mutating func tagName() -> Name? {
        var name = Name()
        var length = 0
        while at < b.count {
            var c = b[at]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            guard (c >= 0x61 && c <= 0x7A) || (length > 0 && ((c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-"))) else { break }
            guard length < 16 else { return nil }
            name[length] = c
            length += 1
            at += 1
        }
        // A name ended by a character libxml2 takes in names (`:`, `_`, `.`) or by anything else odd.
        guard length > 0, at < b.count else { return nil }
        let c = b[at]
        guard isBlank(c) || c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=") else { return nil }
        return name
    }

    /// A quoted or bare attribute value, its references decoded.
    mutating func attributeValue() -> [UInt8]? {
        var decoded: [UInt8] = []
        guard let value = attributeValue(decodingInto: &decoded) else { return nil }
        return value.isDecoded ? Array(decoded[value.range]) : Array(b[value.range])
    }

    /// The attribute value at `at` (moving past it): where it lies in the text, or, when it holds references, where
    /// it was appended to `decoded` with them decoded; nil where libxml2 must read it.
    mutating func attributeValue(decodingInto decoded: inout [UInt8]) -> AttributeValue? {
        guard at < b.count else { return nil }
        let quote = b[at]
        let quoted = quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'")
        if quoted { at += 1 }
        let start = at
        let decodedStart = decoded.count
        var hasReference = false
        // Appended a run at a time, up to each reference (byte by byte, growing the array, was 3% of a reading).
        var run = at
        while at < b.count {
            let c = b[at]
            if quoted ? c == quote : (isBlank(c) || c == UInt8(ascii: ">")) { break }
            if c < 0x20 && c != 0x09 && c != 0x0A { return nil }
            if c == UInt8(ascii: "&") {
                hasReference = true
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<at]))
                guard reference(into: &decoded) else { return nil }
                run = at
                continue
            }
            at += 1
        }
        let value: AttributeValue
        if hasReference {
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<at]))
            value = AttributeValue(range: decodedStart..<decoded.count, isDecoded: true)
        } else {
            value = AttributeValue(range: start..<at, isDecoded: false)
        }
        guard at < b.count, !value.range.isEmpty || quoted else { return nil }
        if quoted { at += 1 }
        return value
    }

    private func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A }
    private func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    private func encode(_ value: UInt32, into out: inout [UInt8]) {
        switch value {
        case ..<0x80: out.append(UInt8(value))
        case ..<0x800: out += [UInt8(0xC0 | value >> 6), UInt8(0x80 | value & 0x3F)]
        case ..<0x10000: out += [UInt8(0xE0 | value >> 12), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
        default:
            out += [UInt8(0xF0 | value >> 18), UInt8(0x80 | value >> 12 & 0x3F), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
        }
    }
}
