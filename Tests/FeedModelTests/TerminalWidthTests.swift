import FeedModel
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The C library's `wcwidth`, looked up at run time (Glibc's Swift module does not declare it).
private func cWcwidth() throws -> @convention(c) (wchar_t) -> Int32 {
    let symbol = try XCTUnwrap(dlsym(dlopen(nil, RTLD_NOW), "wcwidth"), "the C library has no wcwidth")
    return unsafeBitCast(symbol, to: (@convention(c) (wchar_t) -> Int32).self)
}

final class TerminalWidthTests: XCTestCase {
    /// The table in DisplayWidth is the C library's: ncurses and tmux place characters by `wcwidth`.
    func testColumnsMatchTheCLibraryForEveryAssignedCodePoint() throws {
        let previous = setlocale(LC_CTYPE, nil).map { String(cString: $0) }
        defer { _ = setlocale(LC_CTYPE, previous) }
        XCTAssertNotNil(setlocale(LC_CTYPE, "C.UTF-8"), "the C.UTF-8 locale is needed to read the C library's widths")
        let wcwidth = try cWcwidth()
        var compared = 0
        var differences: [String] = []
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v), s.properties.generalCategory != .unassigned else { continue }
            // Documented exception: NUL, which wcwidth counts as 0, is a control like the others (it ends C strings).
            if v == 0 { continue }
            compared += 1
            let libc = Int(wcwidth(wchar_t(bitPattern: v)))
            let ours = DisplayWidth.columns(s) ?? -1
            if libc != ours { differences.append("U+\(String(v, radix: 16, uppercase: true)) wcwidth \(libc) ours \(ours)") }
        }
        XCTAssertGreaterThan(compared, 280_000)
        XCTAssertEqual(differences.count, 0, differences.prefix(40).joined(separator: "\n"))
    }

    private func cells(_ text: String) -> [String] {
        text.flatMap { DisplayWidth.glyphs($0).map(\.text) }
    }

    func testClustersTheTerminalCannotHoldInOneCellAreRunsOfCells() {
        XCTAssertEqual(cells("नमस्ते"), ["न", "म", "स\u{94D}", "त\u{947}"])
        XCTAssertEqual(cells("कि"), ["क", "\u{93F}"], "a spacing vowel sign is a cell of its own")
        XCTAssertEqual(cells("বাংলা"), ["ব", "\u{9BE}", "\u{982}", "ল", "\u{9BE}"])
        XCTAssertEqual(cells("น้ำ"), ["น\u{E49}", "\u{E33}"], "Thai SARA AM is kept")
        XCTAssertEqual(cells("न्ही"), ["न\u{94D}", "ह", "\u{940}"])
        XCTAssertEqual(cells("\u{1112}\u{1161}\u{11AB}"), ["\u{1112}\u{1161}\u{11AB}"], "Hangul jamo make one wide cell")
        XCTAssertEqual("\u{1112}\u{1161}\u{11AB}".displayWidth, 2)
    }

    func testEmojiSequencesAreDrawnInAFormOfKnownWidth() {
        XCTAssertEqual(cells("🇺🇦"), ["🇺", "🇦"], "regional indicators, never letters")
        XCTAssertEqual(cells("👨‍👩‍👧"), ["👨", "👩", "👧"], "a ZWJ sequence loses its joiners")
        XCTAssertEqual(cells("👩🏽‍💻"), ["👩", "🏽", "💻"])
        XCTAssertEqual("👩🏽‍💻".displayWidth, 6)
        XCTAssertEqual(cells("👍🏿"), ["👍", "🏿"])
        XCTAssertEqual(cells("❤️"), ["❤\u{FE0F}"], "VS16 stays on its emoji, at the width the terminal gives it")
        XCTAssertEqual(cells("1️⃣"), ["1\u{FE0F}\u{20E3}"])
        XCTAssertEqual("1️⃣".displayWidth, 1)
        XCTAssertEqual(cells("🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"), ["🏴"], "tags dropped")
    }

    func testNothingIsLostToTheFourMarksACellHolds() {
        let stack = "a\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}"
        XCTAssertEqual(cells(stack), ["a\u{301}\u{302}\u{303}\u{304}", "\u{A0}\u{305}\u{306}"])
        XCTAssertEqual(stack.displayWidth, 2)
        XCTAssertEqual(cells("\u{301}x"), ["\u{A0}\u{301}", "x"], "a lone mark sits on a no-break space")
        XCTAssertEqual(cells("\u{1FAE8}"), ["\u{FFFD}"], "unknown to the terminal's table: a visible replacement")
        XCTAssertEqual(cells("\u{200D}"), [], "a joiner with nothing to join")
    }

    /// Every cell is what curses keeps whole: a spacing character and at most four zero-width ones; and every code
    /// point of the text is in some cell, except the joiners and tags the emoji form drops.
    func testEveryCodePointReachesACell() {
        let samples = [
            "नमस्ते दुनिया", "বাংলা ভাষা", "தமிழ் மொழி", "മലയാളം", "น้ำใจ", "한국어 \u{1100}\u{1161}", "日本語", "مَرْحَبًا",
            "שָׁלוֹם", "می‌خواهم", "👨‍👩‍👧 👩🏽‍💻 🏳️‍🌈 🇺🇦 1️⃣ #️⃣", "Z\u{351}\u{357}\u{352}\u{353}\u{354}\u{355}\u{356}",
        ]
        for text in samples {
            var drawn = String.UnicodeScalarView()
            for c in text {
                for g in DisplayWidth.glyphs(c) {
                    let scalars = Array(g.text.unicodeScalars)
                    XCTAssertGreaterThanOrEqual(DisplayWidth.columns(scalars[0]) ?? 0, 1, "\(text): a cell starts with a spacing character")
                    XCTAssertEqual(DisplayWidth.columns(scalars[0]), g.width)
                    XCTAssertTrue(scalars.dropFirst().allSatisfy { DisplayWidth.columns($0) == 0 })
                    XCTAssertLessThanOrEqual(scalars.count, 1 + DisplayWidth.marksPerCell)
                    drawn.append(contentsOf: scalars.filter { $0 != "\u{A0}" })
                }
            }
            let expected = text.unicodeScalars.filter { $0 != "\u{200D}" }  // the samples' only ZWJs join emoji
            XCTAssertEqual(String(drawn), String(String.UnicodeScalarView(expected)), text)
        }
    }
}
