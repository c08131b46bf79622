import XCTest

@testable import FeedModel

final class RSSImporterTests: XCTestCase {
    static func fixture(_ name: String) -> Data {
        SampleFiles.fixture("rss/\(name)")
    }

    static func load(_ data: Data) throws -> Channel {
        try XCTUnwrap(RSSImporter.load(data).first)
    }

    func utc(_ s: String) -> Date { ISODate.parse(s)! }

    // MARK: plaszeb-geopolitics-telethon.xml (RSS 2.0)

    func testPlaszebChannelAndItems() throws {
        let c = try Self.load(Self.fixture("plaszeb-geopolitics-telethon.xml"))
        XCTAssertEqual(c.title, "Telegram feed: geopolitics_prime")
        XCTAssertEqual(c.url, "https://t.me/geopolitics_prime")
        XCTAssertEqual(c.description, "Generated from Telegram using Telethon")
        XCTAssertEqual(c.publications.count, 48)
        XCTAssertEqual(c.skipped.count, 0)
        // CRLF inside descriptions: no carriage return survives, paragraphs are kept.
        XCTAssertFalse(c.publications.contains { $0.text.contains("\r") })
        XCTAssertTrue(c.publications.allSatisfy { $0.utcOffset == 0 })

        let p = c.publications[0]
        XCTAssertEqual(p.id, "https://t.me/geopolitics_prime/54605")
        XCTAssertEqual(p.date, utc("2025-08-04T14:58:01Z"))
        // The item's link is its permalink, not a link of its text.
        XCTAssertEqual(p.permalink, "https://t.me/geopolitics_prime/54605")
        XCTAssertFalse(p.links.contains("https://t.me/geopolitics_prime/54605"))
        // The title is the description's start cut with "...": not repeated.
        XCTAssertTrue(
            p.text.hasPrefix(
                "✂️ THROWBACK: Gates outlines his master plan to cut population growth\n\n“[There is a] huge change in the mortality rates"
            ), p.text)
        XCTAssertTrue(p.text.hasSuffix("👍 Boost us | Chat | @geopolitics_prime"))
        XCTAssertNil(p.views)
        XCTAssertEqual(c.publications[1].date, utc("2025-08-04T14:17:01Z"))
        XCTAssertEqual(c.publications[1].id, "https://t.me/geopolitics_prime/54604")
    }

    /// A title the body already starts with is not written twice: compared with runs of white space as one space,
    /// a title cut with "..." or "…" by what precedes the cut; any other title goes above the body.
    func testATitleTheBodyStartsWithIsNotRepeated() throws {
        let cases: [(title: String, body: String, repeated: Bool)] = [
            ("Hello world", "Hello world and more", false),
            ("  Hello\n\tworld ", "Hello   world, said the post", false),
            ("Hello wor...", "Hello world", false),
            ("Привет, мир…", "Привет, мир! Длинный текст", false),
            ("Hello world", "Hello", true),
            ("Hello world", "Hello there", true),
            ("Hello...", "Goodbye", true),
            ("...", "Anything at all", false),
        ]
        for (title, body, repeated) in cases {
            let xml = "<rss version=\"2.0\"><channel><title>c</title><item><guid>1</guid><title>\(title)</title><description>\(body)</description></item></channel></rss>"
            let text = try Self.load(Data(xml.utf8)).publications[0].text
            XCTAssertEqual(text.hasPrefix(title.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n"), repeated, "\(title) | \(body): \(text)")
        }
    }

    func testDetection() {
        XCTAssertEqual(Format.detect(Self.fixture("plaszeb-geopolitics-telethon.xml")), .rss)
        XCTAssertEqual(Format.detect(Self.fixture("atom-rfc4287-minimal.xml")), .rss)
        XCTAssertEqual(Format.detect(Self.fixture("atom-rfc4287-extensive.xml")), .rss)
        XCTAssertEqual(Format.detect(Self.fixture("atom-dates.xml")), .rss)
        XCTAssertTrue(RSSImporter.recognizes(Data("\u{FEFF}<?xml version=\"1.0\"?>\n<!-- c -->\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">".utf8)))
        // A `<feed>` in no namespace, or another than Atom's, is read as Atom, as other readers read it.
        XCTAssertTrue(RSSImporter.recognizes(Data("<feed><title>Atom without its namespace</title></feed>".utf8)))
        XCTAssertTrue(RSSImporter.recognizes(Data("<r:rss xmlns:r=\"http://backend.userland.com/rss2\">".utf8)))
        XCTAssertFalse(RSSImporter.recognizes(Data("<html><body>&lt;rss</body></html>".utf8)))
    }

    // MARK: Atom (RFC 4287 examples)

    func testAtomMinimal() throws {
        let c = try Self.load(Self.fixture("atom-rfc4287-minimal.xml"))
        XCTAssertEqual(c.title, "Example Feed")
        XCTAssertEqual(c.url, "http://example.org/")
        XCTAssertEqual(c.publications.count, 1)
        let p = try XCTUnwrap(c.publications.first)
        XCTAssertEqual(p.id, "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a")
        XCTAssertEqual(p.date, utc("2003-12-13T18:30:02Z"))
        XCTAssertEqual(p.utcOffset, 0)
        XCTAssertEqual(p.text, "Atom-Powered Robots Run Amok\n\nSome text.")
        XCTAssertEqual(p.permalink, "http://example.org/2003/12/13/atom03")
        XCTAssertEqual(p.links, [])
    }

    func testAtomExtensive() throws {
        let c = try Self.load(Self.fixture("atom-rfc4287-extensive.xml"))
        XCTAssertEqual(c.title, "dive into mark")
        XCTAssertEqual(c.description, "A lot of effort went into making this effortless")
        XCTAssertEqual(c.url, "http://example.org/")
        let p = try XCTUnwrap(c.publications.first)
        XCTAssertEqual(p.id, "tag:example.org,2003:3.2397")
        // published (with its -04:00 zone) wins over updated.
        XCTAssertEqual(p.date, utc("2003-12-13T12:29:29Z"))
        XCTAssertEqual(p.utcOffset, -4 * 3600)
        XCTAssertEqual(p.text, "Atom draft-07 snapshot\n\n[Update: The Atom draft is finished.]")
        XCTAssertEqual(p.permalink, "http://example.org/2005/04/02/atom")
        XCTAssertEqual(p.links, [])
        XCTAssertEqual(
            p.media, [Media(kind: .audio, url: "http://example.org/audio/ph34r_my_podcast.mp3", size: 1337)])
    }

    func testAtomDatesWithAndWithoutZone() throws {
        let c = try Self.load(Self.fixture("atom-dates.xml"))
        XCTAssertEqual(c.publications.map(\.id), ["tag:example.org,2024:1", "tag:example.org,2024:2", "tag:example.org,2024:3"])
        let zoned = c.publications[0]
        XCTAssertEqual(zoned.date, utc("2024-02-29T20:15:00.250Z"))
        XCTAssertEqual(zoned.utcOffset, 3 * 3600)
        XCTAssertEqual(zoned.text, "With zone\n\nFirst & second\n\nThird")
        XCTAssertEqual(zoned.links, ["https://example.org/a"])
        XCTAssertEqual(zoned.media, [Media(kind: .video, url: "https://example.org/v.mp4", size: 2048, duration: 12)])
        // No date at all: kept, its date unknown.
        XCTAssertNil(c.publications[1].date)
        XCTAssertEqual(c.publications[1].text, "No date\n\nKept, with an unknown date.")
        let bare = c.publications[2]
        XCTAssertEqual(bare.date, utc("2024-03-01T08:00:00Z"))
        XCTAssertNil(bare.utcOffset)
        XCTAssertEqual(bare.text, "Without zone\n\nPlain 1 < 2, kept as text")
        XCTAssertEqual(c.skipped.count, 0)
    }

    // MARK: Dates

    func testRFC822Dates() throws {
        func check(_ s: String, _ iso: String, _ offset: Int?, file: StaticString = #filePath, line: UInt = #line) {
            let r = FeedDate.parse(s)
            XCTAssertEqual(r?.date, ISODate.parse(iso), s, file: file, line: line)
            XCTAssertEqual(r?.offset, offset, s, file: file, line: line)
        }
        check("Mon, 02 Jan 2006 15:04:05 GMT", "2006-01-02T15:04:05Z", 0)
        check("Mon, 02 Jan 2006 15:04:05 +0300", "2006-01-02T12:04:05Z", 10_800)
        check("Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z", -25_200)
        check("Mon, 02 Jan 2006 15:04:05 EST", "2006-01-02T20:04:05Z", -18_000)
        check("Sun, 6 Nov 1994 08:49 PDT", "1994-11-06T15:49:00Z", -25_200)
        check("02 Jan 06 15:04:05 UT", "2006-01-02T15:04:05Z", 0)
        check("Tue, 10 June 2003 04:00:00 +05:30", "2003-06-09T22:30:00Z", 19_800)
        check("Mon, 02 Jan 2006 15:04:05", "2006-01-02T15:04:05Z", nil)
        check("2006-01-02T15:04:05+03:00", "2006-01-02T12:04:05Z", 10_800)
        check("2006-01-02T15:04:05", "2006-01-02T15:04:05Z", nil)
        XCTAssertNil(FeedDate.parse("yesterday"))
        XCTAssertNil(FeedDate.parse("Mon, 32 Jan 2006 15:04:05 GMT"))
        // The last instant a timestamp can be written for, and past it: a wall clock in 9999 whose UTC is in 10000
        // (found by fuzz-rss: exported as "10000-01-01T11:59:59Z", which nothing reads back), or in year 0.
        check("Fri, 31 Dec 9999 23:59:59 GMT", "9999-12-31T23:59:59Z", 0)
        check("Fri, 31 Dec 9999 10:59:59 -1300", "9999-12-31T23:59:59Z", -46_800)
        XCTAssertNil(FeedDate.parse("Sun, 31 Dec 9999 23:59:59 -1200"))
        XCTAssertNil(FeedDate.parse("9999-12-31T23:59:59-12:00"))
        XCTAssertNil(FeedDate.parse("Mon, 01 Jan 0001 00:30:00 +0100"))
        XCTAssertNil(ISODate.parse("0001-01-01T00:00:00+00:01"))
        XCTAssertNil(FeedDate.parse(""))
    }

    // MARK: Bad input

    func testItemWithoutDateIsKept() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0">
            <channel>
            <title>Feed</title>
            <item>
            <title>Dated</title>
            <pubDate>Tue, 03 Jan 2006 10:00:00 GMT</pubDate>
            </item>
            <item>
            <title>Undated</title>
            <guid>u-1</guid>
            </item>
            </channel>
            </rss>
            """
        let c = try Self.load(Data(xml.utf8))
        // An item without a date is kept, with an unknown date, in the feed's order.
        XCTAssertEqual(c.publications.map(\.text), ["Dated", "Undated"])
        XCTAssertEqual(c.publications.map(\.id), ["item-1", "u-1"])
        XCTAssertNil(c.publications[1].date)
        XCTAssertEqual(c.skipped.count, 0)
    }

    func testTruncatedRSSKeepsCompleteItems() throws {
        let data = Self.fixture("plaszeb-geopolitics-telethon.xml")
        // Cut inside the 11th item's description.
        var ends: [Range<Data.Index>] = []
        var from = data.startIndex
        while let r = data[from...].firstRange(of: Data("</item>".utf8)) {
            ends.append(r)
            from = r.upperBound
        }
        XCTAssertEqual(ends.count, 48)
        let cut = ends[10].lowerBound - 40
        let c = try Self.load(data.prefix(upTo: cut))
        XCTAssertEqual(c.publications.count, 10)
        XCTAssertEqual(c.publications.last?.id, "https://t.me/geopolitics_prime/54596")
        XCTAssertEqual(c.skipped.count, 1)
        XCTAssertTrue(c.skipped.firstReason?.hasPrefix("file ends or breaks inside this item") == true, c.skipped.firstReason ?? "")
    }

    func testNotWellFormedAtTheTopIsOneLineError() {
        XCTAssertThrowsError(try RSSImporter.load(Data("<rss version=\"2.0\"><channel\n<title>".utf8))) { error in
            let e = error as? FeedError
            XCTAssertEqual(e?.line, 2)
            XCTAssertNotNil(e?.column)
            XCTAssertFalse(e?.description.contains("\n") ?? true)
            XCTAssertEqual(e?.column, 1)
            XCTAssertEqual(e?.message, "not well-formed XML: element name expected (XML error 68)")
        }
    }

    func testInvalidUTF8() throws {
        var data = Data("<?xml version=\"1.0\"?><rss><channel><title>Caf".utf8)
        data.append(contentsOf: [0xE9, 0xFF])
        data.append(Data("</title><item><title>Ok</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>".utf8))
        let c = try Self.load(data)
        // Bytes that are not UTF-8 are read as Windows-1252 (the usual mistake), as browsers and feedparser do.
        XCTAssertEqual(c.title, "Café\u{FF}")
        XCTAssertEqual(c.publications.count, 1)
    }

    /// Invalid UTF-8 is repaired chunk by chunk as the parser reads (128 KB at a time): in a 2 MB feed of mostly
    /// multi-byte text, damaged everywhere, the result is the one of repairing the file whole (Windows-1252 for
    /// each stray byte).
    func testInvalidUTF8ThroughoutALargeFile() throws {
        let words = ["Привет", "мир", "日本語の", "テキスト", "🎉", "ελληνικά", "한국어", "plain", "ภาษาไทย", "عربي"]
        var rng: UInt64 = 7
        func next() -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33)
        }
        var data = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Scripts</title>\n".utf8)
        for i in 0..<3_000 {
            let text = (0..<50).map { _ in words[next() % words.count] }.joined(separator: " ")
            data.append(Data("<item><guid>g\(i)</guid><description>".utf8))
            // A stray or truncated sequence after some of the ASCII words.
            for word in text.split(separator: " ") {
                data.append(Data((word + " ").utf8))
                if word == "plain", next() % 3 == 0 { data.append(contentsOf: [[0xFF], [0xE2, 0x82], [0xC3], [0x80, 0x80]][next() % 4]) }
            }
            data.append(Data("</description></item>\n".utf8))
        }
        data.append(Data("</channel></rss>\n".utf8))
        let repairedWhole = XMLRepair.repaired(data, windows1252: true)
        XCTAssertNotEqual(repairedWhole, data, "the file is damaged")
        let channel = try XCTUnwrap(try FeedLoader.load(data: data, format: .rss).first)
        XCTAssertEqual([channel], try FeedLoader.load(data: repairedWhole, format: .rss))
        XCTAssertEqual(channel.publications.count, 3_000)
        XCTAssertTrue(channel.publications[0].text.contains("â‚"), "E2 82 cut short: two Windows-1252 characters")
    }

    func testExternalEntityIsNeverFetched() {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>&x;</title>
            <item><title>&x;</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>
            """
        XCTAssertThrowsError(try RSSImporter.load(Data(xml.utf8))) { error in
            let text = (error as? FeedError)?.description ?? ""
            XCTAssertEqual((error as? FeedError)?.line, 2)
            XCTAssertTrue(text.hasSuffix("2: DOCTYPE declares entities; refused (entity expansion and external entities are never processed)"), text)
            XCTAssertFalse(text.contains("root:"))
        }
    }

    /// An XML declaration never closed hid the DOCTYPE's declarations from the look at the prolog, while libxml2
    /// recovered and read them (found by the rss fuzz target, through a leak of the document libxml2 made to hold
    /// them): libxml2's own report of the declaration stops the parse there, before any entity is used.
    func testAnEntityDeclaredPastABrokenXMLDeclarationIsRefused() {
        let xml = """
            <?xml version="1.0" encodinrs wanted</r:title>
            <!DOCTYPE rss [<!ENTITY lol "lollollollollollollollollol">]>
            <rss version="2.0"><channel><title>&lol;</title>
            <item><title>&lol;&lol;</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>
            """
        XCTAssertNil(RSSImporter.entityLine(Data(xml.utf8)), "the prolog's look does not see it")
        XCTAssertThrowsError(try RSSImporter.load(Data(xml.utf8))) { error in
            XCTAssertEqual((error as? FeedError)?.line, 2)
            XCTAssertTrue("\(error)".hasSuffix("DOCTYPE declares entities; refused (entity expansion and external entities are never processed)"), "\(error)")
        }
    }

    func testExternalDTDIsNotLoaded() throws {
        // A DOCTYPE without declarations is allowed, and its external DTD is never read.
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "file:///etc/passwd">
            <rss version="2.0"><channel><title>T</title>
            <item><title>Only this</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>
            """
        let c = try Self.load(Data(xml.utf8))
        XCTAssertEqual(c.publications.map(\.text), ["Only this"])
        XCTAssertFalse(c.title.contains("root:"))
    }

    func testBillionLaughsIsRefusedQuickly() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for i in 1...9 {
            let prev = i == 1 ? "lol" : "lol\(i - 1)"
            xml += "<!ENTITY lol\(i) \"" + String(repeating: "&\(prev);", count: 10) + "\">\n"
        }
        xml += "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title></channel></rss>\n"
        let start = Date()
        XCTAssertThrowsError(try RSSImporter.load(Data(xml.utf8))) { error in
            XCTAssertEqual((error as? FeedError)?.line, 3)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
    }

    func testEntityDeclarationAfterALongPrologIsStillRefused() {
        let comment = "<!-- " + String(repeating: "padding ", count: 300_000) + "-->\n"  // 2.4 MB
        let xml = "<?xml version=\"1.0\"?>\n" + comment
            + "<!DOCTYPE rss [ <!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p; ]>\n<rss><channel><title>t</title></channel></rss>"
        XCTAssertThrowsError(try RSSImporter.load(Data(xml.utf8))) { error in
            XCTAssertEqual((error as? FeedError)?.line, 3)
        }
    }

    func testEmptyFile() {
        XCTAssertThrowsError(try RSSImporter.load(Data()))
        XCTAssertThrowsError(try FeedLoader.load(data: Data("  \n".utf8), format: .rss)) { error in
            XCTAssertEqual((error as? FeedError)?.description, "empty file")
        }
    }

    func testHTMLDescriptionAndHTMLTitle() throws {
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;amp; B</title>
            <entry><title type="html">&lt;b&gt;Bold&lt;/b&gt; news</title><id>e1</id>
            <updated>2024-01-01T00:00:00Z</updated></entry></feed>
            """
        let a = try Self.load(Data(atom.utf8))
        XCTAssertEqual(a.title, "A & B")
        XCTAssertEqual(a.publications.first?.text, "Bold news")

        let rss = """
            <rss version="2.0"><channel><title>T</title><item><title>Headline</title>
            <description>&lt;p&gt;First paragraph with a &lt;a href="https://example.com/x?a=1&amp;amp;b=2"&gt;link&lt;/a&gt;.&lt;/p&gt;
            &lt;p&gt;Second&amp;nbsp;one&lt;br&gt;next line&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;</description>
            <link>https://example.com/item</link>
            <pubDate>Wed, 02 Oct 2002 08:00:00 EST</pubDate></item></channel></rss>
            """
        let p = try XCTUnwrap(Self.load(Data(rss.utf8)).publications.first)
        XCTAssertEqual(p.text, "Headline\n\nFirst paragraph with a link.\n\nSecond\u{00A0}one\nnext line")
        XCTAssertEqual(p.links, ["https://example.com/x?a=1&b=2"])
        XCTAssertEqual(p.permalink, "https://example.com/item")
        XCTAssertEqual(p.id, "https://example.com/item")
        XCTAssertEqual(p.date, utc("2002-10-02T13:00:00Z"))
        XCTAssertEqual(p.utcOffset, -5 * 3600)
    }

    func testDoublyEscapedHTMLShowsNoTags() throws {
        let rss = """
            <rss version="2.0"><channel><title>T</title><item>
            <description>&amp;lt;p&amp;gt;Fish &amp;amp;amp; chips, 1 &amp;lt; 2&amp;lt;/p&amp;gt;&amp;lt;p&amp;gt;More&amp;lt;/p&amp;gt;</description>
            <pubDate>Wed, 02 Oct 2002 08:00:00 GMT</pubDate></item></channel></rss>
            """
        let p = try XCTUnwrap(Self.load(Data(rss.utf8)).publications.first)
        XCTAssertEqual(p.text, "Fish & chips, 1 < 2\n\nMore")
    }

    func testRSS1AndEnclosures() throws {
        let xml = """
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
              xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel rdf:about="https://example.org/"><title>RDF &amp; co</title><link>https://example.org/</link>
              <description>About</description></channel>
            <item rdf:about="https://example.org/1"><title>One</title><link>https://example.org/1</link>
              <dc:date>2024-01-02T03:04:05Z</dc:date>
              <content:encoded><![CDATA[<p>Hello <b>world</b></p><script>x()</script><ul><li>a</li><li>b</li></ul>]]></content:encoded>
              <description>ignored, content:encoded wins</description>
            </item>
            </rdf:RDF>
            """
        let c = try Self.load(Data(xml.utf8))
        XCTAssertEqual(c.title, "RDF & co")
        XCTAssertEqual(c.url, "https://example.org/")
        let p = try XCTUnwrap(c.publications.first)
        XCTAssertEqual(p.text, "One\n\nHello world\n\n• a\n• b")
        XCTAssertEqual(p.id, "https://example.org/1")

        let rss = """
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>E</title>
            <item><title>Media</title><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate>
            <enclosure url="https://e.org/a.jpg" type="image/jpeg" length="0"/>
            <enclosure url="https://e.org/b.pdf" type="application/pdf" length="4096"/>
            <media:content url="https://e.org/a.jpg" medium="image"/>
            <enclosure url="javascript:alert(1)" type="image/png"/>
            </item></channel></rss>
            """
        let e = try XCTUnwrap(Self.load(Data(rss.utf8)).publications.first)
        XCTAssertEqual(e.media, [
            Media(kind: .photo, url: "https://e.org/a.jpg"), Media(kind: .file, url: "https://e.org/b.pdf", size: 4096),
        ])
    }
}
