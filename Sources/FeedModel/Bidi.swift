import CFriBidi

/// The base direction of a paragraph.
public enum Direction: Sendable {
    case leftToRight, rightToLeft
}

/// Right-to-left text in visual order: GNU FriBidi resolves the Unicode bidi levels of a line (types, weak and
/// neutral rules, brackets, L1), and the line's grapheme clusters are then reordered whole (rule L2), so a letter
/// keeps its marks and a cluster is never split. A cluster at an odd (right-to-left) level is mirrored: `(` ↔ `)`.
public enum Bidi {
    /// From the first strong character (rules P2–P3); left to right when there is none.
    public static func direction(of text: some StringProtocol) -> Direction {
        guard text.unicodeScalars.contains(where: mayBeRightToLeft) else { return .leftToRight }
        let chars = text.unicodeScalars.map { FriBidiChar($0.value) }
        return cfb_first_strong(chars, Int32(chars.count)) == 1 ? .rightToLeft : .leftToRight
    }

    /// The clusters of one line in the order they are shown, left to right, with brackets mirrored where the
    /// line runs right to left (`rightToLeft`: the cluster is at an odd level).
    public static func visual(_ line: [Character], base: Direction) -> [(index: Int, char: Character, rightToLeft: Bool)] {
        let identity = line.indices.map { ($0, line[$0], false) }
        guard base == .rightToLeft || line.contains(where: { $0.unicodeScalars.contains(where: mayBeRightToLeft) })
        else { return identity }
        var chars: [FriBidiChar] = []
        var starts: [Int] = []
        for c in line {
            starts.append(chars.count)
            chars.append(contentsOf: c.unicodeScalars.map { FriBidiChar($0.value) })
        }
        var scalarLevels = [FriBidiLevel](repeating: 0, count: chars.count)
        guard cfb_line_levels(chars, Int32(chars.count), base == .rightToLeft ? 1 : 0, &scalarLevels) != 0 else {
            return identity
        }
        // A cluster takes its first character's level (its marks share it: rule W1).
        let levels = starts.map { Int(scalarLevels[$0]) }
        var order = Array(line.indices)
        // L2: from the highest level down to the lowest odd one, reverse every run at that level or higher.
        let lowestOdd = (levels.min() ?? 0) | 1
        var level = levels.max() ?? 0
        while level >= lowestOdd {
            var i = 0
            while i < order.count {
                guard levels[order[i]] >= level else {
                    i += 1
                    continue
                }
                var j = i
                while j < order.count && levels[order[j]] >= level { j += 1 }
                order[i..<j].reverse()
                i = j
            }
            level -= 1
        }
        return order.map { i in levels[i] % 2 == 1 ? (i, mirrored(line[i]), true) : (i, line[i], false) }
    }

    static func mirrored(_ c: Character) -> Character {
        var scalars = Array(c.unicodeScalars)
        var mirror: FriBidiChar = 0
        guard let first = scalars.first, fribidi_get_mirror_char(FriBidiChar(first.value), &mirror) != 0,
            let m = Unicode.Scalar(mirror)
        else { return c }
        scalars[0] = m
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        let text = String(s)
        return text.count == 1 ? Character(text) : c
    }

    /// A letter of a right-to-left script (its cells, when it needs several, read from the right too).
    public static func isRightToLeftLetter(_ c: Character) -> Bool {
        guard let first = c.unicodeScalars.first, mayBeRightToLeft(first) else { return false }
        return cfb_first_strong([FriBidiChar(first.value)], 1) == 1
    }

    /// Blocks holding right-to-left letters or Arabic digits; text without any needs no reordering.
    static func mayBeRightToLeft(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF: true
        default: false
        }
    }
}
