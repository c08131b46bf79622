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

    /// Folding UTF-8 bytes gives Foundation's folding of each scalar: every scalar, long foldings, real pages; bytes
    /// that are not UTF-8 fold as the String they make (each bad piece a U+FFFD), after what the buffer held.
    func testFoldingBytesGivesTheFoldedStringsBytes() {
        var folder = SearchText()
        var out: [UInt8] = Array("kept\n".utf8)
        // Foundation's folding of each scalar, one at a time (`fold(_:)` of a String folds through this very code).
        var foldings: [Unicode.Scalar: [UInt8]] = [:]
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            String(decoding: bytes, as: UTF8.self).unicodeScalars.flatMap { scalar in
                if let known = foldings[scalar] { return known }
                let folded = SearchText.folded(scalar)
                foldings[scalar] = folded
                return folded
            }
        }
        func check(_ bytes: [UInt8], _ what: String) {
            let end = bytes.withUnsafeBytes { folder.fold(utf8: $0, into: &out, at: 5) }
            XCTAssertEqual(Array(out[0..<end]), Array("kept\n".utf8) + reference(bytes), what)
        }
        let scalars = (0x1..<0x1_0000).compactMap(Unicode.Scalar.init) + (0x1_F300..<0x1_F700).compactMap(Unicode.Scalar.init)
        for scalar in scalars { check(Array(String(scalar).utf8), "U+\(String(scalar.value, radix: 16))") }
        var everything = ""
        everything.unicodeScalars.append(contentsOf: scalars)
        check(Array(everything.utf8), "every scalar at once")
        var longOnly = ""
        longOnly.unicodeScalars.append(contentsOf: Array(repeating: scalars.filter { SearchText.folded($0).count > 3 }, count: 50).joined())
        check(Array(longOnly.utf8), "long foldings only: the buffer grows")
        for page in ["tme/any2feed-topwar-full.html", "rss/plaszeb-geopolitics-telethon.xml"] { check(Array(SampleFiles.fixture(page)), page) }
        let bad: [[UInt8]] = [
            [0xFF], [0x80], [0xC3], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x8E],
            Array("Straße".utf8) + [0xE2, 0x82] + Array("ÉTÉ".utf8), Array("ABCDEFGH".utf8) + [0xFE] + Array("IJKLMNOP".utf8),
        ]
        for bytes in bad { check(bytes, "bad \(bytes)") }
        check([], "nothing")
    }

    /// A stored record holds a needle exactly when folding the publication's searchable text and looking in it finds
    /// it: real posts of every importer, every piece of their text, and records that are damaged or odd.
    func testARecordHoldsWhatItsPublicationsTextHolds() throws {
        let coder = NativeRecordCoder()
        var matcher = RecordMatcher()
        var folder = SearchText()
        // What a search looked through before records were read as bytes: the record's fields as JSON values (a
        // null as absent, a value of another type making it no record).
        func reference(_ record: Data) -> String? {
            guard let value = try? JSONReader.reading(record, { reader in
                var reader = reader
                return Result { () throws(ParseFailure) in try reader.value() }.mapError { FeedError($0.message) }
            }), case .object(let fields) = value else { return nil }
            func string(_ value: JSON?) -> String?? {
                switch value {
                case nil, .null?: return .some(nil)
                case .string(let s)?: return s
                default: return nil
                }
            }
            guard let text = string(fields["text"]), let from = string(fields["forwardedFrom"]) else { return nil }
            var links: [String] = []
            switch fields["links"] {
            case nil, .null?: break
            case .array(let items)?:
                for item in items {
                    guard case .string(let s) = item else { return nil }
                    links.append(s)
                }
            default: return nil
            }
            var preview: LinkPreview?
            switch fields["linkPreview"] {
            case nil, .null?: break
            case .object(let o)?:
                guard let site = string(o["site"]), let title = string(o["title"]), let description = string(o["description"]),
                    let url = string(o["url"]), let image = string(o["image"])
                else { return nil }
                preview = LinkPreview(site: site, title: title, description: description, url: url, image: image)
            default: return nil
            }
            return Publication.searchableText(text: text ?? "", linkPreview: preview, links: links, forwardedFrom: from)
        }
        func check(_ record: Data, _ needles: [String], _ what: String) {
            let text = reference(record).map { folder.fold($0) }
            XCTAssertEqual(NativeRecordCoder.searchableText(record).map { folder.fold($0) }, text, what)
            for needle in needles {
                var n = folder.fold(needle)
                let holds = record.withUnsafeBytes { r in n.withUTF8 { matcher.holds(r, UnsafeRawBufferPointer($0)) } }
                XCTAssertEqual(holds, text.map { SearchText.contains($0, n) } ?? false, "\(what): \(needle)")
            }
        }
        var posts: [Publication] = []
        for page in ["tme/any2feed-topwar-full.html", "realworld/tme-fieldnotes.html"] {
            posts += try XCTUnwrap(TMeImporter.load(SampleFiles.fixture(page)).first).publications
        }
        posts += try XCTUnwrap(RSSImporter.load(SampleFiles.fixture("rss/plaszeb-geopolitics-telethon.xml")).first).publications
        posts += try XCTUnwrap(RSSImporter.load(SampleFiles.fixture("realworld/rss-wild.xml")).first).publications
        XCTAssertGreaterThan(posts.count, 50)
        for (k, post) in posts.enumerated() {
            let text = Array(post.searchableText)
            // Pieces from every part of the text, across the parts' newlines, and one no post holds.
            let pieces = stride(from: 0, to: text.count, by: max(1, text.count / 7)).map { String(text[$0..<min(text.count, $0 + 1 + ($0 + k) % 23)]) }
            check(coder.record(post), pieces + ["\n", "zzqx-none", String(text.suffix(9)).uppercased()], "post \(k) \(post.id)")
        }
        // Odd records, made from a real one with its searchable fields replaced.
        var post = try XCTUnwrap(posts.first { $0.linkPreview != nil && !$0.links.isEmpty })
        post.forwardedFrom = "Ёлка Channel"
        let record = String(decoding: coder.record(post), as: UTF8.self)
        let texts = [
            #""text":"Caf\u00e9 \ud83c\udf89 x\ud800y \"q\" a\\b\/c\n\t""#, #""text":null"#, #""text":"one","text":"Two""#,
            #""text":"","links":["A\"B",null]"#, #""text":5"#, #""text":"cut"#, #""links":{"a":1},"text":"x""#,
            #""linkPreview":{"image":3,"title":"T"},"text":"x""#, #""linkPreview":{"url":null,"title":"Titre Été","site":"S","extra":[1,{"b":2}]},"text":"y""#,
            #""text":"x","forwardedFrom":"F1","forwardedFrom":null"#,
            // A phrase held only with a capital, only with a combining accent inside, or also as it is written.
            #""text":"FAST Secure""#, #""text":"fas\u0301t secure""#, #""text":"Fast secure, fast secure""#, #""text":"fast\nsecure""#,
        ]
        let needles = [
            "cafe", "🎉", "y \"q\" a\\b/c", "two", "one", "a\"b", "titre ete\ns", "s\ntitre", "x\nf1", "ёлка", "t\nx", "\u{FFFD}", "ete", "x",
            "fast secure", "t secure", "fast\nsecure",
        ]
        for text in texts {
            let odd = record.replacingOccurrences(of: #""text":"# + String(decoding: try JSONEncoder().encode(post.text), as: UTF8.self), with: text)
            XCTAssertNotEqual(odd, record)
            check(Data(odd.utf8), needles, text)
        }
        // Bytes that are not UTF-8 in a text, and records that are not records.
        for bytes: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80]] {
            let odd = Data(#"{"id":"x","text":"caf"#.utf8) + Data(bytes) + Data(#"e Été"}"#.utf8)
            check(odd, ["caf", "\u{FFFD}e ete", "e ete"], "bad bytes \(bytes)")
        }
        for odd in ["", "[]", "{", "{\"text\":", "null", "{\"text\":\"a\\q\"}"] { check(Data(odd.utf8), ["a", ""], "not a record: \(odd)") }
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
        for url in ["http://a.b", "https://a.b", "HTTP://A.B", "hTTpS://x", "http://", "https://"] { XCTAssertTrue(HTMLText.isWebURL(url), url) }
        for url in ["http:/a.b", "https:a.b", "ftp://a.b", "http", "https:/", "", " http://a.b", "httpx://a", "httpS:/", "https//a.b"] {
            XCTAssertFalse(HTMLText.isWebURL(url), url)
        }
        // An href as a browser reads it: tabs and newlines out, other controls (C0, DEL, C1) percent-encoded.
        XCTAssertEqual(HTMLText.address(" https://a.b/x\ny\tz\u{7F}\u{85}\u{1B}w "), "https://a.b/xyz%7F%C2%85%1Bw")
        XCTAssertEqual(HTMLText.address("https://a.b/é\u{A0}x"), "https://a.b/é\u{A0}x", "C2 A0 is no C1 control")
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
