import Foundation
import XCTest

@testable import FeedModel

/// Where each link stands in a post's text under other words (`<a href>` in RSS/Atom and t.me HTML, Telegram
/// Desktop's `text_link`), kept by every importer and by the native format, on real files.
final class LinkMarkTests: XCTestCase {
    private func load(_ path: String) throws -> Channel {
        try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture(path)).first)
    }

    /// The text with `[n]` where each mark stands, as the screen draws it.
    private func marked(_ p: Publication) -> String {
        var out = ""
        var done = 0
        let bytes = Array(p.text.utf8)
        for mark in p.linkMarks {
            out += String(decoding: bytes[done..<mark.end], as: UTF8.self) + "[\(mark.number)]"
            done = mark.end
        }
        return out + String(decoding: bytes[done...], as: UTF8.self)
    }

    func testTelegramDesktopTextLinksAreMarkedAfterTheirWords() throws {
        let ch = try load("tdesktop/pachum-guzel-channel.json")
        let post = try XCTUnwrap(ch.publications.first { $0.text.contains("ТВИЧ") })
        XCTAssertEqual(post.links, ["https://www.twitch.tv/guz3lka", "https://boosty.to/guzelka_games", "http://t.me/papapachuca"])
        XCTAssertTrue(marked(post).contains("📹 ТВИЧ[1] | 💳 БУСТИ[2] | 💬 ТЕЛЕГА[3]\n\n#КиноСтрим"), marked(post))
        XCTAssertEqual(post.linkMarks.map(\.number), [1, 2, 3])
        for p in ch.publications {
            for mark in p.linkMarks {
                XCTAssertTrue(p.links.indices.contains(mark.number - 1))
                XCTAssertLessThanOrEqual(mark.end, p.text.utf8.count)
                XCTAssertTrue(mark.end == p.text.utf8.count || !UTF8.isContinuation(Array(p.text.utf8)[mark.end]), "between characters")
            }
        }
    }

    func testTelegramDesktopServiceTextMovesTheMarks() throws {
        let json = #"""
            {"name": "Notes", "type": "public_channel", "id": 1, "messages": [
             {"id": 7, "type": "service", "date": "2024-05-01T10:00:00", "date_unixtime": "1714557600", "actor": "Notes",
              "action": "pin_message", "message_id": 6,
              "text": ["see ", {"type": "text_link", "text": "the notes", "href": "https://example.org/notes"}, "."]}
            ]}
            """#
        let post = try XCTUnwrap(try FeedLoader.load(data: Data(json.utf8), format: .tdesktop).first?.publications.first)
        XCTAssertTrue(marked(post).hasSuffix("\nsee the notes[1]."), marked(post))
    }

    func testTMeAnchorsAreMarkedAfterTheirWords() throws {
        let ch = try load("tme/statosphere-antichristone.html")
        let stream = try XCTUnwrap(ch.publications.first { $0.text.hasPrefix("Wassup, начинаю стрим в Telegram") })
        XCTAssertEqual(stream.links.first, "https://www.twitch.tv/et_evgen")
        XCTAssertTrue(marked(stream).contains("TWITCH[1] | "), marked(stream))
        let bot = try XCTUnwrap(ch.publications.first { $0.text.hasPrefix("Wassup, бот Chat-GPT 3.5") })
        let n = try XCTUnwrap(bot.links.firstIndex(of: "https://t.me/antichristone_stream")) + 1
        XCTAssertTrue(marked(bot).contains("стримов: @antichristone_stream[\(n)], всех жду!"), marked(bot))
    }

    func testRSSAnchorsAreMarkedAfterTheirWordsBehindTheTitle() throws {
        let ch = try load("realworld/rss-0.92.xml")
        let post = try XCTUnwrap(ch.publications.first { $0.text.contains("Grateful Dead Weblog") })
        XCTAssertEqual(post.links, ["http://deadend.editthispage.com/", "http://deadend.editthispage.com/directory/61"])
        XCTAssertTrue(marked(post).hasSuffix("started a Grateful Dead Weblog[1]. Hey it's cool, he even has a directory[2]."), marked(post))
        // A relative href resolved against the feed, an item with a title before its text.
        let atom = try load("realworld/atom-published-only.xml")
        let changes = try XCTUnwrap(atom.publications.first { $0.text.contains("the changes") })
        XCTAssertTrue(marked(changes).contains("See the changes[1] and this[2]."), marked(changes))
        XCTAssertTrue(changes.links[0].hasSuffix("/docs/changes"), changes.links[0])
    }

    func testHTMLTextMarksEachAnchorWithWordsOnly() {
        let r = HTMLText.convert(
            #"<p>Read <a href="https://a.example/x">the <b>report</b></a> and <a href="https://a.example/x">again</a>;"#
                + #" <a href="https://b.example/"></a> <a href="mailto:x@y">mail</a> <a href="https://c.example/">край </a>end</p>"#)
        XCTAssertEqual(r.text, "Read the report and again; mail край end")
        XCTAssertEqual(r.links, ["https://a.example/x", "https://b.example/", "https://c.example/"])
        let p = Publication(id: "1", date: nil, text: r.text, links: r.links, linkMarks: r.marks)
        XCTAssertEqual(marked(p), "Read the report[1] and again[1]; mail край[3] end", "an empty anchor and a mailto are not marked")
    }

    func testTheNativeFormatRoundTripsTheMarks() throws {
        let ch = try load("tdesktop/pachum-guzel-channel.json")
        let again = try XCTUnwrap(try FeedLoader.load(data: NativeJSON.encode([ch]), format: .json).first)
        XCTAssertEqual(again.publications.map(\.linkMarks), ch.publications.map(\.linkMarks))
        XCTAssertFalse(again.publications.allSatisfy(\.linkMarks.isEmpty))
        XCTAssertEqual(again.publications, ch.publications)
    }

    func testTheNativeFormatRefusesAMarkOutsideItsPost() throws {
        func reason(_ marks: String) throws -> String? {
            let json = #"{"format": "feedtui", "version": 1, "channels": [{"title": "T", "publications": ["#
                + #"{"id": "1", "date": "2024-05-01T10:00:00Z", "text": "héllo world", "links": ["https://x.example/"], "linkMarks": "#
                + marks + "}]}]}"
            return try FeedLoader.load(data: Data(json.utf8), format: .json).first?.skipped.firstReason
        }
        XCTAssertNil(try reason(#"[{"number": 1, "end": 6}]"#))
        XCTAssertEqual(try reason(#"[{"number": 2, "end": 6}]"#), #""linkMarks": link 2 is not one of the post's 1 links"#)
        XCTAssertEqual(try reason(#"[{"number": 1, "end": 2}]"#), #""linkMarks": end 2 does not fall between two characters of the text"#)
        XCTAssertEqual(try reason(#"[{"number": 1, "end": 13}]"#), #""linkMarks": end 13 does not fall between two characters of the text"#)
        XCTAssertEqual(try reason(#"{"number": 1}"#), #""linkMarks" is not a list"#)
    }
}

extension LinkMarkTests {
    /// A feed in English and Hebrew whose links stand under words, and one bare address (marked at display time).
    func testAMixedFeedKeepsEachAnchorsPlaceBehindItsTitle() throws {
        let ch = try load("realworld/rss-links-under-words.xml")
        let english = try XCTUnwrap(ch.publications.first { $0.text.hasPrefix("Ferry timetable changes\n\n") })
        XCTAssertEqual(
            marked(english),
            "Ferry timetable changes\n\nFrom Monday the morning ferry leaves at 7:40. The new timetable[1] is on the board, and the summer routes[2] "
                + "start in June.\n\nQuestions go to the office[3] — or see https://harbour.example.org/faq for the usual ones.")
        XCTAssertEqual(english.links.last, "https://harbour.example.org/faq", "a bare address is a link without a mark")
        let hebrew = try XCTUnwrap(ch.publications.first { $0.text.hasPrefix("שינויים") })
        XCTAssertTrue(marked(hebrew).hasSuffix("לוח הזמנים החדש[1] תלוי על הלוח, והקווים של הקיץ[2] מתחילים ביוני."), marked(hebrew))
    }
}
