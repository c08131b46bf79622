import XCTest

@testable import FeedModel

final class DisplayWidthTests: XCTestCase {
    func testWidths() {
        XCTAssertEqual("abc".displayWidth, 3)
        XCTAssertEqual("Привет".displayWidth, 6)
        XCTAssertEqual("日本語".displayWidth, 6)
        XCTAssertEqual("مرحبا".displayWidth, 5)
        XCTAssertEqual("🤡".displayWidth, 2)
        XCTAssertEqual("’".displayWidth, 1)
        XCTAssertEqual("e\u{301}".displayWidth, 1, "combining acute takes no column")
        XCTAssertEqual("👨‍👩‍👧".displayWidth, 6, "a ZWJ family is drawn as its three emoji")
        XCTAssertEqual("🇺🇦".displayWidth, 2, "a flag is two regional indicators of one column")
        XCTAssertEqual("❤️".displayWidth, 1, "VS16 changes nothing in the terminal's table")
        XCTAssertEqual("한국어".displayWidth, 6)
    }

    func testTruncationEndsInEllipsisInsideWidth() {
        XCTAssertEqual("Some thoughts".truncated(toWidth: 8), "Some th…")
        XCTAssertEqual("日本語テキスト".truncated(toWidth: 7), "日本語…")
        XCTAssertEqual("日本語テキスト".truncated(toWidth: 6), "日本…")
        XCTAssertEqual("ab👨‍👩‍👧cd".truncated(toWidth: 4), "ab…", "the family emoji is never split")
        XCTAssertEqual("short".truncated(toWidth: 10), "short")
        for w in 1...12 {
            XCTAssertLessThanOrEqual("Ünïcödé 日本 🇺🇦 👍🏽 e\u{301}".truncated(toWidth: w).displayWidth, w)
        }
    }

    func testWrapAtWordsByDisplayWidth() {
        XCTAssertEqual("one two three four".wrapped(toWidth: 9), ["one two", "three", "four"])
        XCTAssertEqual("日本語のテキスト".wrapped(toWidth: 6), ["日本語", "のテキ", "スト"])
        XCTAssertEqual("a\n\nb".wrapped(toWidth: 5), ["a", "", "b"])
        for line in "Привет мир 日本語 😀😀😀 فارسی".wrapped(toWidth: 5) {
            XCTAssertLessThanOrEqual(line.displayWidth, 5)
        }
    }
}

final class SanitizeTests: XCTestCase {
    func testControlsAndEscapesAreNeutralised() {
        let hostile = "red\u{1B}[31mtext\u{7}\u{9B}2J\r\nnext\u{202E}evil\u{2066}"
        let safe = Sanitize.forDisplay(hostile)
        XCTAssertFalse(safe.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        XCTAssertFalse(safe.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) })
        XCTAssertFalse(safe.contains("\u{202E}"))
        XCTAssertEqual(safe, "red␛[31mtext␇\u{FFFD}2J\nnextevil")
        XCTAssertEqual(Sanitize.line("a\nb\tc"), "a b    c")
        XCTAssertEqual(Sanitize.forDisplay("plain ✓"), "plain ✓")
    }

    /// A control is found wherever it falls among the eight-byte words `hasControl` passes over: a C1 control's two
    /// bytes split across two words included.
    func testAControlIsFoundAtEveryPlace() {
        for control in ["\u{1}", "\u{7F}", "\u{9D}", "\u{80}", "\r"] {
            for place in 0..<20 {
                let text = String(repeating: "a", count: place) + control + String(repeating: "é", count: 12)
                XCTAssertTrue(Sanitize.hasControl(text, multiline: true), "\(control.debugDescription) after \(place) bytes")
                XCTAssertFalse(Sanitize.imported(text, multiline: true).unicodeScalars.contains { Sanitize.isControl($0) && $0 != "\n" })
            }
        }
        XCTAssertFalse(Sanitize.hasControl(String(repeating: "é\nÂ¢ ", count: 9), multiline: true), "U+00C2 then U+00A2 is no control")
        XCTAssertTrue(Sanitize.hasControl("abc\ndef", multiline: false))
    }

    /// A line a command prints shows every control for what it is, and nothing of it reaches the terminal raw.
    func testPrintedLinesShowControlsEscaped() {
        let hostile = "Evil \u{1B}]0;pwned\u{07} \u{9B}31m \u{202E}txt.exe \u{2066}x\u{2069} \u{7F}\nnext\u{2028}"
        XCTAssertEqual(Sanitize.visible(hostile), "Evil ␛]0;pwned␇ <U+009B>31m <U+202E>txt.exe <U+2066>x<U+2069> ␡ next<U+2028>")
        XCTAssertFalse(Sanitize.visible(hostile).unicodeScalars.contains(where: Sanitize.isControl))
        XCTAssertEqual(Sanitize.visible("שלום עולם ✓"), "שלום עולם ✓", "text without controls is left as it is")
    }

    /// A link is found wherever it starts among the eight-byte words `links` passes over, in any letter case.
    func testALinkIsFoundAtEveryPlace() {
        for place in 0..<20 {
            for scheme in ["http", "HTTPS", "hTtP"] {
                let text = String(repeating: "é", count: place) + " \(scheme)://example.org/a?q=1 " + String(repeating: "hh ", count: place)
                XCTAssertEqual(TextScan.links(in: text), ["\(scheme)://example.org/a?q=1"], "after \(place) characters")
            }
        }
    }

    func testLinksAndCounts() {
        XCTAssertEqual(TextScan.links(in: "see (http://a.example/x). and https://b.example/y, end"),
                       ["http://a.example/x", "https://b.example/y"])
        XCTAssertEqual(TextScan.count("255 406"), Count(255_406))
        XCTAssertEqual(TextScan.count("1.2K"), Count(1200, approximate: true))
        XCTAssertEqual(TextScan.count("3.4M"), Count(3_400_000, approximate: true))
        XCTAssertNil(TextScan.count("views"))
        XCTAssertNil(TextScan.count("99999999999999999999"), "too large for Int64 is unknown, not a trap")
    }
}

final class SearchTextTests: XCTestCase {
    /// Every scalar folds as Foundation folds it on its own (a combining mark to nothing), whether its folding is
    /// kept in the table (up to three bytes) or in the dictionary (longer ones, and scalars past the plane), the
    /// first time and from what was kept.
    func testEveryScalarFoldsAsFoundationFoldsIt() {
        var folder = SearchText()
        let scalars = (0x80..<0x1_0000).compactMap(Unicode.Scalar.init) + (0x1_F300..<0x1_F700).compactMap(Unicode.Scalar.init)
        var longer = 0
        for _ in 0..<2 {
            for scalar in scalars {
                let expected = SearchText.folded(scalar)
                if expected.count > 3 { longer += 1 }
                XCTAssertEqual(Array(folder.fold(String(scalar)).utf8), expected, "U+\(String(scalar.value, radix: 16))")
            }
        }
        XCTAssertGreaterThan(longer, 0)
        XCTAssertEqual(folder.fold("Tiếng VIỆT, Straße, ΚΕΊΜΕΝΟ, Ёлка, ﬃ, 新闻 🎉"), "tieng viet, strasse, κειμενο, елка, ffi, 新闻 🎉")
        XCTAssertEqual(SearchText.folded("\u{0301}"), [])
    }

    /// The scalars the search index folds a text into are those of its folding as a string: scalar by scalar, for
    /// texts of every script, ones of long foldings only (the buffer grows while folding), and a buffer kept from
    /// a longer text before.
    func testFoldingIntoScalarsGivesTheFoldedStringsScalars() {
        var folder = SearchText()
        var reference = SearchText()
        var out: [UInt32] = []
        func check(_ text: String, _ what: String) {
            let count = folder.fold(text, scalars: &out)
            XCTAssertEqual(Array(out[0..<count]), reference.fold(text).unicodeScalars.map(\.value), what)
        }
        let scalars = (0x1..<0x1_0000).compactMap(Unicode.Scalar.init) + (0x1_F300..<0x1_F700).compactMap(Unicode.Scalar.init)
        for scalar in scalars { check(String(scalar), "U+\(String(scalar.value, radix: 16))") }
        var everything = ""
        everything.unicodeScalars.append(contentsOf: scalars)
        check(everything, "every scalar at once")
        let long = scalars.filter { SearchText.folded($0).count > 3 }
        XCTAssertGreaterThan(long.count, 10)
        var longOnly = ""
        longOnly.unicodeScalars.append(contentsOf: Array(repeating: long, count: 50).joined())
        check(longOnly, "long foldings only")
        check("Tiếng VIỆT, Straße, ΚΕΊΜΕΝΟ, Ёлка, ﬃ, 新闻 🎉 e\u{301}", "a short text after longer ones")
        check("", "nothing")
        for page in ["tme/any2feed-topwar-full.html", "rss/plaszeb-geopolitics-telethon.xml"] {
            check(String(decoding: SampleFiles.fixture(page), as: UTF8.self), page)
        }
    }

    /// "http" in any case at any place, across the eight-byte words the scan skips by, and nothing shorter than an
    /// address can be.
    func testATextMayHoldAnAddressWhereverItsHttpIs() {
        let filler = "Река старый, 東京 — words "
        for offset in 0..<17 {
            let prefix = String(repeating: "x", count: offset)
            for http in ["http", "HTTP", "hTtP"] {
                var text = prefix + filler + http + "s://a.b"
                XCTAssertTrue(text.withUTF8(TextScan.mayContainURL), text)
                text = prefix + filler + "htt p://a.b hh tt"
                XCTAssertFalse(text.withUTF8(TextScan.mayContainURL), text)
            }
        }
        var short = "http://a."
        XCTAssertFalse(short.withUTF8(TextScan.mayContainURL), "shorter than any address")
        XCTAssertTrue(HTMLText.mayContainURL("see HTTP://example.org"))
        for url in ["http://a.b", "https://a.b", "HTTP://A.B", "hTTpS://x"] { XCTAssertTrue(HTMLText.isWebURL(url), url) }
        for url in ["http:/a.b", "https:a.b", "ftp://a.b", "http", "https:/", "", " http://a.b", "httpx://a"] {
            XCTAssertFalse(HTMLText.isWebURL(url), url)
        }
    }

    func testFoldIgnoresCaseAndDiacritics() {
        XCTAssertEqual(SearchText.fold("Tiếng VIỆT"), "tieng viet")
        XCTAssertEqual(SearchText.fold("ÉCOLE Ünïcödé"), "ecole unicode")
        XCTAssertEqual(SearchText.fold("ПРИВЕТ Мир"), "привет мир")
        XCTAssertEqual(SearchText.fold("e\u{301}"), "e", "a combining mark is dropped")
        XCTAssertEqual(SearchText.fold("日本語 🤡"), "日本語 🤡")
    }

    func testContainsComparesFoldedBytes() {
        let hay = SearchText.fold("Happy Equinox / Nowruz — Tiếng Việt")
        XCTAssertTrue(SearchText.contains(hay, SearchText.fold("NOWRUZ")))
        XCTAssertTrue(SearchText.contains(hay, SearchText.fold("tieng viet")))
        XCTAssertTrue(SearchText.contains(hay, ""))
        XCTAssertFalse(SearchText.contains(hay, "nowruzz"))
        XCTAssertFalse(SearchText.contains("ab", "abc"))
        XCTAssertTrue(SearchText.contains("aaab", "aab"), "a first-byte candidate that fails is passed over")
    }
}
