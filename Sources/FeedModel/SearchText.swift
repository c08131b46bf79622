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
        var out: [UInt8] = []
        fold(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `s` folded, as UTF-8, after what `out` holds (the search index reads a post's folding as bytes: no String).
    public mutating func fold(_ s: String, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + s.utf8.count)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append(UInt8(v) | ((65...90).contains(v) ? 0x20 : 0))
                continue
            }
            if v < 0x10000 {
                let (page, i) = (Int(v >> 8), Int(v & 0xFF))
                if pages[page].isEmpty { pages[page] = [UInt32](repeating: 0, count: 256) }
                var entry = pages[page][i]
                if entry == 0 {
                    entry = Self.entry(Self.folded(scalar))
                    pages[page][i] = entry
                }
                let count = Int(entry >> 24 & 0x7F)
                if count <= 3 {
                    for i in 0..<count { out.append(UInt8(truncatingIfNeeded: entry >> (16 - 8 * i))) }
                    continue
                }
            }
            if let folded = cache[v] {
                out.append(contentsOf: folded)
            } else {
                let folded = Self.folded(scalar)
                cache[v] = folded
                out.append(contentsOf: folded)
            }
        }
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
        return h.withUTF8 { hb in
            n.withUTF8 { nb in
                guard nb.count > 0 else { return true }
                guard hb.count >= nb.count, let hp = hb.baseAddress, let np = nb.baseAddress else { return false }
                // memchr finds candidates for the first byte, memcmp checks the rest (glibc's memmem is not exported).
                let first = Int32(nb[0])
                var start = 0
                let lastStart = hb.count - nb.count
                while start <= lastStart {
                    guard let hit = memchr(hp + start, first, lastStart - start + 1) else { return false }
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(hp)
                    if memcmp(hp + at, np, nb.count) == 0 { return true }
                    start = at + 1
                }
                return false
            }
        }
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
