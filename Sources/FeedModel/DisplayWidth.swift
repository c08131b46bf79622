/// Terminal column widths, and the form in which text is drawn. ncurses places every character by the C library's
/// `wcwidth`, and so do tmux, xterm and most terminals; the rules here are that table (glibc 2.36, Unicode 14) written
/// out, so that layout never depends on the locale. A terminal cell holds one spacing character and at most four
/// zero-width characters after it (ncurses silently drops the rest), so a grapheme cluster is drawn as a run of
/// such cells, its `glyphs`; its width is theirs. A cluster is never split by wrapping or truncation.
public enum DisplayWidth {
    /// What one terminal cell (two for a wide character) shows: a spacing character and the zero-width ones on it.
    public struct Glyph: Equatable, Sendable {
        public var text: String
        public var width: Int
    }

    /// Zero-width characters a cell holds after its spacing character (ncurses' CCHARW_MAX is 5).
    public static let marksPerCell = 4
    /// Carries zero-width characters that have no spacing character to sit on (Unicode's way to show a lone mark).
    static let carrier: Unicode.Scalar = "\u{00A0}"
    /// Stands for a character the terminal's table does not know (it would draw nothing, or garbage).
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    public static func of(_ c: Character) -> Int {
        if c.isASCII { return 1 }  // a printable character, or a control drawn as the replacement
        return glyphs(c).reduce(0) { $0 + $1.width }
    }

    /// The cells a cluster is drawn as. Emoji ZWJ sequences lose their joiners (their emoji stand one after another,
    /// a width every terminal agrees on), emoji tag sequences their tags; regional indicators stay two cells.
    public static func glyphs(_ c: Character) -> [Glyph] {
        let scalars = Array(c.unicodeScalars)
        var out: [Glyph] = []
        var marks = 0
        for (i, s) in scalars.enumerated() {
            if isEmojiJoiner(scalars, at: i) || (isTag(s) && scalars[0].properties.isEmoji) { continue }
            switch columns(s) {
            case nil:
                out.append(Glyph(text: String(replacement), width: 1))
                marks = 0
            case 0:
                if out.isEmpty && isJoinerOrSelector(s) { continue }  // nothing to join or select
                if out.isEmpty || marks == marksPerCell {
                    out.append(Glyph(text: String(carrier), width: 1))
                    marks = 0
                }
                out[out.count - 1].text.unicodeScalars.append(s)
                marks += 1
            case let w?:
                out.append(Glyph(text: String(s), width: w))
                marks = 0
            }
        }
        return out
    }

    /// The terminal's width of one character (`wcwidth`): 0, 1 or 2, nil when its table does not know it
    /// (unassigned, newer than Unicode 14, a control character, NUL included, or a line or paragraph separator).
    public static func columns(_ s: Unicode.Scalar) -> Int? {
        let v = s.value
        if v < 0x300 { return v < 0x20 || (0x7F...0x9F).contains(v) ? nil : 1 }  // NUL too: it ends C strings
        let p = s.properties
        switch p.generalCategory {
        case .unassigned, .surrogate, .control, .lineSeparator, .paragraphSeparator: return nil
        default: break
        }
        if v == 0x1171E { return 0 }  // a nonspacing mark in Unicode 14, a spacing one since
        guard let age = p.age, age.major < 14 || (age.major == 14 && age.minor == 0) else { return nil }
        if prependedConcatenationMarks.contains(v) { return 1 }
        switch p.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return 0 }  // Hangul vowels and finals
        return isWide(v) ? 2 : 1
    }

    /// A ZWJ between two emoji (the joiner of an emoji ZWJ sequence).
    static func isEmojiJoiner(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        guard scalars[i].value == 0x200D, i > 0, i + 1 < scalars.count else { return false }
        let before = scalars[..<i].last { columns($0) != 0 }
        return before.map(isEmoji) == true && isEmoji(scalars[i + 1])
    }

    static func isEmoji(_ s: Unicode.Scalar) -> Bool { s.value > 0xFF && s.properties.isEmoji }

    static func isTag(_ s: Unicode.Scalar) -> Bool { (0xE0020...0xE007F).contains(s.value) }

    /// Joiners and selectors: ZWNJ, ZWJ, word joiner, zero width no-break space, variation selectors.
    static func isJoinerOrSelector(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180B...0x180F, 0xFE00...0xFE0F, 0xE0100...0xE01EF: true
        default: false
        }
    }

    /// Format characters that are one column wide all the same (Prepended_Concatenation_Mark).
    static let prependedConcatenationMarks: Set<UInt32> = [
        0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD,
    ]

    static func isWide(_ v: UInt32) -> Bool {
        var lo = 0
        var hi = wide.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if v < wide[mid].lowerBound {
                hi = mid - 1
            } else if v > wide[mid].upperBound {
                lo = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Wide and Fullwidth (EastAsianWidth.txt, Unicode 14, W and F) as glibc takes them, with its
    /// additions U+3248–324F and U+4DC0–4DFF; zero-width and unassigned characters are ruled out before.
    static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3, 0x25FD...0x25FE,
        0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE,
        0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA,
        0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755,
        0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFB, 0x3000...0x3029, 0x302E...0x303E, 0x3041...0x3096,
        0x309B...0x30FF, 0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E3, 0x31F0...0x321E, 0x3220...0xA48C, 0xA490...0xA4C6,
        0xA960...0xA97C, 0xAC00...0xD7A3, 0xF900...0xFA6D, 0xFA70...0xFAD9, 0xFE10...0xFE19, 0xFE30...0xFE52, 0xFE54...0xFE66,
        0xFE68...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE3, 0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5,
        0x18D00...0x18D08, 0x1AFF0...0x1AFF3, 0x1AFF5...0x1AFFB, 0x1AFFD...0x1AFFE, 0x1B000...0x1B122, 0x1B150...0x1B152, 0x1B164...0x1B167,
        0x1B170...0x1B2FB, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202, 0x1F210...0x1F23B,
        0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265, 0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393,
        0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC,
        0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596, 0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F,
        0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6DD...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
        0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FA74, 0x1FA78...0x1FA7C,
        0x1FA80...0x1FA86, 0x1FA90...0x1FAAC, 0x1FAB0...0x1FABA, 0x1FAC0...0x1FAC5, 0x1FAD0...0x1FAD9, 0x1FAE0...0x1FAE7, 0x1FAF0...0x1FAF6,
        0x20000...0x2A6DF, 0x2A700...0x2B738, 0x2B740...0x2B81D, 0x2B820...0x2CEA1, 0x2CEB0...0x2EBE0, 0x2F800...0x2FA1D, 0x30000...0x3134A
    ]
}

extension StringProtocol {
    /// Columns this text takes on a terminal (a single line: a control character counts as its replacement).
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
