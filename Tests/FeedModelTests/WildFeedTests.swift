import XCTest

@testable import FeedModel

/// Feeds as they are found in the wild (Resources/wild/): old formats, sloppy XML and broken encodings, read the
/// way a browser reads them.
final class WildFeedTests: XCTestCase {
    func load(_ name: String) throws -> Channel {
        let data = SampleFiles.fixture("wild/\(name)")
        XCTAssertEqual(Format.detect(data), .rss, name)
        return try XCTUnwrap(FeedLoader.load(data: data, format: .rss).first)
    }

    func utc(_ s: String) -> Date? { ISODate.parse(s) }

    // MARK: A recovering reader

    func testHTMLEntitiesStrayAmpersandsAndOpenTagsAreReadAsABrowserDoes() throws {
        let c = try load("html-entities-rss2.xml")
        XCTAssertEqual(c.title, "Le Café du Coin – Journal")
        XCTAssertEqual(c.description, "Nouvelles du café\u{A0}& de la rue")
        XCTAssertEqual(c.publications.count, 3, "every item, none lost to an entity, a stray & or an open <br>")
        XCTAssertEqual(c.skipped.count, 0)
        let first = c.publications[0]
        XCTAssertEqual(
            first.text,
            "Réouverture après travaux…\n\nNous rouvrons lundi ♦ fish & chips le vendredi © 2024 Café – voir "
                + "https://cafe-du-coin.example.fr/menu?jour=lundi&heure=12 &bogus; fin")
        XCTAssertEqual(first.links, ["https://cafe-du-coin.example.fr/menu?jour=lundi&heure=12"])
        // Unescaped HTML with an open <br> and <img>: the description still ends at its end tag.
        XCTAssertEqual(c.publications[1].text, "Menu de la semaine\n\nSoupe\nQuiche maison")
        // In CDATA an entity is the HTML's own, and a "&" is text.
        XCTAssertEqual(c.publications[2].text, "Horaires d’hiver\n\nOuvert 7h–19h & le dimanche matin")
        // The file's last tag lacks its ">": nothing is lost for it.
        XCTAssertEqual(c.publications[2].date, utc("2024-01-09T06:00:00Z"))
    }

    func testBrokenMarkupCostsAtMostItsElementAndIsCounted() throws {
        let c = try load("broken-markup-rss2.xml")
        XCTAssertEqual(
            c.publications.map(\.text),
            [
                "Road closure on Mill Lane\n\nClosed from Monday.\n\nDiversion via Church Street.",
                "Bin collection changes",
                "Budget consultation\n\nSpending must be < income, says the treasurer.",
                // After an error libxml2 drops named references (`&amp;`): they reach it as numeric ones.
                "Library hours\n\nBooks & maps: 9–5, groups < 10",
            ])
        XCTAssertEqual(c.publications.map(\.date), ["2024-03-04T09:00:00Z", "2024-03-01T09:00:00Z", "2024-02-28T12:00:00Z", "2024-02-27T08:00:00Z"].map(utc))
        XCTAssertEqual(c.publications[1].permalink, "https://council.example.gov.uk/notices/bins")
        XCTAssertEqual(
            c.publications[2].media,
            [Media(kind: .file, url: "https://council.example.gov.uk/files/budget.pdf", size: 48_213)], "an unquoted attribute is read")
        XCTAssertEqual(c.skipped.count, 0)
        // Not silent: the statistics say how many items were read past an error, and where the first was.
        XCTAssertEqual(
            c.notice, "3 items read past XML errors — first at line 15: closing tag does not match the open element (XML error 76)")
    }

    /// XML's five references after an error (which makes libxml2 drop named ones), in text and in attributes, each
    /// read for its character; names that only start like them are HTML's or text.
    func testXMLsOwnReferencesAfterAnError() throws {
        let c = try load("xml-entities-after-an-error.xml")
        XCTAssertEqual(
            c.publications.map(\.text),
            [
                "Harvest supper\n\nTickets from the shop.",
                "Quiz night: \"Who knows\" & 'Why not'\n\nTeams of 4 & under sign up",
                "Near misses: < &ltx; &amps; &quo; ' &gtgt; &AMP;\n\nScores: 3 > 2 < 5, \"close\"",
            ])
        XCTAssertEqual(c.publications[1].permalink, "https://parish.example.org/quiz?team=a&round=2")
        XCTAssertEqual(c.publications[1].links, ["https://parish.example.org/quiz?team=a&round=2"])
        XCTAssertEqual(c.notice, "3 items read past XML errors — first at line 7: closing tag does not match the open element (XML error 76)")
    }

    func testReadingGoesOnPastAnErrorToTheEndOfALargeFile() throws {
        // 3 000 items, about 450 KB: the parser takes the file in pieces of 128 KB, and an error in the first
        // item does not end the reading at the end of its piece.
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Long</title>\n"
        xml += "<item><title>Broken</titel><guid>b</guid></item>\n"
        for i in 1...3000 {
            xml += "<item><title>Item \(i)</title><guid>g\(i)</guid><description>Some words for item \(i), written out.</description>"
            xml += "<pubDate>Mon, 04 Mar 2024 09:00:00 GMT</pubDate></item>\n"
        }
        xml += "</channel></rss>\n"
        let c = try XCTUnwrap(RSSImporter.load(Data(xml.utf8)).first)
        XCTAssertEqual(c.publications.count, 3001)
        XCTAssertEqual(c.publications.last?.text, "Item 3000\n\nSome words for item 3000, written out.")
        XCTAssertEqual(c.notice, "3001 items read past XML errors — first at line 3: closing tag does not match the open element (XML error 76)")
    }

    func testTheIssuesExample() throws {
        let xml = """
            <rss version="2.0"><channel><title>T</title>
            <item><title>Caf&eacute; one</title><description>A&nbsp;B &hellip; &diams; R&D</description></item>
            <item><title>Two</title></item></channel></rss>
            """
        let c = try XCTUnwrap(RSSImporter.load(Data(xml.utf8)).first)
        XCTAssertEqual(c.publications.map(\.text), ["Café one\n\nA\u{A0}B … ♦ R&D", "Two"])
        // Atom and RDF alike.
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Caf&eacute;</title><entry><id>a</id>
            <title>Na&iuml;ve &mdash; &laquo;yes&raquo;</title><content type="html">&lt;p&gt;&amp;eacute; &amp;amp; x&lt;/p&gt; &hearts;</content>
            </entry></feed>
            """
        let a = try XCTUnwrap(RSSImporter.load(Data(atom.utf8)).first)
        XCTAssertEqual(a.title, "Café")
        XCTAssertEqual(a.publications.first?.text, "Naïve — «yes»\n\né & x\n\n♥")
        let rdf = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="x"><title>R&eacute;sum&eacute;s</title></channel>
            <item rdf:about="https://example.org/1"><title>Wait&hellip;</title><description>&euro;5 &amp; up</description></item></rdf:RDF>
            """
        let r = try XCTUnwrap(RSSImporter.load(Data(rdf.utf8)).first)
        XCTAssertEqual(r.title, "Résumés")
        XCTAssertEqual(r.publications.first?.text, "Wait…\n\n€5 & up")
    }

    func testRepairNeverDeclaresOrExpandsAnything() {
        // Only character references come out of the repair: no entity is declared, none is left to expand.
        let repaired = XMLRepair.repaired(Data("a &eacute; &amp; &x; & &#0; &#150; &copy=1 <br> <br/> <br></br>".utf8), windows1252: true)
        XCTAssertEqual(
            String(decoding: repaired, as: UTF8.self),
            "a &#233; &#38; &#38;x; &#38; &#65533; &#8211; &#38;copy=1 <br/> <br/> <br></br>")
        // A CDATA section and a comment are left as they are, even across chunk boundaries.
        let text = "<![CDATA[ &eacute; & ]]> <!-- & --> &eacute;"
        var repair = XMLRepair(windows1252: true)
        var out: [UInt8] = []
        var whole: [UInt8] = []
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { b in
            var at = 0
            while at < b.count {
                let (end, changed) = repair.repair(b, from: at, to: min(b.count, at + 3), into: &out)
                whole += changed ? out : Array(b[at..<end])
                at = end
            }
        }
        XCTAssertEqual(String(decoding: whole, as: UTF8.self), "<![CDATA[ &eacute; & ]]> <!-- & --> &#233;")
    }

    // MARK: Old formats

    func testAtom03() throws {
        let c = try load("atom-0.3.xml")
        XCTAssertEqual(c.title, "Notes from the Workshop")
        XCTAssertEqual(c.description, "Woodwork, tools and the odd repair")
        XCTAssertEqual(c.url, "http://workshop.example.net/")
        XCTAssertEqual(c.language, "en-GB")
        XCTAssertEqual(c.publications.count, 3)
        let p = c.publications[0]
        XCTAssertEqual(p.id, "tag:workshop.example.net,2005:chisels")
        XCTAssertEqual(p.date, utc("2005-11-09T11:56:34Z"), "issued, with its zone")
        XCTAssertEqual(p.utcOffset, 3600)
        XCTAssertEqual(p.text, "Sharpening chisels\n\nA flat stone first, then the strop.", "content mode=escaped is HTML")
        XCTAssertEqual(p.permalink, "http://workshop.example.net/2005/11/chisels")
        XCTAssertEqual(p.author, "Gwen Hart", "the feed's author")
        XCTAssertEqual(c.publications[1].author, "Tom Hart")
        XCTAssertEqual(c.publications[1].text, "A new bench\n\nBeech top, oak legs.")
        XCTAssertEqual(c.publications[2].text, "Planes\n\nOil the plane first.", "content mode=base64")
    }

    func testRSS090() throws {
        let c = try load("rss-0.90.rdf")
        XCTAssertEqual(c.title, "Mozilla Dot Org")
        XCTAssertEqual(c.url, "http://www.mozilla.org")
        XCTAssertEqual(c.publications.map(\.text), ["New Status Updates", "Bugzilla Reorganized"])
        XCTAssertEqual(c.publications.map(\.permalink), ["http://www.mozilla.org/status/", "http://www.mozilla.org/bugs/"])
    }

    func testRSS20InADefaultNamespace() throws {
        let c = try load("rss-2.0-default-namespace.xml")
        XCTAssertEqual(c.title, "Harbour Radio")
        XCTAssertEqual(c.language, "en-IE", "dc:language when there is no language")
        let p = try XCTUnwrap(c.publications.first)
        XCTAssertEqual(p.text, "Gale warning\n\nForce 8 expected tonight.")
        XCTAssertEqual(p.author, "Niamh Byrne")
        XCTAssertEqual(p.date, utc("2019-11-14T18:00:00Z"))
    }

    func testRSSInANamespaceNoListKnows() throws {
        let xml = """
            <rss version="2.0" xmlns="http://example.org/some-rss-dialect/"><channel><title>Dialect</title>
            <item><title>One</title><link>https://example.org/1</link><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item>
            </channel></rss>
            """
        let c = try XCTUnwrap(RSSImporter.load(Data(xml.utf8)).first)
        XCTAssertEqual(c.title, "Dialect")
        XCTAssertEqual(c.publications.map(\.permalink), ["https://example.org/1"])
    }

    // MARK: Fields read where the plain one is missing

    func testDublinCoreAndRDFAbout() throws {
        let c = try load("dublin-core-rss1.rdf")
        XCTAssertEqual(c.title, "New in the Catalogue")
        XCTAssertEqual(c.description, "Books added this week")
        XCTAssertEqual(c.language, "de")
        let book = c.publications[0]
        XCTAssertEqual(book.id, "https://catalogue.example.edu/item/4711", "rdf:about names an item without guid")
        XCTAssertEqual(book.text, "Die Brücke am Fluss\n\nRoman. 312 Seiten.")
        XCTAssertEqual(book.author, "Anna Weber, Jonas Keller", "every dc:creator")
        XCTAssertEqual(book.date, utc("2023-05-04T08:15:00Z"))
        XCTAssertEqual(c.publications[1].id, "urn:isbn:9783000000002")
        XCTAssertEqual(c.publications[1].text, "Gedichte\n\nLyrik.", "the plain title and description win")
    }

    func testITunesSummaryAndGuidAsPermalink() throws {
        let c = try load("podcast-itunes-guid.xml")
        XCTAssertEqual(c.language, "en-us")
        let episode = c.publications[0]
        XCTAssertEqual(episode.text, "Episode 41: Yeast\n\nWhy bread rises, with a jar and a balloon.")
        XCTAssertEqual(episode.permalink, "https://kts.example.org/episodes/41", "a guid is a permalink by default")
        XCTAssertEqual(episode.author, "Priya Raman")
        let other = c.publications[1]
        XCTAssertEqual(other.text, "Episode 40: Magnets\n\nFridge magnets and a compass.")
        XCTAssertNil(other.permalink, "isPermaLink=\"false\"")
        XCTAssertEqual(other.id, "kts-episode-40")
    }

    func testXHTMLBodyBodyAndFullitem() throws {
        let c = try load("xhtml-body-fullitem.xml")
        XCTAssertEqual(
            c.publications.map(\.text),
            ["XHTML body\n\nThe full story, with more.", "Plain body\n\nBody text here.", "Full item\n\nThe whole item."])
        XCTAssertEqual(c.publications[0].links, ["http://oldweblog.example.com/more"])
    }

    func testEveryAtomAuthorOnce() throws {
        let c = try load("atom-several-authors.xml")
        XCTAssertEqual(c.publications.map(\.author), ["Lena Fischer, Omar Haddad", "Release Bot"])
    }

    func testOldDateFormatsKeepTheirItems() {
        let cases: [(String, String, Int?)] = [
            ("2004-02", "2004-02-01T00:00:00Z", nil), ("2004", "2004-01-01T00:00:00Z", nil),
            ("20040228T181455Z", "2004-02-28T18:14:55Z", 0), ("Sunday, 28-Feb-04 18:14:55 GMT", "2004-02-28T18:14:55Z", 0),
            ("Sat Feb 28 18:14:55 2004", "2004-02-28T18:14:55Z", nil), ("Sun, 28 Feb 2004", "2004-02-28T00:00:00Z", nil),
            ("Mon, Jan 02 2006 15:04:05 GMT", "2006-01-02T15:04:05Z", 0), ("Sun, 28 Feb 04 18:14 EST", "2004-02-28T23:14:00Z", -5 * 3600),
        ]
        for (text, expected, offset) in cases {
            let parsed = FeedDate.parse(text)
            XCTAssertEqual(parsed?.date, utc(expected), text)
            XCTAssertEqual(parsed?.offset, offset, text)
        }
        XCTAssertNil(FeedDate.parse("yesterday"))
    }

    // MARK: Text

    func testEmbeddedObjectsDoNotHideText() throws {
        let c = try load("embed-object.xml")
        XCTAssertEqual(
            c.publications.map(\.text),
            [
                "Clip of the day\n\nWatch this: safe description after the player.",
                "Old player\n\nYour browser cannot play this. Text after the object.",
            ])
    }

    func testWindows1252AndDoublyEncodedUTF8AreRepaired() throws {
        let c = try load("windows-1252-and-double-utf8.xml")
        XCTAssertEqual(
            c.publications.map(\.text),
            [
                "“Summer fair” – this Saturday\n\nCafé and cakes from 10–12 o’clock.",
                "Choir’s concert\n\nCafé open, entry “free”.",
            ])
        // Text that only looks like it (a real "Ã" before a letter) stays.
        XCTAssertEqual(XMLRepair.undoublingUTF8("SÃO PAULO, Ãrvore"), "SÃO PAULO, Ãrvore")
        // The same on a body's bytes, the C1 controls too.
        XCTAssertEqual(XMLRepair.mojibakeMended(Array("SÃO PAULO, Ãrvore".utf8)), Array("SÃO PAULO, Ãrvore".utf8))
        XCTAssertEqual(XMLRepair.mojibakeMended(Array("CafÃ© don\u{92}t".utf8)), Array("Café don’t".utf8))
    }

    // MARK: Telegram

    func testTelegramDesktopKeepsWhoWroteEachMessage() throws {
        let data = SampleFiles.fixture("wild/tdesktop-group-chat.json")
        let chat = try XCTUnwrap(FeedLoader.load(data: data).first)
        XCTAssertEqual(chat.publications.map(\.author), ["Margaret Owens", "Margaret Owens", "Dev Patel", "Ruth Hale"])
        XCTAssertEqual(chat.publications[0].text, "Margaret Owens pinned a message")
        let stats = ChannelStatistics(chat, clock: SampleFiles.utc)
        XCTAssertEqual(stats.severalAuthors, true)
        // Three messages in the same second: "3 in 1 s", not an unknown weekly rate.
        XCTAssertEqual(stats.postRate, PostRate(posts: 3, span: 1))
        XCTAssertNil(stats.postRate?.unit)
        // A channel's posts are all "from" the channel: that names no author.
        let channel = try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture("tdesktop/pachum-guzel-channel.json")).first)
        XCTAssertFalse(channel.publications.contains { $0.author == channel.title })
    }

    func testTMeAlbumShowsItsPhotosWithoutHiddenMarkers() throws {
        let data = SampleFiles.fixture("wild/tme-album.html")
        let ch = try XCTUnwrap(FeedLoader.load(data: data).first)
        XCTAssertEqual(ch.publications.count, 2)
        XCTAssertEqual(ch.publications[0].media.map(\.kind), [.photo, .photo, .photo])
        XCTAssertEqual(ch.publications[0].text, "Three boats, one morning.")
        // A post that is only unsupported media keeps its visible marker.
        XCTAssertEqual(
            ch.publications[1].media,
            [Media(kind: .other, name: "Please open Telegram to view this post", url: "https://t.me/harbourphotos/313?single")])
    }

    func testAnOPMLFolderIsNamedByItsText() throws {
        let feeds = try OPML.parse(SampleFiles.fixture("wild/folder-text-and-title.opml"))
        XCTAssertEqual(feeds.map(\.tags), [["Blogs"], ["Podcasts"]], "text first, title only without text")
        XCTAssertEqual(feeds.map(\.title), ["Jo's notes", "Kitchen Table Science"])
    }

    func testPlainTextKeepsASpaceBeforeALineBreak() throws {
        let c = try load("plain-text-line-ends.xml")
        XCTAssertEqual(c.publications.first?.text, "First line \nsecond line\nthird line")
    }

    // MARK: Classes the held-out suite found (scripts/wild-measure.py, WILD.md)

    func testAChannelWithoutItemsSurvivesItsCutLastTag() throws {
        let c = try load("podcast-no-episodes-cut.xml")
        // No `description`: iTunes' summary, before its subtitle. `en_US` written as BCP 47 writes it.
        XCTAssertEqual(
            [c.title, c.url, c.description, c.language],
            ["Night Shift Radio", "https://nightshift.example.fm/", "Late-night conversations with people who work while the city sleeps.", "en-US"])
        XCTAssertEqual(c.notice, "read past an XML error at line 10: expected \">\" (XML error 73)")
    }

    func testITunesInItsCapitalisedNamespace() throws {
        let c = try load("podcast-itunes-capitals.xml")
        XCTAssertEqual(c.description, "A baking show")
        let p = try XCTUnwrap(c.publications.first)
        XCTAssertEqual(p.author, "Hanne Sørensen")
        XCTAssertEqual(p.text, "Episode 12: Rye\n\nWhy rye needs no kneading, and a starter that survives a holiday.")
    }

    func testPrefixedRSSDublinCoreTermsAndAuthorsWithTheirAddresses() throws {
        let c = try load("rss-dcterms-authors.xml")
        XCTAssertEqual(c.title, "Parish newsletter")
        XCTAssertEqual(c.publications.map(\.author), ["Margaret Hill", "Revd. Paul Ames", "Joan Price"])
        // dcterms: issued, then created, then modified.
        XCTAssertEqual(c.publications.map(\.date), [utc("2024-04-02T18:00:00Z"), utc("2024-03-28T10:30:00Z"), utc("2024-03-20T09:15:00Z")])
        XCTAssertEqual(c.publications[0].utcOffset, 3600)
    }

    func testAtomWithoutItsNamespaceAndInBase64() throws {
        let c = try load("atom-no-namespace-base64.xml")
        XCTAssertEqual(c.title, "build-bot")
        XCTAssertEqual(c.url, "https://ci.example.dev/")
        XCTAssertEqual(c.publications.map(\.id), ["https://ci.example.dev/runs/5120", "https://ci.example.dev/runs/5119"])
        // Atom 0.3's `mode="base64"`, and Atom 1.0 content of a type neither text nor XML.
        XCTAssertEqual(c.publications[1].text, "Run 5119 failed\n\n2 tests failed: testLogin, testLogout")
        XCTAssertEqual(c.publications[1].date, utc("2024-06-11T21:40:00Z"))
    }

    /// A body is rendered from its bytes: those that are not UTF-8 (here decoded from base 64, which nothing mends
    /// before the parser) are U+FFFD as in a string, and doubly encoded UTF-8 and C1 controls are mended as in a title.
    func testBodyBytesThatAreNotUTF8OrAreMojibake() throws {
        let c = try load("atom-0.3-base64-bytes.xml")
        XCTAssertEqual(
            c.publications.map(\.text),
            [
                "Latin-1 bytes in base 64\n\nCaf\u{FFFD} & \u{FFFD}bold \u{FFFD}\u{FFFD}\u{FFFD}end",
                "UTF-8 read as Windows-1252\n\nCafé don’t",
                "Bad \u{FFFD}( title",
            ])
    }

    func testC1ControlsAreTheirWindows1252Characters() throws {
        let c = try load("c1-controls-as-windows-1252.xml")
        XCTAssertEqual(
            c.publications.first?.text,
            "Ferry won’t sail on Sunday\n\nStorm warning – all crossings cancelled. “Safety first,” says the harbour master.")
    }

    func testCapitalXHexadecimalReferencesAsHTMLReadsThem() throws {
        let c = try load("uppercase-hex-references.xml")
        XCTAssertEqual(c.title, "Sunrise Bakery — specials")
        XCTAssertEqual(c.publications.first?.text, "Croissants & coffee €3\n\nUntil 10 o’clock, while they last.")
        XCTAssertNil(c.notice, "nothing for libxml2 to recover from")
    }

    func testAnIframesFallbackTextIsShown() throws {
        let c = try load("iframe-fallback.xml")
        XCTAssertEqual(
            c.publications.first?.text,
            "Route video: the ridge loop\n\nHere is the whole loop filmed from a chest camera.\n\n"
                + "Watch the ridge loop video at https://video.example.com/ridge-loop\n\nMeet at the car park at 8.")
        XCTAssertEqual(c.publications.first?.links, ["https://video.example.com/ridge-loop"])
    }

    // MARK: Content kept (issue 19, point 9)

    func testAnItemWithAnUnreadableDateIsKeptWithoutOne() throws {
        let c = try load("unreadable-dates-rss2.xml")
        XCTAssertEqual(c.publications.count, 5, "every event, dated or not")
        XCTAssertEqual(c.skipped.count, 0)
        XCTAssertEqual(c.publications.map(\.date), [utc("2024-03-09T09:30:00Z"), nil, nil, utc("2024-03-01T18:00:00Z"), utc("2024-03-04T08:00:00Z")])
        XCTAssertEqual(c.publications[1].text, "Quiz night\n\nTeams of up to six. Bring your own snacks.")
        XCTAssertEqual(c.publications[2].permalink, "https://riverside-hall.example.org/events/yoga")
        // Atom: an unreadable `published` and `updated` alike.
        let a = try load("unreadable-dates-atom.xml")
        XCTAssertEqual(a.publications.map(\.date), [utc("2024-05-02T10:00:00Z"), nil, utc("2024-04-30T14:20:00Z")])
        XCTAssertEqual(a.publications[1].text, "Draft: spectrometer notes\n\nTemplate placeholder left in by the site generator.")
        XCTAssertEqual(a.skipped.count, 0)
    }

    func testAPagePostWithAnUnreadableDateIsKeptWithoutOne() throws {
        let c = try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture("wild/page-unreadable-date.txt")).first)
        XCTAssertEqual(c.publications.map(\.id), ["page-202403030740", "page-undated", "page-202402281605"])
        XCTAssertNil(c.publications[1].date)
        XCTAssertEqual(
            c.publications[1].text,
            "Copied from the old site: the date on this one was wrong there too. The lifeboat crew at the open day.")
        XCTAssertEqual(c.skipped.count, 0)
    }

    func testTooDeepNestingSkipsItsItemAndKeepsTheItemsAfterIt() throws {
        // 300 levels: past libxml2's own limit of 256, which would end the reading there.
        let c = try load("deep-nesting-forum.xml")
        XCTAssertEqual(c.publications.map(\.permalink), [
            "https://allotments.example.org/forum/t/812", "https://allotments.example.org/forum/t/814",
            "https://allotments.example.org/forum/t/815",
        ])
        XCTAssertEqual(c.publications[2].text, "Water butts delivered\n\nCollect yours from the shed, plot number on the lid.")
        XCTAssertEqual(c.skipped.summary, "1 post skipped — first at line 13: elements nested deeper than 100 levels at line 17")
        XCTAssertNil(c.notice)
    }

    func testTooDeepJSONSkipsItsMessageAndKeepsTheMessagesAfterIt() throws {
        let chat = try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture("wild/deep-nesting-tdesktop.json")).first)
        XCTAssertEqual(chat.publications.map(\.id), ["101", "103", "104"])
        XCTAssertEqual(chat.publications.map(\.author), ["Ana Ruiz", "Tom Baker", "Ana Ruiz"])
        XCTAssertEqual(chat.skipped.summary, "1 post skipped — first at line 7: a value nested deeper than 256 levels")
        let native = try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture("wild/deep-nesting-native.json")).first)
        XCTAssertEqual(native.publications.map(\.text), ["Ferry timetable changes from Monday", "Lifeboat open day"])
        XCTAssertEqual(native.skipped.summary, "1 post skipped — first at line 3: a value nested deeper than 256 levels")
    }
}
