import Foundation

/// Small text helpers shared by the importers.
public enum TextScan {
    /// http(s) URLs in text, in order, without duplicates; trailing punctuation and an unmatched ")" are not part of them.
    /// Scans bytes: Character-by-Character scanning was most of the load time of large archives. A word with
    /// non-ASCII characters goes to `characterLinks`, which applies the same rules to Characters.
    public static func links(in text: String) -> [String] {
        let found: [String]? = text.utf8.withContiguousStorageIfAvailable { b in
            var out: [String] = []
            let n = b.count
            func lower(_ k: Int) -> UInt8 { b[k] | 0x20 }
            // A URL ends at white space and at any control (a link never holds one).
            func isSpace(_ c: UInt8) -> Bool { c <= 0x20 || c == 0x7F }
            var i = 0
            while i + 4 <= n {
                // Eight bytes at a time to the next "h" or "H".
                if let base = b.baseAddress {
                    while i + 8 <= n, !ByteWord.has(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) | 0x2020_2020_2020_2020, 0x68) {
                        i += 8
                    }
                }
                guard i + 4 <= n, lower(i) == 0x68, lower(i + 1) == 0x74, lower(i + 2) == 0x74, lower(i + 3) == 0x70 else {
                    i += 1
                    continue
                }
                var wordEnd = i + 4
                var ascii = true
                while wordEnd < n, !isSpace(b[wordEnd]) {
                    if b[wordEnd] >= 0x80 { ascii = false }
                    wordEnd += 1
                }
                guard ascii else {
                    out += characterLinks(in: String(decoding: UnsafeBufferPointer(rebasing: b[i..<wordEnd]), as: UTF8.self))
                    i = wordEnd
                    continue
                }
                var k = i + 4
                if k < wordEnd, lower(k) == 0x73 { k += 1 }  // "https"
                guard k + 3 <= wordEnd, b[k] == 0x3A, b[k + 1] == 0x2F, b[k + 2] == 0x2F else {
                    i += 4
                    continue
                }
                var end = k
                while end < wordEnd, b[end] != 0x3C, b[end] != 0x3E, b[end] != 0x22 { end += 1 }
                while end > i {
                    let last = b[end - 1]
                    if ".,;:!?'".utf8.contains(last) {
                        end -= 1
                    } else if last == 0x29, !b[i..<end].contains(0x28) {
                        end -= 1
                    } else {
                        break
                    }
                }
                if end - i > 8 { out.append(String(decoding: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self)) }
                i = max(end, i + 1)
            }
            return out
        }
        guard let found else { return characterLinks(in: text) }
        guard found.count > 1 else { return found }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// The same rules on Characters, for words that are not ASCII (and strings without contiguous storage).
    static func characterLinks(in text: String) -> [String] {
        var found: [String] = []
        var seen = Set<String>()
        var rest = text[...]
        while let start = rest.range(of: "http", options: .caseInsensitive) {
            let tail = rest[start.lowerBound...]
            let lower = tail.prefix(8).lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                rest = rest[start.upperBound...]
                continue
            }
            var end =
                tail.firstIndex(where: { $0.isWhitespace || "<>\"«»".contains($0) || $0.unicodeScalars.contains { Sanitize.isControl($0) } })
                ?? tail.endIndex
            var url = tail[..<end]
            while let last = url.last, ".,;:!?'’”".contains(last) || (last == ")" && !url.contains("(")) {
                url = url.dropLast()
            }
            end = url.endIndex
            if url.count > 8, seen.insert(String(url)).inserted { found.append(String(url)) }
            rest = rest[end...]
        }
        return found
    }

    /// `s.trimmingCharacters(in: .whitespacesAndNewlines)`, without Foundation's round trip through UTF-16 when
    /// both ends are printable ASCII (then there is nothing to trim).
    public static func trimmed(_ s: String) -> String {
        let utf8 = s.utf8
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return s
        }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A count as sources write it: "255 406", "1,234", "1.2K", "3.4M". K/M suffixes make it approximate.
    public static func count(_ raw: some StringProtocol) -> Count? {
        var s: String
        // Printable ASCII without spaces and commas has nothing to trim or remove: skip Foundation's passes.
        if raw.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") }) {
            s = String(raw)
        } else {
            s = raw.trimmingCharacters(in: .whitespaces)
            for sep in [" ", "\u{00A0}", "\u{202F}", "\u{2009}", ","] { s = s.replacingOccurrences(of: sep, with: "") }
        }
        guard let last = s.last else { return nil }
        let multiplier: Double? =
            switch last {
            case "K", "k": 1_000
            case "M", "m": 1_000_000
            case "B", "b": 1_000_000_000
            default: nil
            }
        if let multiplier {
            guard let n = Double(s.dropLast()), n.isFinite, n >= 0, n * multiplier < 9e18 else { return nil }
            return Count(Int64((n * multiplier).rounded()), approximate: true)
        }
        guard s.allSatisfy(\.isASCII), let n = Int64(s), n >= 0 else { return nil }
        return Count(n)
    }
}

extension TextScan {
    /// Whether text may hold a web address: "http" in any case, looked for eight bytes at a time (an "h" is rare).
    static func mayContainURL(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        // "http://a.b" at least.
        guard b.count >= 10 else { return false }
        let raw = UnsafeRawBufferPointer(b)
        var i = 0
        while i + 4 <= b.count {
            if i + 8 <= b.count, !ByteWord.has(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | 0x2020_2020_2020_2020, 0x68) {
                i += 8
                continue
            }
            if b[i] | 0x20 == 0x68, b[i + 1] | 0x20 == 0x74, b[i + 2] | 0x20 == 0x74, b[i + 3] | 0x20 == 0x70 { return true }
            i += 1
        }
        return false
    }
}

/// Eight bytes read as one word: the scans that pass over plain text a word at a time (XML repair, HTML, controls).
enum ByteWord {
    /// Whether a byte of `w` is `c` (the classic zero-byte test on `w` XOR `c` in every byte).
    @inline(__always)
    static func has(_ w: UInt64, _ c: UInt8) -> Bool {
        let x = w ^ (0x0101_0101_0101_0101 &* UInt64(c))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    /// Whether a byte of `w` is below `n` (at most 0x80).
    @inline(__always)
    static func hasBelow(_ w: UInt64, _ n: UInt8) -> Bool {
        (w &- 0x0101_0101_0101_0101 &* UInt64(n)) & ~w & 0x8080_8080_8080_8080 != 0
    }
}
