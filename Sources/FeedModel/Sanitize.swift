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

extension Sanitize {
    /// What an importer keeps of a source's text: no control character. A tab becomes a space, a CR ends a line
    /// (a CRLF one), any other C0 or DEL its control picture (ESC → ␛) and C1 U+FFFD, so the text still says what was
    /// there; a text of one line (`multiline` false) has its newlines as spaces too. Bidi marks are text: kept.
    /// `marks` (UTF-8 offsets into the text) are moved with what they follow.
    public static func imported(_ text: String, multiline: Bool = false, marks: inout [LinkMark]) -> String {
        guard hasControl(text, multiline: multiline) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        // Where each byte of the old text starts in the new one, for the marks (one past the end included).
        var moved = marks.isEmpty ? [] : [Int](repeating: 0, count: bytes.count + 1)
        var i = 0
        while i < bytes.count {
            if !moved.isEmpty { moved[i] = out.count }
            let b = bytes[i]
            if b == 0x0A {
                out.append(multiline ? 0x0A : 0x20)
            } else if b == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                    // The CR of a CRLF goes: the LF ends the line.
                } else {
                    out.append(multiline ? 0x0A : 0x20)
                }
            } else if b == 0x09 {
                out.append(0x20)
            } else if b < 0x20 || b == 0x7F {
                // U+2400 + b (␀…␟), U+2421 for DEL: three bytes, E2 90 xx.
                out += [0xE2, 0x90, b == 0x7F ? 0xA1 : 0x80 + b]
            } else if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
                out += [0xEF, 0xBF, 0xBD]
                i += 1
                if !moved.isEmpty { moved[i] = out.count }
            } else {
                out.append(b)
            }
            i += 1
        }
        if !moved.isEmpty {
            moved[bytes.count] = out.count
            marks = marks.map { LinkMark(number: $0.number, end: moved[min(max(0, $0.end), bytes.count)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func imported(_ text: String, multiline: Bool = false) -> String {
        var none: [LinkMark] = []
        return imported(text, multiline: multiline, marks: &none)
    }

    public static func imported(_ text: String?) -> String? { text.map { imported($0) } }

    /// Whether `text` holds a byte `imported` changes: read as bytes, as fast as memory (every post of an import).
    static func hasControl(_ text: String, multiline: Bool) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            let n = bytes.count
            var i = 0
            var previous: UInt8 = 0
            while i < n {
                // Eight bytes at a time while none is below 0x20, DEL or the lead byte of a C1 control (and the
                // byte before them was not one).
                if previous != 0xC2, i + 8 <= n {
                    let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if !ByteWord.hasBelow(w, 0x20), !ByteWord.has(w, 0x7F), !ByteWord.has(w, 0xC2) {
                        i += 8
                        previous = 0
                        continue
                    }
                }
                let b = base[i]
                if b < 0x20 ? !(multiline && b == 0x0A) : b == 0x7F || (previous == 0xC2 && b < 0xA0 && b >= 0x80) { return true }
                previous = b
                i += 1
            }
            return false
        }
    }
}

extension Channel {
    /// The channel as an importer hands it on: no control character in any of its texts (`Sanitize.imported`).
    public mutating func removeControls() {
        title = Sanitize.imported(title)
        handle = Sanitize.imported(handle)
        language = Sanitize.imported(language)
        description = description.map { Sanitize.imported($0, multiline: true) }
        url = Sanitize.imported(url)
        for i in publications.indices { publications[i].removeControls() }
    }
}

extension Publication {
    public mutating func removeControls() {
        id = Sanitize.imported(id)
        permalink = Sanitize.imported(permalink)
        author = Sanitize.imported(author)
        text = Sanitize.imported(text, multiline: true, marks: &linkMarks)
        forwardedFrom = Sanitize.imported(forwardedFrom)
        replyTo = Sanitize.imported(replyTo)
        if links.contains(where: { Sanitize.hasControl($0, multiline: false) }) { links = links.map { Sanitize.imported($0) } }
        for i in media.indices {
            media[i].name = Sanitize.imported(media[i].name)
            media[i].url = Sanitize.imported(media[i].url)
            media[i].thumbnail = Sanitize.imported(media[i].thumbnail)
            for j in media[i].options.indices { media[i].options[j].text = Sanitize.imported(media[i].options[j].text) }
        }
        if var preview = linkPreview {
            preview.site = Sanitize.imported(preview.site)
            preview.title = Sanitize.imported(preview.title)
            preview.description = preview.description.map { Sanitize.imported($0, multiline: true) }
            preview.url = Sanitize.imported(preview.url)
            preview.image = Sanitize.imported(preview.image)
            linkPreview = preview
        }
        for i in reactionsByEmoji.indices { reactionsByEmoji[i].emoji = Sanitize.imported(reactionsByEmoji[i].emoji) }
    }
}
