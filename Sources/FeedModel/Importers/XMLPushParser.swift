import CLibXML2

/// What `XMLPushParser` reports, as libxml2 gives it: names are pointers into the parser's dictionary (the same
/// pointer for the same name throughout a parse), text is bytes valid only during the call.
protocol SAXDelegate: AnyObject {
    func startElement(_ local: UnsafePointer<UInt8>, _ uri: UnsafePointer<UInt8>?, _ attributes: SAXAttributes)
    func endElement(_ local: UnsafePointer<UInt8>, _ uri: UnsafePointer<UInt8>?)
    func characters(_ text: UnsafeBufferPointer<UInt8>)
    func cdata(_ text: UnsafeBufferPointer<UInt8>)
    /// Every error and warning libxml2 raises (its `xmlParserErrors` code); it recovers and goes on.
    func error(code: Int)
    /// A DOCTYPE declares an entity (one the importer's look at the prolog did not see: after a broken XML
    /// declaration, say).
    func entityDeclared()
}

/// libxml2's SAX2 push parser fed in chunks, in place of Foundation's XMLParser, whose callbacks copy every name,
/// namespace, attribute dictionary and text run into Swift strings. The same options as XMLParser (recover from
/// errors, substitute entities, never load a DTD or an external entity) and the same first four bytes to detect
/// the encoding.
final class XMLPushParser {
    var delegate: SAXDelegate?
    private var context: xmlParserCtxtPtr?
    /// libxml2's look-ahead stops at 10 MB: the input goes in pieces of this size.
    static let chunkSize = 128 * 1024

    var lineNumber: Int { context.map { Int(xmlSAX2GetLineNumber($0)) } ?? 0 }
    var columnNumber: Int { context.map { Int(xmlSAX2GetColumnNumber($0)) } ?? 0 }

    /// Stops the parse: no callback comes after this one returns.
    func abortParsing() {
        if let context { xmlStopParser(context) }
    }

    /// Parses what `input` reads to its end (or until `abortParsing`); false when libxml2 found the document not
    /// well-formed or the parse was stopped. Input shorter than four bytes is not parsed at all.
    func parse(_ input: DataInputStream) -> Bool {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { ctx, local, _, uri, _, _, count, _, attributes in
            guard let ctx, let local else { return }
            let parser = Unmanaged<XMLPushParser>.fromOpaque(ctx).takeUnretainedValue()
            parser.delegate?.startElement(local, uri, SAXAttributes(base: attributes, count: Int(count)))
        }
        handler.endElementNs = { ctx, local, _, uri in
            guard let ctx, let local else { return }
            Unmanaged<XMLPushParser>.fromOpaque(ctx).takeUnretainedValue().delegate?.endElement(local, uri)
        }
        // White space goes where text goes: nothing here is "ignorable".
        let characters: charactersSAXFunc = { ctx, text, length in
            guard let ctx, let text else { return }
            Unmanaged<XMLPushParser>.fromOpaque(ctx).takeUnretainedValue().delegate?
                .characters(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        handler.characters = characters
        handler.ignorableWhitespace = characters
        handler.cdataBlock = { ctx, text, length in
            guard let ctx, let text else { return }
            Unmanaged<XMLPushParser>.fromOpaque(ctx).takeUnretainedValue().delegate?
                .cdata(UnsafeBufferPointer(start: text, count: Int(length)))
        }
        handler.entityDecl = { ctx, _, _, _, _, _ in
            guard let ctx else { return }
            Unmanaged<XMLPushParser>.fromOpaque(ctx).takeUnretainedValue().delegate?.entityDeclared()
        }
        handler.serror = { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<XMLPushParser>.fromOpaque(ctx).takeUnretainedValue().delegate?.error(code: Int(error.pointee.code))
        }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: XMLPushParser.chunkSize)
        defer { buffer.deallocate() }
        var ok = true
        var head: [UInt8] = []
        while true {
            let n = input.read(buffer, maxLength: XMLPushParser.chunkSize)
            guard n > 0 else { break }
            var start = 0
            if context == nil {
                // The parser is made with the first four bytes, from which it tells the encoding.
                while head.count < 4, start < n {
                    head.append(buffer[start])
                    start += 1
                }
                guard head.count == 4 else { continue }
                context = head.withUnsafeBufferPointer {
                    $0.withMemoryRebound(to: CChar.self) {
                        xmlCreatePushParserCtxt(&handler, Unmanaged.passUnretained(self).toOpaque(), $0.baseAddress, 4, nil)
                    }
                }
                guard let context else { return false }
                xmlCtxtUseOptions(context, Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NOENT.rawValue))
            }
            guard let context else { continue }
            let result = (buffer + start).withMemoryRebound(to: CChar.self, capacity: n - start) {
                xmlParseChunk(context, $0, Int32(n - start), 0)
            }
            if result != 0 { ok = false }
            // Stopped (by the delegate, or libxml2 halted at an error it cannot read past): nothing more comes.
            if context.pointee.instate == XML_PARSER_EOF { break }
        }
        if let context {
            if context.pointee.instate != XML_PARSER_EOF, xmlParseChunk(context, nil, 0, 1) != 0 { ok = false }
            // A DOCTYPE with an internal subset makes libxml2's SAX2 handlers start a document to hold it, which
            // the context does not free (found by the rss fuzz target's leak check).
            if let document = context.pointee.myDoc {
                xmlFreeDoc(document)
                context.pointee.myDoc = nil
            }
            xmlFreeParserCtxt(context)
            self.context = nil
        }
        return ok
    }
}

/// The attributes of a start tag, read in place: a value becomes a string only when asked for by name.
struct SAXAttributes {
    /// libxml2's five pointers per attribute: local name, prefix, namespace, value, end of the value.
    let base: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
    let count: Int

    var isEmpty: Bool { count == 0 }

    /// The value of the attribute named `name` as written with its prefix ("type", "xml:base", "rdf:about"); the
    /// last one when a tag repeats it.
    subscript(_ name: StaticString) -> String? {
        guard let base else { return nil }
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        let colon = wanted.firstIndex(of: UInt8(ascii: ":"))
        var found: String?
        for i in 0..<count {
            let a = base + 5 * i
            guard let local = a[0] else { continue }
            let matches: Bool
            if let colon {
                guard let prefix = a[1] else { continue }
                matches = SAXAttributes.equal(prefix, UnsafeBufferPointer(rebasing: wanted[..<colon]))
                    && SAXAttributes.equal(local, UnsafeBufferPointer(rebasing: wanted[(colon + 1)...]))
            } else {
                matches = (a[1] == nil || a[1]?.pointee == 0) && SAXAttributes.equal(local, wanted)
            }
            if matches { found = SAXAttributes.value(a) }
        }
        return found
    }

    /// Every attribute as (name with its prefix, value).
    var all: [(name: String, value: String)] {
        guard let base else { return [] }
        return (0..<count).compactMap { i in
            let a = base + 5 * i
            guard let local = a[0] else { return nil }
            let name = String(cString: local)
            guard let prefix = a[1], prefix.pointee != 0 else { return (name, SAXAttributes.value(a)) }
            return (String(cString: prefix) + ":" + name, SAXAttributes.value(a))
        }
    }

    private static func value(_ a: UnsafeMutablePointer<UnsafePointer<UInt8>?>) -> String {
        guard let start = a[3], let end = a[4], end > start else { return "" }
        return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
    }

    /// A NUL-terminated name against the bytes of another.
    private static func equal(_ s: UnsafePointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for (i, b) in bytes.enumerated() where s[i] != b { return false }
        return s[bytes.count] == 0
    }
}
