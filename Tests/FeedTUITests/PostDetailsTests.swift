import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

/// What a post shows of its source: author, reactions per emoji, media sizes and durations, polls, its own page.
final class PostDetailsTests: XCTestCase {
    private func trimmedExport() throws -> Channel {
        let path = Fixture.root.appendingPathComponent("Tests/FeedModelTests/Resources/realworld/tdesktop-trimmed-2018.json").path
        return try XCTUnwrap(FeedLoader.load(path: path).first)
    }

    private func text(_ post: Publication, width: Int = 80, full: Bool = true) -> [String] {
        PostBodyPane.lines(for: post, width: width, full: full).map { $0.map(\.text).joined() }
    }

    func testHeaderShowsAuthorAndReactionsPerEmoji() throws {
        let lines = text(try trimmedExport().publications[1])
        XCTAssertEqual(lines[0], "March 1, 2018 18:07 · by Anna K. · views — · 👍 41 ❤ 7 custom 2")
        XCTAssertEqual(lines[1], "[video: harbour.mp4 · 25.2 MB · 2:57]")
    }

    func testPollShowsItsOptionsSharesAndVoters() throws {
        let lines = text(try trimmedExport().publications[2])
        XCTAssertEqual(Array(lines[1...3]), ["[poll: Next trip? · 80 voters]", "• 63% Mountains (50 votes)", "• 38% Sea (30 votes)"])
    }

    func testFileSize() throws {
        XCTAssertEqual(text(try trimmedExport().publications[3])[1], "[file: report.pdf · 3 MB]")
    }

    func testUndatedPostShowsADash() throws {
        var ch = try trimmedExport()
        ch.publications[0].date = nil
        ch.publications[0].wallClock = false
        XCTAssertTrue(text(ch.publications[0])[0].hasPrefix("date — · views —"))
        XCTAssertTrue(PostListPane.line(ch.publications[0], selected: false, unread: false, bookmarked: false, theme: .monochrome)
            .map(\.text).joined().hasPrefix(" —           "))
    }

    /// A group chat: the list says who wrote each message, the post's header too; a channel's list does not.
    func testEveryAuthorOfAGroupChatIsShown() throws {
        let path = Fixture.root.appendingPathComponent("Tests/FeedModelTests/Resources/wild/tdesktop-group-chat.json").path
        let chat = try XCTUnwrap(FeedLoader.load(path: path).first)
        let screen = Screen.render(Fixture.state([chat], 100, 10)).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("Margaret Owens: Water is back"), screen)
        XCTAssertTrue(screen.contains("Dev Patel: Great!"), screen)
        XCTAssertTrue(screen.contains("Ruth Hale: Thanks Margaret"), screen)
        XCTAssertFalse(screen.contains("Margaret Owens: Margaret"), "a service message names its actor once")
        XCTAssertTrue(screen.contains("by Margaret Owens"), screen)
        XCTAssertEqual(
            PlainText.postList(chat, clock: Fixture.utc).map { line in line.range(of: "—  ").map { String(line[$0.upperBound...]) } },
            ["Margaret Owens: Water is back on at the east taps.", "Dev Patel: Great!", "Ruth Hale: Thanks Margaret", "Margaret Owens pinned a message"])
        // One author throughout (a channel's signature on every post): the list stays as it was.
        var channel = chat
        channel.publications = channel.publications.map { var p = $0; p.author = "Margaret Owens"; return p }
        XCTAssertFalse(PlainText.postList(channel, clock: Fixture.utc).contains { $0.contains("Margaret Owens:") })
    }

    /// Plain text follows the sort setting, and its views column is right-aligned whatever the views' width.
    func testPlainTextFollowsTheSortAndAlignsViews() throws {
        let path = Fixture.root.appendingPathComponent("Samples/unicode-sampler.json").path
        let ch = try XCTUnwrap(FeedLoader.load(path: path).first)
        let newest = PlainText.postList(ch, clock: Fixture.utc)
        let oldest = PlainText.postList(ch, clock: Fixture.utc, order: .oldest)
        XCTAssertEqual(oldest, newest.reversed())
        let viewed = PlainText.postList(ch, clock: Fixture.utc, order: .mostViewed)
        XCTAssertEqual(viewed.map { $0.prefix(25) }, PostOrder.mostViewed.arrange(ch.publications).map { i in
            newest[PostOrder.newest.arrange(ch.publications).firstIndex(of: i) ?? 0].prefix(25)
        })
        XCTAssertGreaterThan(Set(newest.map { $0.dropFirst(18).prefix(7).trimmingCharacters(in: .whitespaces).count }).count, 1,
                             "views of several widths")
        for line in newest {
            let chars = Array(line)
            XCTAssertEqual(String(chars[16..<18]), "  ", line)
            XCTAssertNotEqual(chars[24], " ", "views end in column 25: \(line)")
            XCTAssertEqual(String(chars[25..<27]), "  ", line)
        }
    }

    func testPermalinkOpensWithItsOwnKey() throws {
        var ch = try trimmedExport()
        ch.publications[1].permalink = "https://t.me/fieldnotes/12"
        var s = Fixture.state([ch], 100, 30, keys: "S g")  // oldest first: the video is the second post
        Fixture.send(&s, .key(.char("j")))
        XCTAssertEqual(s.channel.selectedPost?.id, "12")
        XCTAssertEqual(Fixture.send(&s, .key(.char("p"))), [.openURL("https://t.me/fieldnotes/12")])
        // Not one of the numbered links of the text.
        XCTAssertEqual(PostBodyPane.numberedLinks(ch.publications[1]), [])
        Fixture.send(&s, .key(.enter))
        let screen = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("p opens this post at its source: https://t.me/fieldnotes/12"), screen)
        Fixture.send(&s, .key(.char("q")))
        Fixture.send(&s, .key(.char("j")))
        XCTAssertEqual(Fixture.send(&s, .key(.char("p"))), [])
        XCTAssertEqual(s.status, "this post has no address of its own")
    }

    private func realworld(_ name: String) throws -> Channel {
        let path = Fixture.root.appendingPathComponent("Tests/FeedModelTests/Resources/realworld/\(name)").path
        return try XCTUnwrap(FeedLoader.load(path: path).first)
    }

    func testTMePostShowsSignatureReactionsAndUnsupportedMedia() throws {
        let ch = try realworld("tme-fieldnotes.html")
        XCTAssertEqual(text(ch.publications[0])[0], "May 1, 2024 06:10 · by Anna K. · views 3.4K · 👍 1.2K ❤ 56 ⭐ 15")
        XCTAssertEqual(text(ch.publications[4])[1], "[file: report-2024.pdf · 25.2 MB]")
        XCTAssertEqual(text(ch.publications[5])[1], "[Please open Telegram to view this post]")
        XCTAssertEqual(PostListPane.title(of: ch.publications[5]), "[Please open Telegram to view this post]")
    }

    /// The whole screen of a real-shaped t.me page: an undated post in its place in the list, markers for media
    /// the page does not show, and a poll with its shares in the body.
    func testTMePageScreens() throws {
        let ch = try realworld("tme-fieldnotes.html")
        assertGolden(Screen.render(Fixture.state([ch], 100, 24, keys: "3 j")), "tme-fieldnotes-poll-100x24")
        assertGolden(Screen.render(Fixture.state([ch], 100, 24, keys: "G Enter")), "tme-fieldnotes-post-100x24")
    }

    func testContactPageSaysWhereThePostsAre() throws {
        let s = Fixture.state([try realworld("tme-contact-page.html")], 100, 24)
        let screen = Screen.render(s).lines
        XCTAssertTrue(screen[0].contains("Field Notes @fieldnotes ─ 82 932 subscribers"), screen[0])
        XCTAssertTrue(screen.last?.contains("this is the channel's contact page; its posts are at t.me/s/fieldnotes") == true, screen.joined(separator: "\n"))
    }

    func testThePermalinkKeyIsInTheHelpAndClashesWithNoOtherKey() {
        let keys = KeyTable.standard.bindings.flatMap(\.keys)
        XCTAssertEqual(keys.count, Set(keys).count)
        XCTAssertEqual(KeyTable.standard.action(for: .char("p")), .openPermalink)
    }
}

/// `feedtui stats` and `--json` say the same about the posting rate, in the unit the span supports.
final class StatsRateTests: XCTestCase {
    private func realFile(_ path: String) throws -> Channel {
        try XCTUnwrap(FeedLoader.load(path: Fixture.root.appendingPathComponent("Tests/FeedModelTests/Resources/\(path)").path).first)
    }

    func testFiveMessagesIn36SecondsAreACountInTextAndJSON() throws {
        // The real 2019 export: 5 messages within 36 seconds, once shown as 84 000/week.
        let ch = try realFile("tdesktop/chat-analyser-full-export-2019.json")
        XCTAssertTrue(PlainText.statistics(ch, clock: Fixture.utc).contains("post rate           5 in 36 s"), PlainText.statistics(ch, clock: Fixture.utc).joined(separator: "\n"))
        let object = StatsJSON.object(ch, clock: Fixture.utc)
        XCTAssertTrue(object["postsPerWeek"] is NSNull)
        let rate = try XCTUnwrap(object["postRate"] as? [String: Any])
        XCTAssertEqual(rate["value"] as? Double, 5)
        XCTAssertTrue(rate["per"] is NSNull)
        XCTAssertEqual(rate["spanSeconds"] as? Double, 36)
        // Its times carry no zone: written without one.
        XCTAssertEqual(object["firstPost"] as? String, "2019-02-11T21:49:13")  // the first message, at 18:39, is a service one
    }

    func testWeeklyRateOverWeeksAndDailyRateOverDays() throws {
        let seed = try Fixture.seed()[0]
        XCTAssertTrue(PlainText.statistics(seed, clock: Fixture.utc).contains("post rate           0.2/week"))
        let object = StatsJSON.object(seed, clock: Fixture.utc)
        XCTAssertEqual(try XCTUnwrap(object["postsPerWeek"] as? Double), 10 / (293.73 / 7), accuracy: 0.01)
        XCTAssertEqual((object["postRate"] as? [String: Any])?["per"] as? String, "week")
        XCTAssertEqual(object["firstPost"] as? String, "2016-10-09T18:53:00Z")
        let rss = try realFile("rss/plaszeb-geopolitics-telethon.xml")
        XCTAssertEqual((StatsJSON.object(rss, clock: Fixture.utc)["postRate"] as? [String: Any])?["per"] as? String, "day")
        XCTAssertTrue(StatsJSON.object(rss, clock: Fixture.utc)["postsPerWeek"] is NSNull)
        let line = try XCTUnwrap(PlainText.statistics(rss, clock: Fixture.utc).first { $0.hasPrefix("post rate") })
        XCTAssertTrue(line.hasSuffix("/day"), line)
    }

    func testUndatedPostsAreCountedAndSaidSo() throws {
        let ch = try realFile("realworld/tme-fieldnotes.html")
        XCTAssertTrue(PlainText.statistics(ch, clock: Fixture.utc).contains("posts               7 (1 without date)"))
        XCTAssertEqual(StatsJSON.object(ch, clock: Fixture.utc)["undatedPosts"] as? Int, 1)
    }
}

/// Link markers: each link's number where its address stands in the text.
final class LinkMarkerTests: XCTestCase {
    func testEachLinkIsMarkedWhereItStands() {
        let text = "Read https://example.org/a, then www.example.com/b/ (mirror: example.com/b). Not https://example.org/abc."
        let links = ["https://example.org/abc", "https://example.org/a", "https://www.example.com/b/", "https://t.me/other"]
        func shown(_ text: String, _ links: [String]) -> String {
            PostBodyPane.lines(for: Publication(id: "1", date: nil, text: text, links: links), width: 200, full: false).dropFirst(2)
                .map { $0.map(\.text).joined() }.joined(separator: "\n")
        }
        XCTAssertEqual(shown(text, links),
                       "Read https://example.org/a[2], then www.example.com/b/[3] (mirror: example.com/b). Not https://example.org/abc[1].",
                       "a whole address only, each once; a link not in the text is not marked")
        XCTAssertEqual(shown("no links here", ["https://x.example/"]), "no links here")
    }

    func testTheFullScreenPostShowsTheMarkers() throws {
        let post = Publication(id: "1", date: nil, text: "Details at https://example.org/report and more.", links: ["https://example.org/report"])
        let lines = PostBodyPane.lines(for: post, width: 60, full: true).map { $0.map(\.text).joined() }
        XCTAssertTrue(lines.contains("Details at https://example.org/report[1] and more."), lines.joined(separator: "\n"))
    }
}
