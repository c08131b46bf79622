import Foundation

/// Small text helpers shared by the importers.
public enum TextScan {
    /// http(s) URLs in text, in order, without duplicates; trailing punctuation and an unmatched ")" are not part of them.
    public static func links(in text: String) -> [String] {
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
            var end = tail.firstIndex(where: { $0.isWhitespace || "<>\"«»".contains($0) }) ?? tail.endIndex
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

    /// A count as sources write it: "255 406", "1,234", "1.2K", "3.4M". K/M suffixes make it approximate.
    public static func count(_ raw: some StringProtocol) -> Count? {
        var s = raw.trimmingCharacters(in: .whitespaces)
        for sep in [" ", "\u{00A0}", "\u{202F}", "\u{2009}", ","] { s = s.replacingOccurrences(of: sep, with: "") }
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
