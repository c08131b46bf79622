import Foundation

// A streaming JSON reader over raw bytes, used by the Telegram Desktop importer: Foundation's JSONSerialization
// took 6.9 s and 2.5 GB on a 100 MB export and gives neither line numbers nor the messages before a cut.
/// A parsed value. Integers that fit Int64 are kept exact; other numbers keep their text.
enum JSON {
    case null
    case bool(Bool)
    case int(Int64)
    case number(String)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var int: Int64? {
        switch self {
        case .int(let n): n
        case .string(let s): Int64(s)
        default: nil
        }
    }

    var numberText: String? {
        switch self {
        case .int(let n): String(n)
        case .number(let s): s
        default: nil
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

struct ParseFailure: Error {
    var message: String
    var line: Int
    var column: Int
    /// The data ended inside a value: a truncated file rather than a wrong byte.
    var atEnd: Bool
}

/// Reads JSON from bytes, counting lines as it goes. Strings are decoded leniently: invalid UTF-8 and lone
/// surrogate escapes become U+FFFD, as a reader of a damaged export would want.
struct JSONReader {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    var line = 1
    var lineStart = 0

    static let maxDepth = 256
    /// Values found nested deeper than `maxDepth`: passed over without recursion (read as null); the importers
    /// skip the post that holds one and read on.
    var tooDeep = 0

    var atEnd: Bool { i >= n }
    var peek: UInt8? { i < n ? p[i] : nil }

    func failure(_ message: String) -> ParseFailure {
        ParseFailure(message: message, line: line, column: i - lineStart + 1, atEnd: i >= n)
    }

    func unexpected(_ expected: String) -> ParseFailure {
        guard i < n else { return failure("the file ends where \(expected) was expected") }
        let c = p[i]
        let shown = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : String(format: "byte 0x%02X", c)
        return failure("expected \(expected), found \(shown)")
    }

    mutating func skipBOM() {
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
    }

    mutating func skipWS() {
        while i < n {
            let c = p[i]
            if c == 0x20 || c == 0x09 || c == 0x0D {
                i += 1
            } else if c == 0x0A {
                i += 1
                line += 1
                lineStart = i
            } else {
                return
            }
        }
    }

    /// After `{` or a member: the next key (with the reader at its value), or nil at `}`.
    mutating func nextKey(first: inout Bool) throws(ParseFailure) -> String? {
        guard try atNextKey(first: &first) else { return nil }
        let key = try string()
        try pastColon()
        return key
    }

    /// `nextKey` without decoding the key.
    private mutating func nextKeyRaw(first: inout Bool) throws(ParseFailure) -> Bool {
        guard try atNextKey(first: &first) else { return false }
        try skipString()
        try pastColon()
        return true
    }

    /// Past `}` (false), or at the opening quote of the next key (true).
    private mutating func atNextKey(first: inout Bool) throws(ParseFailure) -> Bool {
        skipWS()
        guard i < n else { throw unexpected("a key or '}'") }
        if p[i] == UInt8(ascii: "}") {
            i += 1
            return false
        }
        if !first {
            guard p[i] == UInt8(ascii: ",") else { throw unexpected("',' or '}'") }
            i += 1
            skipWS()
        }
        first = false
        guard i < n, p[i] == UInt8(ascii: "\"") else { throw unexpected("a key string") }
        return true
    }

    private mutating func pastColon() throws(ParseFailure) {
        skipWS()
        guard i < n, p[i] == UInt8(ascii: ":") else { throw unexpected("':'") }
        i += 1
        skipWS()
    }

    /// After `[` or an item: true with the reader at the next item, false at `]`.
    mutating func nextItem(first: inout Bool) throws(ParseFailure) -> Bool {
        skipWS()
        guard i < n else { throw unexpected("a value or ']'") }
        if p[i] == UInt8(ascii: "]") {
            i += 1
            return false
        }
        if !first {
            guard p[i] == UInt8(ascii: ",") else { throw unexpected("',' or ']'") }
            i += 1
            skipWS()
        }
        first = false
        return true
    }

    mutating func value(depth: Int = 0) throws(ParseFailure) -> JSON {
        skipWS()
        guard i < n else { throw unexpected("a value") }
        guard depth < JSONReader.maxDepth || !opensValue else {
            try skipNested()
            return .null
        }
        switch p[i] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            i += 1
            // Room for a typical record (a post, a message) without the rehashing of growing from empty.
            var object = [String: JSON](minimumCapacity: 8)
            var first = true
            while let key = try nextKey(first: &first) {
                object[key] = try value(depth: depth + 1)
            }
            return .object(object)
        case UInt8(ascii: "["):
            i += 1
            var array: [JSON] = []
            var first = true
            while try nextItem(first: &first) {
                array.append(try value(depth: depth + 1))
            }
            return .array(array)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw unexpected("a value")
        }
    }

    /// Passes over a value without building it (large account sections such as contacts).
    mutating func skipValue(depth: Int = 0) throws(ParseFailure) {
        skipWS()
        guard i < n else { throw unexpected("a value") }
        guard depth < JSONReader.maxDepth || !opensValue else { return try skipNested() }
        switch p[i] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"):
            i += 1
            var first = true
            while try nextKeyRaw(first: &first) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            i += 1
            var first = true
            while try nextItem(first: &first) { try skipValue(depth: depth + 1) }
        default:
            _ = try value(depth: depth)
        }
    }

    /// At `[` or `{`.
    private var opensValue: Bool { p[i] == UInt8(ascii: "[") || p[i] == UInt8(ascii: "{") }

    /// Passes over the array or object at `i` however deep it nests, counting brackets instead of recursing, and counts it
    /// in `tooDeep`.
    private mutating func skipNested() throws(ParseFailure) {
        tooDeep += 1
        var open = 0
        repeat {
            guard i < n else { throw failure("the file ends inside a value nested deeper than \(JSONReader.maxDepth) levels") }
            switch p[i] {
            case UInt8(ascii: "\""):
                try skipString()
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"): open += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): open -= 1
            case 0x0A:
                line += 1
                lineStart = i + 1
            default: break
            }
            i += 1
        } while open > 0
    }

    /// Past the `null` here (true); false, not moved, when something else is.
    mutating func null() throws(ParseFailure) -> Bool {
        guard peek == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws(ParseFailure) {
        let count = word.utf8CodeUnitCount
        for k in 0..<count {
            guard i + k < n else {
                i = n
                throw failure("the file ends inside \"\(word)\"")
            }
            guard p[i + k] == word.utf8Start[k] else {
                i += k
                throw unexpected("\"\(word)\"")
            }
        }
        i += count
    }

    private mutating func number() throws(ParseFailure) -> JSON {
        let start = i
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: Int64 = 0
        var overflow = false
        var digits = 0
        while i < n, p[i] >= 0x30, p[i] <= 0x39 {
            let d = Int64(p[i] - 0x30)
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            // Accumulate negatively so that Int64.min fits.
            let (next, o2) = negative ? times.subtractingReportingOverflow(d) : times.addingReportingOverflow(d)
            overflow = overflow || o1 || o2
            value = next
            digits += 1
            i += 1
        }
        guard digits > 0 else { throw unexpected("a digit") }
        var integral = true
        if i < n, p[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            while i < n, p[i] >= 0x30, p[i] <= 0x39 { i += 1 }
        }
        if integral && !overflow { return .int(value) }
        return .number(String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self))
    }

    /// To the next quote, backslash or newline of a string from `i` (or its end), eight bytes at a time.
    @inline(__always)
    private mutating func skipPlain() {
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if ByteWord.has(w, 0x22) || ByteWord.has(w, 0x5C) || ByteWord.has(w, 0x0A) { break }
            i += 8
        }
        while i < n, p[i] != 0x22, p[i] != 0x5C, p[i] != 0x0A { i += 1 }
    }

    private mutating func skipString() throws(ParseFailure) {
        i += 1
        while i < n {
            skipPlain()
            guard i < n else { break }
            switch p[i] {
            case UInt8(ascii: "\""):
                i += 1
                return
            case UInt8(ascii: "\\"): i += 2
            case 0x0A:
                i += 1
                line += 1
                lineStart = i
            default: i += 1
            }
        }
        i = n
        throw failure("the file ends inside a string")
    }

    mutating func string() throws(ParseFailure) -> String {
        i += 1
        let start = i
        // Fast path: no escapes. Raw newlines are not valid JSON but are accepted (and counted).
        while i < n {
            skipPlain()
            guard i < n else { break }
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        guard i < n else { throw failure("the file ends inside a string") }
        var bytes = Array(UnsafeBufferPointer(start: p + start, count: i - start))
        try stringRest(appendingTo: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A string's bytes, unescaped, after what `bytes` holds; not checked as UTF-8 (`String(decoding:)` repairs
    /// them). A search reads a record's texts so, without making a String of each.
    mutating func string(appendingTo bytes: inout [UInt8]) throws(ParseFailure) {
        i += 1
        try stringRest(appendingTo: &bytes)
    }

    /// The rest of a string from `i`, unescaped, after what `bytes` holds; past its closing quote.
    private mutating func stringRest(appendingTo bytes: inout [UInt8]) throws(ParseFailure) {
        while i < n {
            let start = i
            while true {
                skipPlain()
                guard i < n, p[i] == 0x0A else { break }
                line += 1
                lineStart = i + 1
                i += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
            guard i < n else { break }
            if p[i] == UInt8(ascii: "\"") {
                i += 1
                return
            }
            guard i + 1 < n else {
                i = n
                break
            }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var unit = try hex4()
                var scalar: Unicode.Scalar?
                if (0xD800...0xDBFF).contains(unit), i + 1 < n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        i = save  // not a pair: the second escape is read on its own
                        unit = 0xFFFD
                    }
                }
                // A lone surrogate has no scalar: U+FFFD, as for invalid UTF-8.
                let s = scalar ?? Unicode.Scalar(unit) ?? "\u{FFFD}"
                bytes.append(contentsOf: String(s).utf8)
            default:
                i -= 1
                // The byte after the backslash may start a character of several: named by its value then.
                let escape = (0x21...0x7E).contains(e) ? "\"\\\(Character(Unicode.Scalar(e)))\"" : String(format: "(\\ then byte 0x%02X)", e)
                throw failure("invalid escape \(escape) in a string")
            }
        }
        throw failure("the file ends inside a string")
    }

    private mutating func hex4() throws(ParseFailure) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < n else { throw failure("the file ends inside a \\u escape") }
            let c = p[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw unexpected("a hex digit in a \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}

extension JSONReader {
    /// Runs `body` with a reader over the bytes of `data`; an empty file is refused before any reading.
    static func reading<T>(_ data: Data, _ body: (JSONReader) -> Result<T, FeedError>) throws(FeedError) -> T {
        let outcome: Result<T, FeedError> = data.withUnsafeBytes { raw in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, raw.count > 0 else {
                return .failure(FeedError("empty file"))
            }
            return body(JSONReader(p: base, n: raw.count))
        }
        return try outcome.get()
    }
}
