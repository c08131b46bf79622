import CLibXML2

/// Builds the tree libxml2's HTML parser builds of one message chunk of a t.me page — implied `html` and `body`,
/// elements closed in order or by the start tags that close them, quoted or bare attributes, references, text —
/// without libxml2, which read a byte at a time and took most of the import. At
/// anything it does not repeat exactly (an end tag out of order, a comment, `<script>`, a CR or another control,
/// an element libxml2 reads its own way…) it gives up and the caller has libxml2 read the chunk: the tree is
/// libxml2's either way (`TMeChunkScannerTests` compare both on every chunk of the fixtures and on damaged ones).
/// Tags, attributes, references and runs of text are read by `HTMLScanner`'s own functions.
struct TMeChunkScanner {
    private typealias Name = HTMLScanner.Name

    /// Names libxml2 does not know, met before, with their kind.
    private var unknown: [Name: Renderer.Kind] = [:]
    private var scratch: [UInt8] = []

    /// `HTMLScanner.elements` by name.
    private static let known: [Name: Int] = Dictionary(
        HTMLScanner.elements.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })

    private static let html = Name("html"), body = Name("body")

    /// Fills `tree` with the chunk's tree; false where libxml2 must read it (the tree is then left half built).
    mutating func read(_ chunk: UnsafeBufferPointer<UInt8>, into tree: inout TMeTree) -> Bool {
        tree.clear()
        // No message is this long; past it libxml2's limits (10 MB in one text node) could make its tree another.
        guard chunk.count < 1_000_000 else { return false }
        var s = HTMLScanner(text: chunk)
        let n = chunk.count
        /// Open elements: node in `tree`, place in `HTMLScanner.elements` (-1: unknown to libxml2 or implied).
        var open: [(node: Int, element: Int, name: Name)] = []
        var lines = LineCounter()
        while s.at < n, Self.isBlank(chunk[s.at]) { s.at += 1 }
        // A chunk starts with its element: text or anything else before it is libxml2's.
        guard s.at + 1 < n, chunk[s.at] == UInt8(ascii: "<"), Self.isLetter(chunk[s.at + 1]) else { return false }
        while s.at < n {
            switch chunk[s.at] {
            case UInt8(ascii: "<"):
                guard s.at + 1 < n else { return false }
                let next = chunk[s.at + 1]
                if Self.isLetter(next) {
                    s.at += 1
                    guard let name = s.tagName() else { return false }
                    let element: Int
                    let kind: Renderer.Kind
                    if let i = Self.known[name] {
                        element = i
                        kind = HTMLScanner.elements[i].kind
                    } else if let k = unknownKind(name) {
                        element = -1
                        kind = k
                    } else {
                        return false
                    }
                    if open.isEmpty {
                        // libxml2 implies `html` and `body` at the first element, on its line.
                        let line = lines.line(at: s.at, in: chunk)
                        let root = tree.appendElement(Self.html, kind: .line, parent: TMeTree.document, firstAttribute: tree.attributeMark, line: line)
                        open.append((root, -1, Self.html))
                        let body = tree.appendElement(Self.body, kind: .line, parent: root, firstAttribute: tree.attributeMark, line: line)
                        open.append((body, -1, Self.body))
                    }
                    // The elements this one closes, as libxml2 closes them (`<p>` ends an open `<p>`), down to `body`.
                    while let top = open.last, top.element >= 0, HTMLScanner.elements[top.element].isClosed(by: element) {
                        open.removeLast()
                    }
                    guard open.count < 200, open.count > 2 || !HTMLScanner.closingBody.contains(element) else { return false }
                    let firstAttribute = tree.attributeMark
                    var closed = false
                    while true {
                        while s.at < n, Self.isBlank(chunk[s.at]) { s.at += 1 }
                        guard s.at < n else { return false }
                        if chunk[s.at] == UInt8(ascii: ">") {
                            s.at += 1
                            break
                        }
                        if chunk[s.at] == UInt8(ascii: "/") {
                            guard s.at + 1 < n, chunk[s.at + 1] == UInt8(ascii: ">") else { return false }
                            s.at += 2
                            closed = true
                            break
                        }
                        // libxml2 drops a repeated attribute: not repeated here.
                        guard let attribute = s.tagName(), !tree.hasAttribute(attribute, since: firstAttribute) else { return false }
                        while s.at < n, Self.isBlank(chunk[s.at]) { s.at += 1 }
                        guard s.at < n, chunk[s.at] == UInt8(ascii: "=") else {
                            tree.addAttribute(attribute, UnsafeBufferPointer(start: nil, count: 0))
                            continue
                        }
                        s.at += 1
                        while s.at < n, Self.isBlank(chunk[s.at]) { s.at += 1 }
                        if let end = Self.plainQuotedValueEnd(chunk, at: s.at) {
                            tree.addAttribute(attribute, UnsafeBufferPointer(rebasing: chunk[(s.at + 1)..<end]))
                            s.at = end + 1
                        } else {
                            guard let value = s.attributeValue() else { return false }
                            value.withUnsafeBufferPointer { tree.addAttribute(attribute, $0) }
                        }
                    }
                    // libxml2 makes the element at the end of its start tag, on that line.
                    let line = lines.line(at: s.at - 1, in: chunk)
                    guard line < 65535, let parent = open.last?.node else { return false }
                    let node = tree.appendElement(name, kind: kind, parent: parent, firstAttribute: firstAttribute, line: line)
                    if !closed, element < 0 || !HTMLScanner.elements[element].void { open.append((node, element, name)) }
                } else if next == UInt8(ascii: "/") {
                    // `</name>` of the element open last, below `body`; any other is libxml2's.
                    s.at += 2
                    guard let name = s.tagName() else { return false }
                    while s.at < n, Self.isBlank(chunk[s.at]) { s.at += 1 }
                    guard s.at < n, chunk[s.at] == UInt8(ascii: ">"), open.count > 2, open.last?.name == name else { return false }
                    s.at += 1
                    open.removeLast()
                } else {
                    return false
                }
            case UInt8(ascii: "&"):
                guard let top = open.last else { return false }
                scratch.removeAll(keepingCapacity: true)
                guard s.reference(into: &scratch) else { return false }
                scratch.withUnsafeBufferPointer { tree.appendText($0, parent: top.node) }
            default:
                guard let top = open.last else { return false }
                let start = s.at
                guard s.textRun() else { return false }
                // Blank runs too: building a tree that keeps blanks, libxml2 hands them over as text.
                tree.appendText(UnsafeBufferPointer(rebasing: chunk[start..<s.at]), parent: top.node)
            }
        }
        return true
    }

    /// The kind of an element libxml2 does not know; nil for one it knows that is not read here.
    private mutating func unknownKind(_ name: Name) -> Renderer.Kind? {
        if let kind = unknown[name] { return kind }
        var bytes = name.bytes + [0]
        guard bytes.withUnsafeMutableBufferPointer({ htmlTagLookup($0.baseAddress) == nil }) else { return nil }
        let kind = Renderer.kinds[String(decoding: name.bytes, as: UTF8.self)] ?? .inline
        unknown[name] = kind
        return kind
    }

    /// The closing quote of a quoted value at `at` that holds no reference and no control: its bytes are the
    /// value, as `HTMLScanner.attributeValue` reads it without copying them one at a time (svg paths are long).
    private static func plainQuotedValueEnd(_ b: UnsafeBufferPointer<UInt8>, at: Int) -> Int? {
        let n = b.count
        guard at < n, b[at] == UInt8(ascii: "\"") || b[at] == UInt8(ascii: "'") else { return nil }
        let quote = b[at]
        var i = at + 1
        if let base = b.baseAddress {
            while i + 8 <= n {
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if ByteWord.has(x, quote) || ByteWord.has(x, UInt8(ascii: "&")) || ByteWord.hasBelow(x, 0x20) { break }
                i += 8
            }
        }
        while i < n {
            let c = b[i]
            if c == quote { return i }
            if c == UInt8(ascii: "&") || (c < 0x20 && c != 0x09 && c != 0x0A) { return nil }
            i += 1
        }
        return nil
    }

    private static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A }
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    /// Line numbers as libxml2 counts them (from 1, at line feeds), for positions met in order.
    private struct LineCounter {
        var line = 1
        var counted = 0

        mutating func line(at position: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
            if position > counted {
                for c in UnsafeBufferPointer(rebasing: b[counted..<position]) where c == 0x0A { line += 1 }
                counted = position
            }
            return line
        }
    }
}
