import Foundation

/// Text from a source never reaches the terminal raw. Controls (C0, C1, DEL, and so ESC sequences) become
/// visible control pictures, bidi overrides and isolates are removed, line and paragraph separators
/// become newlines, tabs become spaces.
public enum Sanitize {
    public static func forDisplay(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsWork) else { return text }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            switch s.value {
            case 0x0A: out.append(s)
            case 0x09: out.append(contentsOf: "    ".unicodeScalars)
            case 0x0D: break  // CR of a CRLF; a lone CR would move the cursor.
            case 0x2028, 0x2029: out.append("\n")
            case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + s.value) ?? "\u{FFFD}")  // ␀…␟, e.g. ESC → ␛
            case 0x7F: out.append("\u{2421}")  // ␡
            case 0x80...0x9F: out.append("\u{FFFD}")
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: break
            default: out.append(s)
            }
        }
        return String(out)
    }

    /// The same, for one line: newlines become spaces.
    public static func line(_ text: String) -> String {
        forDisplay(text).replacingOccurrences(of: "\n", with: " ")
    }

    /// One line a command prints (not one the browser draws, where a right-to-left mark is part of the text): every
    /// control shown for what it is — C0 and DEL as control pictures (ESC → ␛), C1, separators and bidi controls as
    /// `<U+202E>` — so a hostile name reads as what it holds and moves nothing on the terminal.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0x0A, 0x09: out.append(" ")
            case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + s.value) ?? "\u{FFFD}")
            case 0x7F: out.append("\u{2421}")
            case _ where isControl(s): out.append(contentsOf: String(format: "<U+%04X>", s.value).unicodeScalars)
            default: out.append(s)
            }
        }
        return String(out)
    }

    private static func needsWork(_ s: Unicode.Scalar) -> Bool { s.value != 0x0A && isControl(s) }

    /// C0 (newlines and tabs too), DEL, C1, line and paragraph separators, and the bidi controls that reorder
    /// what a terminal shows: what a one-line value (a source, a tag) never holds.
    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
