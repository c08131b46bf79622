import CLibXML2
import Foundation

/// What a browser forgives in a feed's bytes, mended before the XML parser sees them, so that a sloppy feed is read
/// whole instead of refused or cut at its first flaw:
///
/// - HTML's named entities (`&eacute;`, `&nbsp;`, `&hellip;`), which XML does not define, become the character
///   references of their characters (HTML 4's table, as libxml2's HTML parser knows it); `&copy` without its `;`
///   too, as in HTML text.
/// - A stray `&` (`AT&T`, `?a=1&b=2`, `&unknown;`) is escaped: kept as the text it is.
/// - `&#150;`: numeric references to C1 controls mean Windows-1252 (a dash), as browsers read them; a reference to
///   no character at all (`&#0;`, a surrogate) is U+FFFD.
/// - `<br>`, `<hr>`, `<img …>` left open in unescaped HTML are closed on the spot (`<br/>`), so that the element
///   around them still ends where its end tag is.
/// - With `windows1252`: a byte that is not part of valid UTF-8 is the Windows-1252 character it is in feeds that say
///   UTF-8 but are not (curly quotes, dashes, `é`); bytes no encoding defines become U+FFFD.
///
/// CDATA sections and comments are left as they are. No DTD is involved: nothing is declared, nothing expanded.
struct XMLRepair {
    var windows1252: Bool
    /// Inside `<![CDATA[ … ]]>` or `<!-- … -->`, where `&` and `<` are text.
    private var openSection: StaticString?
    /// Entities and ampersands mended so far.
    private(set) var repairs = 0

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
        let n = b.count
        var i = from
        var copied = from  // b[copied..<i] is still to be copied to out
        var changed = false
        func replace(_ upTo: Int, with bytes: [UInt8]) {
            if !changed {
                changed = true
                out.removeAll(keepingCapacity: true)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i]))
            out.append(contentsOf: bytes)
            i = upTo
            copied = upTo
        }
        func starts(_ s: StaticString, at k: Int) -> Bool {
            let len = s.utf8CodeUnitCount
            guard k + len <= n else { return false }
            let p = s.utf8Start
            for j in 0..<len where b[k + j] != p[j] { return false }
            return true
        }
        while i < to {
            let c = b[i]
            if c >= 0x80 {
                if let len = UTF8Repair.sequenceLength(b, at: i) {
                    i += len
                } else if windows1252 {
                    replace(i + 1, with: Array(String(XMLRepair.windows1252(c)).utf8))
                } else {
                    i += 1
                }
                continue
            }
            if let section = openSection {
                if (c == UInt8(ascii: "]") || c == UInt8(ascii: "-")) && starts(section, at: i) {
                    i += section.utf8CodeUnitCount
                    openSection = nil
                } else {
                    i += 1
                }
                continue
            }
            if c == UInt8(ascii: "&") {
                if let (end, bytes) = XMLRepair.entity(b, at: i) {
                    repairs += 1
                    replace(end, with: bytes)
                } else {
                    i += 1
                }
            } else if c == UInt8(ascii: "<") {
                if starts("<![CDATA[", at: i) {
                    openSection = "]]>"
                    i += 9
                } else if starts("<!--", at: i) {
                    openSection = "-->"
                    i += 4
                } else if let close = XMLRepair.openVoidTag(b, at: i) {
                    repairs += 1
                    let tag = Array(UnsafeBufferPointer(rebasing: b[i..<close]))
                    replace(close + 1, with: tag + Array("/>".utf8))
                } else {
                    i += 1
                }
            } else {
                i += 1
            }
        }
        if changed { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i])) }
        return (i, changed)
    }

    /// The `&…` at `at` when it needs mending: where it ends and what replaces it. Nil for a well-formed XML
    /// reference (`&amp;`, `&#233;`).
    private static func entity(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, [UInt8])? {
        let n = b.count
        func isNameByte(_ c: UInt8) -> Bool {
            (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || (c >= 0x30 && c <= 0x39)
        }
        let escaped = Array("&amp;".utf8)
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
            guard j > digitsStart else { return (start + 1, escaped) }
            let semicolon = j < n && b[j] == UInt8(ascii: ";")
            let end = semicolon ? j + 1 : j
            let scalar = XMLRepair.referencedCharacter(value)
            if semicolon, scalar.value == value { return nil }
            return (end, XMLRepair.reference(scalar))
        }
        while j < n, j - start <= 32, isNameByte(b[j]) { j += 1 }
        let name = UnsafeBufferPointer(rebasing: b[(start + 1)..<j])
        guard !name.isEmpty else { return (start + 1, escaped) }
        let semicolon = j < n && b[j] == UInt8(ascii: ";")
        if semicolon, XMLRepair.isXMLEntity(name) { return nil }
        // `?a=1&copy=2` in an address is not ©: HTML reads a name without ";" before "=" as text.
        if !semicolon, j < n, b[j] == UInt8(ascii: "=") { return (start + 1, escaped) }
        if XMLRepair.isXMLEntity(name) { return (j, [UInt8(ascii: "&")] + Array(name) + [UInt8(ascii: ";")]) }
        guard let scalar = XMLRepair.htmlEntity(name) else { return (start + 1, escaped) }
        return (semicolon ? j + 1 : j, XMLRepair.reference(scalar))
    }

    private static func isXMLEntity(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch String(decoding: name, as: UTF8.self) {
        case "amp", "lt", "gt", "quot", "apos": true
        default: false
        }
    }

    /// HTML 4's named character (libxml2's table: the 253 entities every browser knows).
    private static func htmlEntity(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
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

    private static func reference(_ s: Unicode.Scalar) -> [UInt8] {
        Array("&#\(s.value);".utf8)
    }

    /// `<br>`, `<hr>`, `<img …>` not closed: the index of its `>`.
    private static func openVoidTag(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = b.count
        var j = start + 1
        while j < n, j - start <= 4, b[j] | 0x20 >= UInt8(ascii: "a"), b[j] | 0x20 <= UInt8(ascii: "z") { j += 1 }
        let name = String(decoding: UnsafeBufferPointer(rebasing: b[(start + 1)..<j]), as: UTF8.self).lowercased()
        guard name == "br" || name == "hr" || name == "img", j < n,
            b[j] == UInt8(ascii: ">") || b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "\t")
                || b[j] == UInt8(ascii: "\n") || b[j] == UInt8(ascii: "/")
        else { return nil }
        var quote: UInt8 = 0
        while j < n {
            let c = b[j]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == 0x22 || c == 0x27 {
                quote = c
            } else if c == UInt8(ascii: "<") {
                return nil
            } else if c == UInt8(ascii: ">") {
                if b[j - 1] == UInt8(ascii: "/") { return nil }
                // `<br></br>` is closed already.
                var k = j + 1
                while k < n, b[k] == 0x20 || b[k] == 0x0A || b[k] == 0x09 || b[k] == 0x0D { k += 1 }
                if k + 1 < n, b[k] == UInt8(ascii: "<"), b[k + 1] == UInt8(ascii: "/") {
                    let closing = String(decoding: UnsafeBufferPointer(rebasing: b[(k + 2)..<min(n, k + 2 + name.utf8.count)]), as: UTF8.self)
                    if closing.lowercased() == name { return nil }
                }
                return j
            }
            j += 1
        }
        return nil
    }

    /// Windows-1252's character for a byte (ISO 8859-1 but for 0x80–0x9F); U+FFFD for the five it leaves undefined.
    static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        guard byte >= 0x80, byte <= 0x9F else { return Unicode.Scalar(byte) }
        let table: [UInt32] = [
            0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
            0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
            0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
        ]
        return Unicode.Scalar(table[Int(byte - 0x80)]) ?? "\u{FFFD}"
    }

    /// The Windows-1252 (or ISO 8859-1) byte a character is written as, if it has one.
    static func windows1252Byte(_ s: Unicode.Scalar) -> UInt8? {
        // U+0080–U+009F too: the same mistake through ISO 8859-1, which has C1 controls where Windows-1252 has “”.
        if s.value <= 0xFF { return UInt8(s.value) }
        for b in UInt8(0x80)...0x9F where windows1252(b) == s && s != "\u{FFFD}" { return b }
        return nil
    }

    /// UTF-8 read as Windows-1252 and encoded again ("CafÃ©", "â€™"): undone where the characters, taken back
    /// to their bytes, are valid UTF-8 of more than one byte. Text without such a pair is returned as it is.
    static func undoublingUTF8(_ s: String) -> String {
        // Every doubly encoded character starts with one of Â…ô (U+00C2–U+00F4), which is C3 82 … C3 B4 in UTF-8.
        var candidate = false
        var prev: UInt8 = 0
        for b in s.utf8 {
            if prev == 0xC3, b >= 0x82, b <= 0xB4 {
                candidate = true
                break
            }
            prev = b
        }
        guard candidate else { return s }
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
}
