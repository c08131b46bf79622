import FeedModel
import XCTest

/// OPML as newsboat writes and reads it (test files from newsboat's own test data).
final class OPMLTests: XCTestCase {
    func testNewsboatFoldersBecomeTags() throws {
        let feeds = try OPML.parse(SampleFiles.fixture("opml/newsboat-example.opml"))
        XCTAssertEqual(feeds.map(\.url), [
            "https://example.com/feed.xml", "https://example.com/mirrors/distrowatch.rss", "https://example.com/feed.atom",
            "https://example.com/feed.rss09", "https://blogs.example.com/~john/posts.rss",
            "https://blogs.example.com/~mike/.rss", "https://fred.example.com/writing/index.php?type=rss",
        ])
        XCTAssertEqual(feeds.map(\.tags), [[], [], [], [], ["Blogs"], ["Blogs", "friends"], ["eloquent"]])
        XCTAssertEqual(feeds[5].title, "Notes by Mike")
    }

    func testNewsboatCategoryAttributeIsTags() throws {
        let feeds = try OPML.parse(SampleFiles.fixture("opml/newsboat-category.opml"))
        XCTAssertEqual(feeds, [OPML.Feed(url: "http://feeds.bbci.co.uk/news/business/rss.xml?edition=int", tags: ["tag one", "tag_two", "tag/three"])])
    }

    func testWriteThenParseRoundTrips() throws {
        for name in ["newsboat-example.opml", "newsboat-category.opml"] {
            let feeds = try OPML.parse(SampleFiles.fixture("opml/\(name)"))
            let written = OPML.write(feeds)
            XCTAssertEqual(try OPML.parse(Data(written.utf8)), feeds, name)
            XCTAssertEqual(OPML.write(try OPML.parse(Data(written.utf8))), written, name)
        }
        let odd = [OPML.Feed(url: "https://x.example/?a=1&b=<2>", title: "Tom & \"Jerry\"", tags: ["a b"])]
        XCTAssertEqual(try OPML.parse(Data(OPML.write(odd).utf8)), odd)
    }

    func testBadFilesAreRefusedInOneLine() {
        XCTAssertThrowsError(try OPML.parse(Data("<rss><channel/></rss>".utf8))) {
            XCTAssertEqual(($0 as? FeedError)?.description, "not an OPML file (no <opml> element)")
        }
        XCTAssertThrowsError(try OPML.parse(Data("<opml><body><outline xmlUrl='x'".utf8))) {
            XCTAssertTrue(($0 as? FeedError)?.description.hasPrefix("line 1: not readable OPML") == true, "\($0)")
        }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY a \"aaaa\">]><opml><body/></opml>"
        XCTAssertThrowsError(try OPML.parse(Data(bomb.utf8)))
    }

    func testCategoryPathsAndListsBecomeTags() throws {
        let feeds = try OPML.parse(SampleFiles.fixture("opml/opml2-category-paths.opml"))
        XCTAssertEqual(feeds.map(\.tags), [["Boston", "Weather"], ["Harvard", "Berkman", "Politics"], ["blogs", "daily reads"]])
        XCTAssertEqual(feeds.map(\.title), ["Boston weather", "Berkman Center", "Scripting News"])
    }

    func testLifereaCommandsAreRefusedByLine() throws {
        let feeds = try OPML.parse(SampleFiles.fixture("opml/liferea-commands.opml"))
        XCTAssertEqual(feeds.map(\.line), [8, 9, 10, 12])
        XCTAssertEqual(feeds.map(\.tags), [["News"], ["News"], ["News"], []])
        XCTAssertEqual(feeds.map(\.refusal), [
            nil, "a command (Liferea's \"|command\" source), never run: not followed",
            "has a filter command (filtercmd=\"xsltproc /home/kim/.liferea/strip-ads.xsl -\"), never run: not followed", nil,
        ])
    }

    func testAnOPMLWithoutBodyIsRefused() {
        XCTAssertThrowsError(try OPML.parse(SampleFiles.fixture("opml/no-body.opml"))) {
            XCTAssertEqual(($0 as? FeedError)?.description, "not readable OPML: no <body> element (it holds the outlines)")
        }
    }

    /// An OPML larger than libxml2 takes in one piece (10 MB) is read whole.
    func testAnOPMLOverTenMegabytesIsReadWhole() throws {
        let title = String(repeating: "long title ", count: 50)
        var xml = "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\n"
        for i in 0..<20_000 { xml += "<outline type=\"rss\" text=\"\(title)\(i)\" xmlUrl=\"https://example.org/\(i).xml\"/>\n" }
        xml += "</body></opml>\n"
        XCTAssertGreaterThan(xml.utf8.count, 10 << 20)
        let feeds = try OPML.parse(Data(xml.utf8))
        XCTAssertEqual(feeds.count, 20_000)
        XCTAssertEqual(feeds.last?.url, "https://example.org/19999.xml")
    }
}
