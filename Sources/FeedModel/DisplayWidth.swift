/// Terminal column widths of text, from Unicode data rather than libc `wcwidth` (which depends on the locale
/// and lags behind emoji). A Character (grapheme cluster) is never split: its width is the widest of its
/// scalars, and emoji sequences (ZWJ, flags, keycaps, VS16) are two columns as terminals draw them.
public enum DisplayWidth {
    public static func of(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count == 1 { return of(first) }
        // Emoji presentation selector, ZWJ sequences, flags (two regional indicators) and keycaps are wide.
        if scalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x20E3 })
            || ((0x1F1E6...0x1F1FF).contains(first.value) && scalars.count >= 2)
            || (scalars.contains { $0.value == 0x200D } && scalars.contains { $0.properties.isEmoji && of($0) == 2 })
        {
            return 2
        }
        return scalars.reduce(0) { max($0, of($1)) }
    }

    public static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v >= 0x1160 && v <= 0x11FF { return 0 }  // Hangul medial vowels and final consonants combine.
        if s.properties.isEmojiPresentation { return 2 }
        return isEastAsianWide(v) ? 2 : 1
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15, EastAsianWidth.txt, W and F) outside emoji.
    static func isEastAsianWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1AFF0...0x1B2FF, 0x1F200...0x1F2FF,
            0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

extension StringProtocol {
    /// Columns this text takes on a terminal (a single line; newlines count as nothing).
    public var displayWidth: Int {
        reduce(0) { $0 + DisplayWidth.of($1) }
    }

    /// The longest prefix that fits in `width` columns; when cut, it ends in "…" inside the width.
    public func truncated(toWidth width: Int) -> String {
        guard width > 0 else { return "" }
        var used = 0
        var out = ""
        for c in self {
            let w = DisplayWidth.of(c)
            if used + w > width {
                // Make room for the ellipsis, dropping whole clusters only.
                while used + 1 > width, let last = out.popLast() { used -= DisplayWidth.of(last) }
                return out + "…"
            }
            out.append(c)
            used += w
        }
        return out
    }

    /// Lines of at most `width` columns, broken at spaces where possible; paragraphs (`\n`) are kept.
    /// A word wider than the line is broken between grapheme clusters, never inside one.
    public func wrapped(toWidth width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in self.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let w = word.displayWidth
                if lineWidth > 0 && lineWidth + 1 + w > width {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                } else if lineWidth > 0 || (!line.isEmpty) {
                    line.append(" ")
                    lineWidth += 1
                }
                if w <= width - lineWidth {
                    line += word
                    lineWidth += w
                    continue
                }
                for c in word {
                    let cw = DisplayWidth.of(c)
                    if lineWidth + cw > width {
                        lines.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    line.append(c)
                    lineWidth += cw
                }
            }
            lines.append(line)
        }
        return lines
    }
}
