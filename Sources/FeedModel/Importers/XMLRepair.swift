import CLibXML2
import Foundation

/// What a browser forgives in a feed's bytes, mended before the XML parser sees them, so that a sloppy feed is read
/// whole instead of refused or cut at its first flaw:
///
/// - HTML's named entities (`&eacute;`, `&nbsp;`, `&hellip;`), which XML does not define, become the character
///   references of their characters (HTML 4's table, as libxml2's HTML parser knows it); `&copy` without its `;`
///   too, as in HTML text. XML's own five become character references as well (see `entity`).
/// - A stray `&` (`AT&T`, `?a=1&b=2`, `&unknown;`) or `<` (`1 < 2`) is escaped: kept as the text it is.
/// - `&#150;`: numeric references to C1 controls mean Windows-1252 (a dash), as browsers read them; a reference to
///   no character at all (`&#0;`, a surrogate) is U+FFFD.
/// - Unquoted or bare attributes are quoted; `<br>`, `<hr>`, `<img …>` left open are closed on the spot (`<br/>`);
///   an RSS `description` or `content:encoded` holding unescaped HTML is escaped whole (see `markup`).
/// - With `windows1252`: a byte that is not part of valid UTF-8 is the Windows-1252 character it is in feeds that say
///   UTF-8 but are not (curly quotes, dashes, `é`); bytes no encoding defines become U+FFFD. (C1 controls that
///   stand for Windows-1252's characters are mended in the text, `c1AsWindows1252`.)
///
/// - Elements nested deeper than `maxDepth` lose their tags (their text stays in the element around them): libxml2
///   stops reading at 256 levels, and with it every item after such nesting would be lost.
///
/// CDATA sections and comments are left as they are. Only character references are ever written: no DTD is
/// involved, nothing is declared, nothing expanded.
struct XMLRepair {
    var windows1252: Bool
    /// Inside `<![CDATA[ … ]]>` or `<!-- … -->`, where `&` and `<` are text.
    private var openSection: StaticString?
    /// How deep the elements open at this point nest.
    private var depth = 0
    /// Beyond any feed's nesting (the feed reader skips what is deeper than 100) and below libxml2's limit.
    static let maxDepth = 200

    init(windows1252: Bool) {
        self.windows1252 = windows1252
    }

    /// The whole of `data` repaired at once.
    static func repaired(_ data: Data, windows1252: Bool) -> Data {
        var repair = XMLRepair(windows1252: windows1252)
        var out: [UInt8] = []
        let end = data.withUnsafeBytes { raw in
            repair.repair(raw.bindMemory(to: UInt8.self), from: 0, to: raw.count, into: &out)
        }
        return end.changed ? Data(out) : data
    }

    /// Repairs `b[from..<to]`, reading on past `to` to finish a character or markup it cuts. Returns where it
    /// stopped (at or after `to`) and whether anything changed; only then does `out` hold the repaired bytes.
    mutating func repair(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int, into out: inout [UInt8])
        -> (end: Int, changed: Bool)
    {
        var i = from
        var copied = from  // b[copied..<i] is still to be copied to out
        var changed = false
        func replace(_ upTo: Int, with bytes: [UInt8]) {
            replace(upTo) { $0.append(contentsOf: bytes) }
        }
        func replace(_ upTo: Int, writing: (inout [UInt8]) -> Void) {
            if !changed {
                changed = true
                out.removeAll(keepingCapacity: true)
                out.reserveCapacity(to - from + 64)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i]))
            writing(&out)
            i = upTo
            copied = upTo
        }
        let raw = UnsafeRawBufferPointer(b)
        while i < to {
            // Eight bytes at a time past what needs no look: ASCII without "&" and "<" (in a section, "]" and "-").
            let (first, second): (UInt8, UInt8) = openSection == nil ? (0x26, 0x3C) : (0x5D, 0x2D)
            while i + 8 <= to {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if w & 0x8080_8080_8080_8080 != 0 || ByteWord.has(w, first) || ByteWord.has(w, second) { break }
                i += 8
            }
            guard i < to else { break }
            let c = b[i]
            if c >= 0x80 {
                // A run of non-ASCII characters (Cyrillic, CJK text) is validated in one go.
                var k = i
                while k < to, b[k] >= 0x80, let len = UTF8Repair.sequenceLength(b, at: k) { k += len }
                if k > i {
                    i = k
                } else if windows1252 {
                    replace(i + 1) { $0.append(contentsOf: String(XMLRepair.windows1252(c)).utf8) }
                } else {
                    i += 1
                }
                continue
            }
            if let section = openSection {
                if (c == UInt8(ascii: "]") || c == UInt8(ascii: "-")) && b.has(section, at: i) {
                    i += section.utf8CodeUnitCount
                    openSection = nil
                } else {
                    i += 1
                }
                continue
            }
            if c == UInt8(ascii: "&") {
                if let (length, reference) = XMLRepair.predefined(b, at: i) {
                    replace(i + length) { $0.append(contentsOf: UnsafeBufferPointer(start: reference.utf8Start, count: reference.utf8CodeUnitCount)) }
                } else if let (end, scalar) = XMLRepair.entity(b, at: i) {
                    replace(end) { XMLRepair.appendReference(scalar, to: &$0) }
                } else {
                    i += 1
                }
            } else if c == UInt8(ascii: "<") {
                if b.has("<![CDATA[", at: i) {
                    openSection = "]]>"
                    i += 9
                } else if b.has("<!--", at: i) {
                    openSection = "-->"
                    i += 4
                } else {
                    var nesting = 0
                    let rewritten = XMLRepair.markup(b, at: i, nesting: &nesting)
                    depth = max(0, depth + nesting)
                    if nesting != 0, depth + (nesting < 0 ? 1 : 0) > XMLRepair.maxDepth, let end = XMLRepair.tagEnd(b, from: i) {
                        replace(end, with: [])
                    } else if let (end, bytes) = rewritten {
                        // The markup's own bytes are mended too: libxml2 must never see invalid UTF-8 in a name.
                        replace(end, with: windows1252 ? XMLRepair.windows1252Repaired(bytes) : bytes)
                    } else {
                        i += 1
                    }
                }
            } else {
                i += 1
            }
        }
        if changed { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i])) }
        return (i, changed)
    }

    /// The character the `&…` at `at` stands for, as a browser reads it, and where it ends; a `&` that starts no
    /// reference stands for itself. Nil for a well-formed numeric reference, which the parser reads as it is.
    ///
    /// Named references, XML's own included, all become numeric ones: after its first error libxml2 drops every
    /// named reference (`&amp;` too), but still reads numeric ones.
    private static func entity(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, Unicode.Scalar)? {
        let n = b.count
        func isNameByte(_ c: UInt8) -> Bool {
            (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || (c >= 0x30 && c <= 0x39)
        }
        let ampersand = (start + 1, Unicode.Scalar(UInt8(ascii: "&")))
        var j = start + 1
        if j < n, b[j] == UInt8(ascii: "#") {
            // &#233; &#xE9; (and without the ";", as HTML reads them)
            j += 1
            let hex = j < n && b[j] | 0x20 == UInt8(ascii: "x")
            if hex { j += 1 }
            let digitsStart = j
            var value: UInt32 = 0
            while j < n, j - digitsStart < 8 {
                let c = b[j]
                let d: UInt32
                if c >= 0x30 && c <= 0x39 {
                    d = UInt32(c - 0x30)
                } else if hex, c | 0x20 >= UInt8(ascii: "a"), c | 0x20 <= UInt8(ascii: "f") {
                    d = UInt32(c | 0x20 - UInt8(ascii: "a") + 10)
                } else {
                    break
                }
                value = value * (hex ? 16 : 10) + d
                j += 1
            }
            guard j > digitsStart else { return ampersand }
            let semicolon = j < n && b[j] == UInt8(ascii: ";")
            let scalar = XMLRepair.referencedCharacter(value)
            // `&#X41;`: HTML reads a capital X, XML does not.
            if semicolon, scalar.value == value, !hex || b[digitsStart - 1] == UInt8(ascii: "x") { return nil }
            return (semicolon ? j + 1 : j, scalar)
        }
        while j < n, j - start <= 32, isNameByte(b[j]) { j += 1 }
        let name = UnsafeBufferPointer(rebasing: b[(start + 1)..<j])
        guard !name.isEmpty else { return ampersand }
        let semicolon = j < n && b[j] == UInt8(ascii: ";")
        // `?a=1&copy=2` in an address is not ©: HTML reads a name without ";" before "=" as text.
        if !semicolon, j < n, b[j] == UInt8(ascii: "=") { return ampersand }
        guard let scalar = XMLRepair.namedCharacter(name) else { return ampersand }
        return (semicolon ? j + 1 : j, scalar)
    }

    /// `&lt;`, `&gt;`, `&amp;`, `&quot;` or `&apos;` at `at` (most references in a feed of escaped HTML), its
    /// length and the reference `entity` and `appendReference` make of it, found at a fraction of their cost.
    private static func predefined(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, StaticString)? {
        guard i + 3 < b.count else { return nil }
        func ends(_ length: Int) -> Bool { i + length - 1 < b.count && b[i + length - 1] == UInt8(ascii: ";") }
        switch (b[i + 1], b[i + 2], b[i + 3]) {
        case (UInt8(ascii: "l"), UInt8(ascii: "t"), UInt8(ascii: ";")): return (4, "&#60;")
        case (UInt8(ascii: "g"), UInt8(ascii: "t"), UInt8(ascii: ";")): return (4, "&#62;")
        case (UInt8(ascii: "a"), UInt8(ascii: "m"), UInt8(ascii: "p")) where ends(5): return (5, "&#38;")
        case (UInt8(ascii: "q"), UInt8(ascii: "u"), UInt8(ascii: "o")) where ends(6) && b[i + 4] == UInt8(ascii: "t"): return (6, "&#34;")
        case (UInt8(ascii: "a"), UInt8(ascii: "p"), UInt8(ascii: "o")) where ends(6) && b[i + 4] == UInt8(ascii: "s"): return (6, "&#39;")
        default: return nil
        }
    }

    /// HTML 4's named character (libxml2's table: the 253 entities every browser knows), and XML's `&apos;`.
    private static func namedCharacter(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        switch name.count {
        case 2 where name[0] == UInt8(ascii: "l") && name[1] == UInt8(ascii: "t"): return "<"
        case 2 where name[0] == UInt8(ascii: "g") && name[1] == UInt8(ascii: "t"): return ">"
        case 3 where name[0] == UInt8(ascii: "a") && name[1] == UInt8(ascii: "m") && name[2] == UInt8(ascii: "p"): return "&"
        case 4 where String(decoding: name, as: UTF8.self) == "apos": return "'"
        default: break
        }
        var z = Array(name)
        z.append(0)
        guard let desc = htmlEntityLookup(z) else { return nil }
        return Unicode.Scalar(desc.pointee.value)
    }

    /// What a numeric reference stands for, as a browser reads it.
    static func referencedCharacter(_ value: UInt32) -> Unicode.Scalar {
        if value >= 0x80 && value <= 0x9F { return windows1252(UInt8(value)) }
        let allowed = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF)
            || (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x1_0000 && value <= 0x10_FFFF)
        guard allowed, let s = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return s
    }

    /// `&#233;`, written on the stack and appended at once (a feed of escaped HTML has one every few words).
    static func appendReference(_ s: Unicode.Scalar, to out: inout [UInt8]) {
        // "&#" + at most 7 digits (U+10FFFF is 1114111) + ";", written from the end.
        var bytes: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &bytes) { b in
            var at = b.count - 1
            b[at] = UInt8(ascii: ";")
            var v = s.value
            repeat {
                at -= 1
                b[at] = UInt8(v % 10) + 0x30
                v /= 10
            } while v > 0
            at -= 2
            b[at] = UInt8(ascii: "&")
            b[at + 1] = UInt8(ascii: "#")
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[at...]))
        }
    }

    /// Markup a browser forgives at `at` (a `<`), rewritten: a `<` that starts no tag (`1 < 2`) as `&lt;`; a start tag
    /// with unquoted or bare attributes (`url=http://x`, `defer`) quoted; `<br>`, `<hr>`, `<img>` left open closed;
    /// an RSS `description` or `content:encoded` holding raw HTML escaped whole, so that its unclosed `<p>` or stray
    /// `</div>` cannot close the elements around it. Nil when the markup is well-formed. `nesting` is set to 1 for
    /// a start tag that stays open and -1 for an end tag.
    private static func markup(_ b: UnsafeBufferPointer<UInt8>, at start: Int, nesting: inout Int) -> (Int, [UInt8])? {
        let n = b.count
        guard start + 1 < n else { return nil }
        let next = b[start + 1]
        if next == UInt8(ascii: "/") { nesting = -1 }
        if next == UInt8(ascii: "/") || next == UInt8(ascii: "!") || next == UInt8(ascii: "?") { return nil }
        guard isNameStart(next) else { return (start + 1, Array("&#60;".utf8)) }
        guard let tag = startTag(b, at: start) else { return nil }
        let name = UnsafeBufferPointer(rebasing: b[tag.name])
        func named(_ s: StaticString) -> Bool {
            name.count == s.utf8CodeUnitCount && name.indices.allSatisfy { name[$0] | 0x20 == s.utf8Start[$0] | 0x20 }
        }
        func head() -> [UInt8] { tag.fixed ?? Array(UnsafeBufferPointer(rebasing: b[start..<tag.close])) }
        func closing() -> [UInt8] { [UInt8(ascii: "<"), UInt8(ascii: "/")] + Array(name) + [UInt8(ascii: ">")] }
        if !tag.selfClosing, named("br") || named("hr") || named("img") {
            // `<br></br>` is closed already.
            var k = tag.close + 1
            while k < n, isSpace(b[k]) { k += 1 }
            if !b.has(closing(), at: k) { return (tag.close + 1, head() + Array("/>".utf8)) }
        } else if !tag.selfClosing, named("description") || named("content:encoded"),
            case let closing = closing(), let end = rawMarkupEnd(b, from: tag.close + 1, closing: closing)
        {
            var escaped: [UInt8] = []
            var k = tag.close + 1
            while k < end {
                let c = b[k]
                if c == UInt8(ascii: "&") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") {
                    appendReference(Unicode.Scalar(c), to: &escaped)
                } else {
                    escaped.append(c)
                }
                k += 1
            }
            return (end + closing.count, head() + [UInt8(ascii: ">")] + escaped + closing)
        }
        if !tag.selfClosing { nesting = 1 }
        return tag.fixed.map { (tag.close + 1, $0 + (tag.selfClosing ? Array("/>".utf8) : [UInt8(ascii: ">")])) }
    }

    /// Just past the `>` that ends the tag at `start`.
    private static func tagEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = b.baseAddress, let found = memchr(base + start, 0x3E, b.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
    }

    /// Where `closing` is, when the field before it holds raw HTML: a tag (`<p>`, `</a>`) outside any CDATA
    /// section. Nil for text, for CDATA, and for a field that never ends.
    private static func rawMarkupEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int, closing: [UInt8]) -> Int? {
        var tag = false
        var k = from
        // From "<" to "<" (memchr: an escaped description has none before its end tag).
        while k + 1 < b.count, let base = b.baseAddress, let found = memchr(base + k, 0x3C, b.count - k) {
            k = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard k + 1 < b.count else { return nil }
            if b.has(closing, at: k) { return tag ? k : nil }
            let c = b[k + 1]
            if c == UInt8(ascii: "!") { return nil }  // CDATA or a comment: XML as written
            if c == UInt8(ascii: "/") || isNameStart(c) { tag = true }
            k += 1
        }
        return nil
    }

    private static func isNameStart(_ c: UInt8) -> Bool {
        (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
            || c >= 0x80
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

    /// A start tag read loosely: its name, the index of its `>`, whether it ends in `/>`, and, only when it needs
    /// it, the tag up to its `>` or `/>` with every attribute value quoted. Nil when it is not a tag at all.
    private static func startTag(_ b: UnsafeBufferPointer<UInt8>, at start: Int)
        -> (name: Range<Int>, close: Int, selfClosing: Bool, fixed: [UInt8]?)?
    {
        let n = b.count
        var j = start + 1
        func isNameByte(_ c: UInt8) -> Bool {
            isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }
        while j < n, isNameByte(b[j]) { j += 1 }
        let name = (start + 1)..<j
        // The rewritten tag, begun at the first attribute that needs quotes; b[copied..<j] is not in it yet.
        var fixed: [UInt8]?
        var copied = start
        func rewrite(_ from: Int, _ bytes: [UInt8], resume: Int) {
            if fixed == nil { fixed = [] }
            fixed? += b[copied..<from]
            fixed? += bytes
            copied = resume
        }
        func done(_ close: Int, selfClosing: Bool) -> (Range<Int>, Int, Bool, [UInt8]?) {
            if fixed != nil { fixed? += b[copied..<(selfClosing ? close - 1 : close)] }
            return (name, close, selfClosing, fixed)
        }
        while true {
            while j < n, isSpace(b[j]) { j += 1 }
            guard j < n else { return nil }
            if b[j] == UInt8(ascii: ">") { return done(j, selfClosing: false) }
            if b[j] == UInt8(ascii: "/"), j + 1 < n, b[j + 1] == UInt8(ascii: ">") { return done(j + 1, selfClosing: true) }
            guard isNameStart(b[j]) else { return nil }
            let attribute = j
            while j < n, isNameByte(b[j]) { j += 1 }
            var k = j
            while k < n, isSpace(b[k]) { k += 1 }
            guard k < n, b[k] == UInt8(ascii: "=") else {
                // `<input disabled>`: HTML's bare attribute, its own name as its value in XML.
                rewrite(j, [UInt8(ascii: "="), 0x22] + b[attribute..<j] + [0x22], resume: j)
                continue
            }
            k += 1
            while k < n, isSpace(b[k]) { k += 1 }
            guard k < n else { return nil }
            if b[k] == 0x22 || b[k] == 0x27 {
                let quote = b[k]
                var e = k + 1
                while e < n, b[e] != quote {
                    if b[e] == UInt8(ascii: "<") { return nil }
                    e += 1
                }
                guard e < n else { return nil }
                j = e + 1
            } else {
                // `url=http://x/a.mp3`: quoted as HTML reads it, up to white space or the tag's end.
                var e = k
                while e < n, !isSpace(b[e]), b[e] != UInt8(ascii: ">"), b[e] != 0x22, b[e] != 0x27, b[e] != UInt8(ascii: "<") {
                    if b[e] == UInt8(ascii: "/"), e + 1 < n, b[e + 1] == UInt8(ascii: ">") { break }
                    e += 1
                }
                guard e > k else { return nil }
                rewrite(k, [0x22] + b[k..<e] + [0x22], resume: e)
                j = e
            }
        }
    }

    /// Every byte that is not part of valid UTF-8 as its Windows-1252 character.
    static func windows1252Repaired(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { b in
            var out: [UInt8] = []
            var k = 0
            while k < b.count {
                if b[k] < 0x80 {
                    out.append(b[k])
                    k += 1
                } else if let len = UTF8Repair.sequenceLength(b, at: k) {
                    out += b[k..<(k + len)]
                    k += len
                } else {
                    out += String(windows1252(b[k])).utf8
                    k += 1
                }
            }
            return out
        }
    }

    /// Windows-1252's character for a byte (ISO 8859-1 but for 0x80–0x9F); U+FFFD for the five it leaves undefined.
    static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        guard byte >= 0x80, byte <= 0x9F else { return Unicode.Scalar(byte) }
        return Unicode.Scalar(windows1252Table[Int(byte - 0x80)]) ?? "\u{FFFD}"
    }

    private static let windows1252Table: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// The Windows-1252 (or ISO 8859-1) byte a character is written as, if it has one.
    static func windows1252Byte(_ s: Unicode.Scalar) -> UInt8? {
        // U+0080–U+009F too: the same mistake through ISO 8859-1, which has C1 controls where Windows-1252 has “”.
        if s.value <= 0xFF { return UInt8(s.value) }
        for b in UInt8(0x80)...0x9F where windows1252(b) == s && s != "\u{FFFD}" { return b }
        return nil
    }

    /// C1 controls (U+0080–U+009F) are never text: each is the Windows-1252 character of its code ("don\u{92}t" is
    /// "don’t"), text kept as Windows-1252 and written out as if it were ISO 8859-1. The five codes Windows-1252
    /// leaves undefined stay as they are (and are dropped with the other controls). Text without C2 80 … C2 9F in
    /// its UTF-8 is returned as it is.
    static func c1AsWindows1252(_ s: String) -> String {
        var s = s
        guard s.withUTF8(hasC1) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            let w = u.value >= 0x80 && u.value <= 0x9F ? windows1252(UInt8(u.value)) : u
            out.append(w == "\u{FFFD}" ? u : w)
        }
        return String(out)
    }

    /// Whether UTF-8 text holds a C1 control (C2 80 … C2 9F).
    private static func hasC1(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        // From C2 to C2 (memchr: most text has none).
        while i + 1 < b.count, let base = b.baseAddress, let at = memchr(base + i, 0xC2, b.count - i) {
            i = base.distance(to: at.assumingMemoryBound(to: UInt8.self))
            if i + 1 < b.count, b[i + 1] <= 0x9F { return true }
            i += 1
        }
        return false
    }

    /// UTF-8 read as Windows-1252 and encoded again ("CafÃ©", "â€™"): undone where the characters, taken back
    /// to their bytes, are valid UTF-8 of more than one byte. Text without such a pair is returned as it is.
    static func undoublingUTF8(_ s: String) -> String {
        var s = s
        guard s.withUTF8(mayBeDoubledUTF8) else { return s }
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let lead = scalars[i].value
            let len = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0
            if len > 0, i + len <= scalars.count {
                var bytes: [UInt8] = [UInt8(lead)]
                for k in 1..<len {
                    guard let b = windows1252Byte(scalars[i + k]), b & 0xC0 == 0x80 else { break }
                    bytes.append(b)
                }
                if bytes.count == len, let decoded = String(validating: bytes, as: UTF8.self) {
                    out.append(contentsOf: decoded.unicodeScalars)
                    i += len
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// Whether UTF-8 text may hold a doubly encoded character. Every one starts with one of Â…ô (U+00C2–U+00F4),
    /// C3 82 … C3 B4 in UTF-8, followed by a character of 0x80–0xBF as Windows-1252 or ISO 8859-1 read it, whose
    /// first byte is C2, C5, C6, CB or E2 (“é” followed by a letter is no candidate).
    private static func mayBeDoubledUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        // From C3 to C3 (memchr: most text has none).
        while i + 2 < b.count, let base = b.baseAddress, let found = memchr(base + i, 0xC3, b.count - i) {
            i = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard i + 2 < b.count else { return false }
            if b[i + 1] >= 0x82, b[i + 1] <= 0xB4 {
                let c = b[i + 2]
                if c == 0xC2 || c == 0xC5 || c == 0xC6 || c == 0xCB || c == 0xE2 { return true }
            }
            i += 1
        }
        return false
    }

    /// `undoublingUTF8`, then `c1AsWindows1252`, on valid UTF-8: the bytes as they are when neither has anything
    /// to mend (a feed's every body comes here), without making a string of them.
    static func mojibakeMended(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.withUnsafeBufferPointer({ mayBeDoubledUTF8($0) || hasC1($0) }) else { return bytes }
        return Array(c1AsWindows1252(undoublingUTF8(String(decoding: bytes, as: UTF8.self))).utf8)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes at `i` are `s`.
    func has(_ s: StaticString, at i: Int) -> Bool {
        let len = s.utf8CodeUnitCount
        guard i >= 0, i + len <= count else { return false }
        let p = s.utf8Start
        for k in 0..<len where self[i + k] != p[k] { return false }
        return true
    }

    func has(_ s: [UInt8], at i: Int) -> Bool {
        i >= 0 && i + s.count <= count && s.indices.allSatisfy { self[i + $0] == s[$0] }
    }
}
