import Foundation

/// Matching that ignores case and diacritics, fast enough for a million posts: text is folded once, scalar by
/// scalar (ASCII directly, other scalars through Foundation's folding, remembered), and compared as UTF-8 bytes.
public struct SearchText {
    /// The folding of each scalar of the Basic Multilingual Plane met so far, in place: bit 31 set once made, the
    /// count of its bytes in bits 24–30 and up to three bytes below (the first highest). In pages of 256 scalars,
    /// each made when a scalar of it is first met, so that folding one short string (`fold(_:)`, a filter's `text`
    /// on each post) costs no more than before. A lookup here rather than in a Dictionary (which hashed every
    /// scalar) took 3% off an import's instructions. Longer foldings, and scalars past the plane, are in `cache`.
    private var pages = [[UInt32]](repeating: [], count: 256)
    private var cache: [UInt32: [UInt8]] = [:]

    public init() {}

    /// "Tiếng VIỆT" → "tieng viet". Built as bytes: appending scalars to a String was most of the cost.
    public mutating func fold(_ s: String) -> String {
        var s = s
        var out: [UInt8] = []
        let count = s.withUTF8 { fold(utf8: UnsafeRawBufferPointer($0), into: &out, at: 0) }
        return String(decoding: out[0..<count], as: UTF8.self)
    }

    /// `s` folded, as scalars, into `out` from its start (grown as needed; what is past the count is left); the
    /// count. The same scalars as `fold`, without encoding them as UTF-8 to decode them again: the search index
    /// makes its terms from these, a few scalars a post at a time.
    public mutating func fold(_ s: String, scalars out: inout [UInt32]) -> Int {
        var s = s
        return s.withUTF8 { bytes in
            // A scalar folds into at most three, but for the long foldings of `cache`: room is made for those.
            if out.count < bytes.count * 3 + 8 { out = [UInt32](repeating: 0, count: bytes.count * 3 + 8) }
            var (at, count) = (0, 0)
            while true {
                let done = out.withUnsafeMutableBufferPointer { out in
                    fold(bytes, from: &at, into: out, count: &count)
                }
                if done { return count }
                out += [UInt32](repeating: 0, count: out.count)
            }
        }
    }

    /// Folds `bytes` from `at` into `out` after `count`; false, with `at` and `count` where it stopped, when a long
    /// folding does not fit.
    private mutating func fold(
        _ bytes: UnsafeBufferPointer<UInt8>, from at: inout Int, into out: UnsafeMutableBufferPointer<UInt32>, count: inout Int
    ) -> Bool {
        var (i, n) = (at, count)
        defer { (at, count) = (i, n) }
        let end = bytes.count
        let raw = UnsafeRawBufferPointer(bytes)
        while i < end {
            // Eight ASCII bytes at a time, capitals made small at once: bit 7 marks a byte from "A" to "Z".
            while i + 8 <= end {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                guard w & 0x8080_8080_8080_8080 == 0 else { break }
                let small = Self.lowered(w)
                for k in 0..<8 { out[n + k] = UInt32(truncatingIfNeeded: small >> (8 * UInt64(k))) & 0xFF }
                n += 8
                i += 8
            }
            guard i < end else { break }
            let lead = bytes[i]
            if lead < 0x80 {
                out[n] = UInt32(lead) | (lead &- 65 < 26 ? 0x20 : 0)
                n += 1
                i += 1
                continue
            }
            let v: UInt32
            let length: Int
            // A String's bytes: valid UTF-8.
            switch lead {
            case ..<0xE0:
                v = UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                length = 2
            case ..<0xF0:
                v = UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                length = 3
            default:
                v = UInt32(lead & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                    | UInt32(bytes[i + 3] & 0x3F)
                length = 4
            }
            if v < 0x10000 {
                let entry = entry(of: v)
                let k = Int(entry >> 24 & 0x7F)
                if k <= 3 {
                    // The folding's bytes (at most three), decoded.
                    func byte(_ j: Int) -> UInt32 { entry >> (16 - 8 * UInt32(j)) & 0xFF }
                    var j = 0
                    while j < k {
                        let b = byte(j)
                        if b < 0x80 {
                            out[n] = b
                            j += 1
                        } else if b < 0xE0 {
                            out[n] = (b & 0x1F) << 6 | byte(j + 1) & 0x3F
                            j += 2
                        } else {
                            out[n] = (b & 0x0F) << 12 | (byte(j + 1) & 0x3F) << 6 | byte(j + 2) & 0x3F
                            j += 3
                        }
                        n += 1
                    }
                    i += length
                    continue
                }
            }
            let folded = String(decoding: long(v), as: UTF8.self).unicodeScalars
            if n + folded.count + 3 * (end - i) > out.count { return false }
            for scalar in folded {
                out[n] = scalar.value
                n += 1
            }
            i += length
        }
        return true
    }

    /// UTF-8 `bytes` folded as `fold(_:)` folds the string they spell, into `out` from `at` (grown as needed); where
    /// the folding ends. A search folds stored texts so, straight from their bytes.
    public mutating func fold(utf8 bytes: UnsafeRawBufferPointer, into out: inout [UInt8], at: Int) -> Int {
        var (i, n) = (0, at)
        // A scalar folds into at most three bytes but for the long foldings of `cache`: room is made for those.
        if out.count < n + 3 * bytes.count + 8 { out += [UInt8](repeating: 0, count: n + 3 * bytes.count + 8 - out.count) }
        while true {
            switch out.withUnsafeMutableBufferPointer({ fold(bytes, from: &i, into: $0, count: &n) }) {
            case .done: return n
            case .full: out += [UInt8](repeating: 0, count: out.count)
            case .invalid:
                // Not valid UTF-8 (a damaged record): folded as the String they make, each bad byte a U+FFFD.
                var repaired = String(decoding: bytes, as: UTF8.self)
                return repaired.withUTF8 { fold(utf8: UnsafeRawBufferPointer($0), into: &out, at: at) }
            }
        }
    }

    private enum Stop { case done, full, invalid }

    /// Folds `bytes` from `at` into `out` after `count`, as UTF-8; where it stopped and why.
    private mutating func fold(
        _ bytes: UnsafeRawBufferPointer, from at: inout Int, into out: UnsafeMutableBufferPointer<UInt8>, count: inout Int
    ) -> Stop {
        var (i, n) = (at, count)
        defer { (at, count) = (i, n) }
        let end = bytes.count
        let o = UnsafeMutableRawBufferPointer(out)
        while i < end {
            while i + 8 <= end {
                let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                guard w & 0x8080_8080_8080_8080 == 0 else { break }
                o.storeBytes(of: Self.lowered(w), toByteOffset: n, as: UInt64.self)
                n += 8
                i += 8
            }
            guard i < end else { break }
            let lead = bytes[i]
            if lead < 0x80 {
                out[n] = lead | (lead &- 65 < 26 ? 0x20 : 0)
                n += 1
                i += 1
                continue
            }
            guard let (v, length) = Self.scalar(in: bytes, at: i) else { return .invalid }
            if v < 0x10000 {
                let entry = entry(of: v)
                let k = Int(entry >> 24 & 0x7F)
                if k <= 3 {
                    // Its bytes stored at once, first byte first (there is room past them: see `fold(utf8:into:at:)`).
                    o.storeBytes(of: (entry << 8).bigEndian, toByteOffset: n, as: UInt32.self)
                    n += k
                    i += length
                    continue
                }
            }
            let folded = long(v)
            if n + folded.count + 3 * (end - i) + 8 > out.count { return .full }
            for b in folded {
                out[n] = b
                n += 1
            }
            i += length
        }
        return .done
    }

    /// Eight ASCII bytes with their capitals made small: bit 7 marks a byte from "A" to "Z".
    @inline(__always)
    private static func lowered(_ w: UInt64) -> UInt64 {
        let capitals = (w &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(w &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
        return w | capitals >> 2
    }

    /// The scalar of more than one byte starting at `i`, and its length; nil when the bytes there are not one in
    /// UTF-8 (a stray continuation, one cut short, an overlong form, a surrogate, past U+10FFFF).
    @inline(__always)
    private static func scalar(in bytes: UnsafeRawBufferPointer, at i: Int) -> (UInt32, Int)? {
        let lead = bytes[i]
        let end = bytes.count
        func next(_ k: Int) -> UInt32? {
            guard i + k < end, bytes[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(bytes[i + k] & 0x3F)
        }
        switch lead {
        case 0xC2...0xDF:
            guard let b1 = next(1) else { return nil }
            return (UInt32(lead & 0x1F) << 6 | b1, 2)
        case 0xE0...0xEF:
            guard let b1 = next(1), let b2 = next(2) else { return nil }
            let v = UInt32(lead & 0x0F) << 12 | b1 << 6 | b2
            guard v >= 0x800, !(0xD800...0xDFFF).contains(v) else { return nil }
            return (v, 3)
        case 0xF0...0xF4:
            guard let b1 = next(1), let b2 = next(2), let b3 = next(3) else { return nil }
            let v = UInt32(lead & 0x07) << 18 | b1 << 12 | b2 << 6 | b3
            guard (0x10000...0x10FFFF).contains(v) else { return nil }
            return (v, 4)
        default: return nil
        }
    }

    /// The `pages` entry of a scalar of the Basic Multilingual Plane, made if it was not.
    @inline(__always)
    private mutating func entry(of v: UInt32) -> UInt32 {
        let (page, i) = (Int(v >> 8), Int(v & 0xFF))
        if pages[page].isEmpty { pages[page] = [UInt32](repeating: 0, count: 256) }
        var entry = pages[page][i]
        if entry == 0, let scalar = Unicode.Scalar(v) {
            entry = Self.entry(Self.folded(scalar))
            pages[page][i] = entry
        }
        return entry
    }

    /// A folding `pages` does not hold (four bytes or more, or a scalar past the plane), from `cache`.
    private mutating func long(_ v: UInt32) -> [UInt8] {
        if let folded = cache[v] { return folded }
        let folded = Unicode.Scalar(v).map(Self.folded) ?? []
        cache[v] = folded
        return folded
    }

    /// One scalar folded, as UTF-8.
    static func folded(_ scalar: Unicode.Scalar) -> [UInt8] {
        // A combining accent on its own: folding the base letter alone leaves it behind.
        if scalar.properties.generalCategory == .nonspacingMark { return [] }
        return Array(String(scalar).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).utf8)
    }

    /// A folding as `pages` keeps it; one of four bytes or more says to look in `cache`.
    private static func entry(_ bytes: [UInt8]) -> UInt32 {
        guard bytes.count <= 3 else { return 1 << 31 | 4 << 24 }
        var entry: UInt32 = 1 << 31 | UInt32(bytes.count) << 24
        for (i, b) in bytes.enumerated() { entry |= UInt32(b) << (16 - 8 * i) }
        return entry
    }

    public static func fold(_ s: String) -> String {
        var folder = SearchText()
        return folder.fold(s)
    }

    /// Whether folded `haystack` contains folded `needle`, compared as bytes.
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        var h = haystack
        var n = needle
        return h.withUTF8 { hb in n.withUTF8 { nb in contains(UnsafeRawBufferPointer(hb), UnsafeRawBufferPointer(nb)) } }
    }

    /// The same on UTF-8 bytes.
    public static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard needle.count > 0 else { return true }
        guard haystack.count >= needle.count, let hp = haystack.baseAddress, let np = needle.baseAddress else { return false }
        // memchr finds candidates for the first byte, memcmp checks the rest (glibc's memmem is not exported).
        let first = Int32(needle[0])
        var start = 0
        let lastStart = haystack.count - needle.count
        while start <= lastStart {
            guard let hit = memchr(hp + start, first, lastStart - start + 1) else { return false }
            let at = UnsafeRawPointer(hit) - hp
            if memcmp(hp + at, np, needle.count) == 0 { return true }
            start = at + 1
        }
        return false
    }
}

extension Publication {
    /// Text, link preview, links and forwarded-from: everything a search looks through.
    public var searchableText: String {
        Self.searchableText(text: text, linkPreview: linkPreview, links: links, forwardedFrom: forwardedFrom)
    }

    /// The same from the fields alone (`NativeRecordCoder.searchableText` reads only these from a record).
    static func searchableText(text: String, linkPreview: LinkPreview?, links: [String], forwardedFrom: String?) -> String {
        var parts = [text]
        if let lp = linkPreview { parts += [lp.site, lp.title, lp.description, lp.url].compactMap { $0 } }
        parts += links
        if let from = forwardedFrom { parts.append(from) }
        return parts.joined(separator: "\n")
    }
}

/// Whether stored records hold a folded needle, as `SearchText.contains(fold(searchableText), needle)` would tell,
/// read and folded from the records' bytes with buffers kept from one record to the next: a search checks thousands
/// (a String of each text, and its folding through Strings, were three quarters of that).
public struct RecordMatcher {
    private var folder = SearchText()
    private var text = SearchableText()
    private var folded: [UInt8] = []
    /// The needle last asked, and whether each of its scalars folds into itself.
    private var needle: [UInt8] = []
    private var needleFoldsIntoItself = false

    public init() {}

    /// Whether the record holds `needle` (folded, as UTF-8); false when it is not a record.
    public mutating func holds(_ record: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard text.read(record) else { return false }
        // A needle whose every scalar folds into itself, found in a part as it is written, is in the part folded
        // (scalars fold one by one): most posts a phrase's index gives hold it so, and are not folded (a third of the
        // time of a phrase of common words in a million posts).
        if foldsIntoItself(needle) {
            var found = false
            text.forEachPart { part in found = found || SearchText.contains(part, needle) }
            if found { return true }
        }
        var n = 0
        var first = true
        text.forEachPart { part in
            if !first {
                if folded.count <= n { folded.append(0) }
                folded[n] = 0x0A
                n += 1
            }
            first = false
            n = folder.fold(utf8: part, into: &folded, at: n)
        }
        return folded.withUnsafeBytes { SearchText.contains(UnsafeRawBufferPointer(rebasing: $0[0..<n]), needle) }
    }

    /// Whether each scalar of a needle folds into itself (worked out once for each needle asked).
    private mutating func foldsIntoItself(_ needle: UnsafeRawBufferPointer) -> Bool {
        guard !self.needle.elementsEqual(needle) else { return needleFoldsIntoItself }
        self.needle = Array(needle)
        // Not valid UTF-8: folded texts hold U+FFFD where its bytes were, so it is not looked for as it is.
        needleFoldsIntoItself = String(bytes: self.needle, encoding: .utf8)?.unicodeScalars.allSatisfy {
            SearchText.folded($0).elementsEqual(String($0).utf8)
        } ?? false
        return needleFoldsIntoItself
    }
}
