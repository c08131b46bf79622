import FeedLibrary
import FeedModel
import XCTest

@testable import FeedTUI

// Issue 10: the reader as a new user meets it.

/// One post with `n` links, the first two not http(s).
private func linkChannel(_ n: Int) -> [Channel] {
    let links = ["mailto:a@b.example", "ftp://files.example/x"] + (3...n).map { "https://example.org/link-\($0)" }
    return [Channel(title: "Links", publications: [Publication(id: "1", date: Date(timeIntervalSince1970: 0), text: "many links", links: links)])]
}

final class KeySemanticsTests: XCTestCase {
    func testACountScrollsAFullScreenPostAndNeverOpensALink() throws {
        var s = Fixture.state(try Fixture.seed(), 60, 12, keys: "j Enter")
        XCTAssertEqual(press(&s, "3 j"), [])
        XCTAssertEqual(s.channel.bodyTop, 3)
        XCTAssertEqual(press(&s, "2 0 j"), [], "20j scrolls; it never starts a browser")
        let lines = PostBodyPane.lines(for: try XCTUnwrap(s.channel.selectedPost), width: 56, full: true).count
        XCTAssertEqual(s.channel.bodyTop, min(23, lines - 10))
        XCTAssertEqual(s.mode, .post)
        XCTAssertEqual(press(&s, "2 k"), [])
        XCTAssertEqual(s.channel.bodyTop, min(23, lines - 10) - 2)
    }

    func testOTakesTheCountAsTheLinkNumberAndTheLinkListGoesBeyondNine() throws {
        var s = Fixture.state(linkChannel(12), 100, 30, keys: "Enter")
        XCTAssertEqual(press(&s, "o"), [.openURL("https://example.org/link-3")], "the first link that may open")
        XCTAssertEqual(press(&s, "1 1 o"), [.openURL("https://example.org/link-11")])
        XCTAssertEqual(press(&s, "1 o"), [])
        XCTAssertEqual(s.status, "not opened: only http and https links open")
        XCTAssertEqual(press(&s, "L"), [])
        XCTAssertEqual(s.mode, .links)
        let screen = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("┌ Links "), screen)
        XCTAssertTrue(screen.contains(" 1  mailto:a@b.example"), screen)
        XCTAssertTrue(screen.contains("12  https://example.org/link-12"), screen)
        XCTAssertEqual(press(&s, "1 2 Enter"), [.openURL("https://example.org/link-12")])
        XCTAssertEqual(s.linkCursor, 11)
        XCTAssertEqual(press(&s, "g j j Enter"), [.openURL("https://example.org/link-3")])
        _ = press(&s, "q")
        XCTAssertEqual(s.mode, .post, "back to the post the list was opened from")
        _ = press(&s, "q")
        XCTAssertEqual(s.mode, .browse)
        XCTAssertFalse(s.quit)
    }

    func testBackGoesOneLevelAndOnlyQOnTheListQuits() throws {
        for back in ["q", "Esc", "h", "Left"] {
            var s = Fixture.state(try Fixture.seed(), 120, 40)
            _ = press(&s, "Enter \(back)")
            XCTAssertEqual(s.mode, .browse, "\(back): post → list")
            _ = press(&s, "Tab \(back)")
            XCTAssertEqual(s.focus, .list, "\(back): body pane → list pane")
            XCTAssertFalse(s.quit)
            _ = press(&s, "Tab Tab \(back)")
            XCTAssertEqual(s.focus, .list, "\(back): statistics pane → list pane")
            XCTAssertFalse(s.quit)
            _ = press(&s, "/ w h a t s a p p Enter \(back)")
            XCTAssertNil(s.channel.search, "\(back): a kept search → no search")
            XCTAssertFalse(s.quit)
            _ = press(&s, back)
            XCTAssertEqual(s.quit, back == "q", "\(back) on the list")
        }
        var narrow = Fixture.state(try Fixture.seed(), 60, 20, keys: "Tab Esc")
        XCTAssertEqual(narrow.focus, .list, "under 80 columns too")
        XCTAssertFalse(narrow.quit)
        _ = press(&narrow, "Tab Tab q")
        XCTAssertEqual(narrow.focus, .list)
        XCTAssertFalse(narrow.quit)
        for place in ["Enter", "Tab", "c", "?", "Enter L"] {
            var s = Fixture.state(try Fixture.seed(), 120, 40, keys: "j j j \(place)")
            _ = press(&s, "Q")
            XCTAssertTrue(s.quit, "Q quits from \(place)")
        }
    }

    func testCountedGGoesToThatPostAndJKMoveBetweenPosts() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "5 G")
        XCTAssertEqual(s.channel.selected, 4)
        _ = press(&s, "G")
        XCTAssertEqual(s.channel.selected, 9)
        _ = press(&s, "2 g")
        XCTAssertEqual(s.channel.selected, 1)
        let seed = try Fixture.seed()[0]
        let ids = Fixture.posts(s).map(\.id)
        _ = press(&s, "Enter")
        XCTAssertEqual(press(&s, "J"), [.markRead(channel: "@durov", post: ids[2])], "J shows the next post and marks it read")
        XCTAssertEqual(s.mode, .post)
        XCTAssertEqual(s.channel.selected, 2)
        XCTAssertEqual(press(&s, "K"), [], "already read")
        XCTAssertEqual(s.channel.selected, 1)
        XCTAssertEqual(press(&s, "7 G"), [.markRead(channel: "@durov", post: ids[6])])
        XCTAssertEqual(s.mode, .post)
        XCTAssertTrue(Screen.render(s).lines.joined().contains(Fixture.utc.civil(Fixture.posts(s)[6]).map(DatePattern.standard.format) ?? "no date"))
        _ = press(&s, "3 K")
        XCTAssertEqual(s.channel.selected, 3)
    }

    func testNoKeyIsBoundTwice() {
        var seen: [Key: Action] = [:]
        for b in KeyTable.standard.bindings {
            for k in b.keys {
                XCTAssertNil(seen[k], "\(k.label) is bound to \(seen[k].map { "\($0)" } ?? "") and \(b.action)")
                seen[k] = b.action
            }
        }
    }
}

final class BottomLineTests: XCTestCase {
    func testUnder80ColumnsTheBottomLineIsRedrawnWhole() throws {
        var s = Fixture.state(try Fixture.seed(), 60, 20)
        XCTAssertTrue(Screen.render(s).lines[19].hasPrefix("└ Posts · Tab switches ─"))
        _ = press(&s, "S")
        let sorted = Screen.render(s).lines[19]
        XCTAssertEqual(sorted, "└ sorted by oldest " + String(repeating: "─", count: 40) + "┘", "nothing of the pane label stays behind")
        _ = press(&s, "/ w h a t s a p p")
        XCTAssertEqual(Screen.render(s).lines[19], "└ /whatsapp▏  post 1/2 " + String(repeating: "─", count: 36) + "┘")
        _ = press(&s, "Enter")
        XCTAssertEqual(Screen.render(s).lines[19], "└ Posts · /whatsapp post 1/2 · n/N · Tab switches " + String(repeating: "─", count: 9) + "┘",
                       "a kept search shows its query and counter under 80 columns too")
        _ = press(&s, "Tab")
        XCTAssertTrue(Screen.render(s).lines[19].hasPrefix("└ Post · /whatsapp post 1/2 · n/N · Tab switches ─"))
    }
}

final class MouseTests: XCTestCase {
    func testTheWheelScrollsThePaneUnderThePointer() throws {
        // At 100x14 the Apr 18 post (4th) is longer than the body pane.
        var s = Fixture.state(try Fixture.seed(), 100, 14, keys: "j j j")
        let layout = Layout(s)
        let body = try XCTUnwrap(layout.body)
        let list = try XCTUnwrap(layout.list)
        XCTAssertEqual(s.focus, .list)
        Fixture.send(&s, .mouse(.wheel(up: false, x: body.x + 3, y: body.y + 1)))
        XCTAssertEqual(s.channel.selected, 3, "the list under the focus did not move")
        XCTAssertEqual(s.channel.bodyTop, 3, "the body under the pointer scrolled")
        XCTAssertEqual(s.focus, .list, "the focus stays")
        _ = press(&s, "Tab")
        Fixture.send(&s, .mouse(.wheel(up: false, x: list.x + 3, y: list.y + 1)))
        XCTAssertEqual(s.channel.selected, 6, "the list under the pointer moved, though the body has the focus")
        XCTAssertEqual(s.focus, .body)
        Fixture.send(&s, .mouse(.wheel(up: true, x: list.x + 3, y: list.y + 1)))
        XCTAssertEqual(s.channel.selected, 3)
    }
}

final class StatisticsPaneTests: XCTestCase {
    private func sampler() throws -> [Channel] {
        try FeedLoader.load(path: Fixture.root.appendingPathComponent("Samples/unicode-sampler.json").path)
    }

    /// Scrolls the focused statistics pane from top to bottom with j, collecting every row it shows.
    private func everyRow(_ s: inout AppState) -> [String] {
        var seen: [String] = []
        for _ in 0..<40 {
            let grid = Screen.render(s)
            let stats = Layout(s).stats!
            seen += (stats.y..<stats.maxY).map { grid.lines[$0] }
            _ = press(&s, "j")
        }
        return seen
    }

    func testAt80ColumnsAndMoreEveryRowCanBeScrolledTo() throws {
        let tme = try FeedLoader.load(path: Fixture.root.appendingPathComponent("Tests/FeedModelTests/Resources/tme/statosphere-antichristone.html").path)
        for (channels, size) in [(try sampler(), Size(width: 120, height: 30)), (try sampler(), Size(width: 80, height: 24)),
                                 (tme, Size(width: 160, height: 30)), (try Fixture.seed(), Size(width: 200, height: 24))] {
            var s = Fixture.state(channels, size.width, size.height, keys: "Tab Tab")
            XCTAssertEqual(s.focus, .stats)
            let stats = try XCTUnwrap(Layout(s).stats)
            let first = Screen.render(s)
            XCTAssertEqual(first.lines[stats.y].first, "┃", "the focused statistics pane has the heavy edge")
            XCTAssertEqual(first.lines[stats.maxY - 1].last, "┃")
            let mark = first.lines[stats.maxY - 1]
            XCTAssertTrue(mark.contains("more row"), "\(size): a mark says more rows are below: \(mark)")
            let rows = everyRow(&s).joined(separator: "\n")
            let report = Report(s.channel.channel, s.channel.stats, clock: Fixture.utc)
            for label in report.series.map(\.label) where !label.isEmpty {
                XCTAssertTrue(rows.contains(label), "\(size) \(s.channel.channel.title): \(label) reachable")
            }
            let end = Screen.render(s)
            XCTAssertFalse(end.lines[stats.maxY - 1].contains("more row"), "no mark at the bottom")
            _ = press(&s, "g")
            XCTAssertEqual(s.channel.statsTop, 0)
            _ = press(&s, "G")
            XCTAssertEqual(s.channel.statsTop, StatsPane.maxTop(s.channel, clock: Fixture.utc, in: stats))
            XCTAssertGreaterThan(s.channel.statsTop, 0)
            _ = press(&s, "PgUp")
            XCTAssertEqual(s.channel.statsTop, max(0, StatsPane.maxTop(s.channel, clock: Fixture.utc, in: stats) - (stats.height - 1)))
        }
        let sampled = try sampler()
        var s = Fixture.state(sampled, 120, 30, keys: "Tab Tab G")
        let screen = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("views/week         ▅█"), screen)
        XCTAssertTrue(screen.contains("top by views       120 000 · Mar  8 2024"), screen)
        _ = press(&s, "q")
        XCTAssertEqual(s.focus, .list)
    }
}

final class ReadingComfortTests: XCTestCase {
    func testThePostTextIsAtMost80ColumnsWide() throws {
        let s = Fixture.state(try Fixture.seed(), 200, 60, keys: "j j Enter")
        let grid = Screen.render(s)
        let body = try XCTUnwrap(Layout(s).body)
        let text = PostBodyPane.textArea(s, in: body)
        XCTAssertEqual(text.width, 80)
        XCTAssertEqual(text.x, body.x + (body.width - 80) / 2, "centred")
        for y in 1..<59 {
            let inner = grid.lines[y].dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            XCTAssertLessThanOrEqual(inner.displayWidth, 80, grid.lines[y])
        }
        let row = try XCTUnwrap(grid.lines.first { $0.contains("Some thoughts on Indonesia") })
        XCTAssertEqual(row.prefix { $0 != "S" }.count, text.x)
        var narrow = s
        narrow.config.postWidth = 40
        XCTAssertEqual(PostBodyPane.textArea(narrow, in: body).width, 40, "one plain value a setting can change")
    }

    func testTheListDropsAViewsColumnNoPostNeeds() throws {
        let seed = Screen.render(Fixture.state(try Fixture.seed(), 120, 40)).lines
        XCTAssertTrue(seed[1].hasPrefix("┃▶Jul 30 2017  Since some journalists"), seed[1])
        let sampler = try FeedLoader.load(path: Fixture.root.appendingPathComponent("Samples/unicode-sampler.json").path)
        let withViews = Screen.render(Fixture.state(sampler, 120, 40)).lines
        XCTAssertTrue(withViews[1].hasPrefix("┃▶Mar  8 2024 120 000  "), withViews[1])
    }

    func testPositionBookmarkOnTheSelectedRowAndLongMessages() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        XCTAssertTrue(Screen.render(s).lines[0].hasSuffix("─ 1/10 ┐"))
        _ = press(&s, "5 G m")
        var lines = Screen.render(s).lines
        XCTAssertTrue(lines[0].hasSuffix("─ 5/10 ┐"))
        XCTAssertTrue(lines[5].hasPrefix("┃•Apr  1 2017"), "the bookmark shows on the selected row: \(lines[5])")
        let message = "state not saved: " + String(repeating: "the database is locked by another program ", count: 4) + "— end"
        s.status = message
        s.size = Size(width: 60, height: 20)
        lines = Screen.render(s).lines
        let shown = lines.suffix(5).map { $0.dropFirst(2).dropLast(2).trimmingCharacters(in: CharacterSet(charactersIn: " ─")) }
        XCTAssertTrue(shown.joined(separator: " ").contains(message), "the whole message can be read:\n\(lines.suffix(5).joined(separator: "\n"))")
        XCTAssertTrue(lines[19].hasPrefix("└ "))
        _ = press(&s, "j")
        XCTAssertFalse(Screen.render(s).lines.joined().contains("— end"), "gone at the next key")
    }
}

final class OneClockTests: XCTestCase {
    /// 2024-03-10 20:15 UTC, written at +03:00 (23:15 there).
    private let instant = Date(timeIntervalSince1970: 1_710_101_700)

    private func channel(wallClock: Bool = false) -> [Channel] {
        let p = Publication(id: "1", date: instant, utcOffset: wallClock ? nil : 10_800, wallClock: wallClock, text: "one post")
        return [Channel(title: "Clock", publications: [p])]
    }

    /// Every place a date shows: list row, post header, statistics (first/last post), `feedtui stats`, posting rhythm.
    private func dates(_ channels: [Channel], _ clock: Clock) throws -> (screen: String, stats: [String]) {
        let s = Fixture.state(channels, 120, 40, keys: "Tab Tab G", clock: clock)
        return (Screen.render(s).lines.joined(separator: "\n"), PlainText.statistics(channels[0], clock: clock))
    }

    func testEveryDateFollowsTheOneRule() throws {
        let tokyo = Clock(zone: try XCTUnwrap(TimeZone(identifier: "Asia/Tokyo")))
        for (clock, long, iso, short, weekday, zone) in [
            (Fixture.utc, "March 10, 2024 20:15", "2024-03-10 20:15", "Mar 10 2024", "Sun", "local time, GMT (now UTC+00:00)"),
            (tokyo, "March 11, 2024 05:15", "2024-03-11 05:15", "Mar 11 2024", "Mon", "local time, Asia/Tokyo (now UTC+09:00)"),
            (Clock(rule: .post), "March 10, 2024 23:15", "2024-03-10 23:15", "Mar 10 2024", "Sun", "each post's own offset (UTC where the source gave none)"),
        ] {
            let (screen, stats) = try dates(channel(), clock)
            XCTAssertTrue(screen.contains("▶\(short)"), "list: \(short)\n\(screen)")
            XCTAssertTrue(screen.contains(long), "post header: \(long)")
            XCTAssertTrue(screen.contains("first post         \(iso)"), "statistics pane: \(iso)\n\(screen)")
            XCTAssertTrue(screen.contains("dates in           \(zone)"), "the pane says which zone")
            XCTAssertTrue(stats.contains("first post          \(iso)"), "feedtui stats: \(iso)")
            XCTAssertTrue(stats.contains("dates in            \(zone)"))
            let hour = Int(iso.suffix(5).prefix(2)) ?? -1
            let row = try XCTUnwrap(stats.first { $0.hasPrefix(weekday + "  ") })
            XCTAssertEqual(Array(row.dropFirst(5))[hour], "█", "the rhythm counts the post at \(weekday) \(hour)h")
        }
    }

    func testATimeWithoutAZoneIsShownAsGivenAndNeverLabelledUTC() throws {
        let tokyo = Clock(zone: try XCTUnwrap(TimeZone(identifier: "Asia/Tokyo")))
        for clock in [Fixture.utc, tokyo, Clock(rule: .post)] {
            let (screen, stats) = try dates(channel(wallClock: true), clock)
            XCTAssertTrue(screen.contains("March 10, 2024 20:15"), screen)
            XCTAssertTrue(stats.contains("first post          2024-03-10 20:15"))
            XCTAssertTrue(stats.contains("dates in            the source's own wall-clock times (it gave no zone)"))
            XCTAssertFalse((screen + stats.joined()).contains("UTC"), "never labelled UTC")
        }
    }
}

final class FailedSaveTests: XCTestCase {
    func testAFailedSaveStaysAndTheScreenShowsWhatIsKept() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "m r 4")
        XCTAssertEqual(s.channel.userRating, 4)
        XCTAssertFalse(s.channel.bookmarks.isEmpty)
        reduce(&s, .saveFailed(channel: "@durov", problem: "cannot save the rating of @durov: database or disk is full", kept: UserMarks()))
        XCTAssertNil(s.channel.userRating, "the vote that was not saved is not shown")
        XCTAssertTrue(s.channel.bookmarks.isEmpty)
        var screen = Screen.render(s).lines
        XCTAssertTrue(screen[0].contains("no rating yet"), screen[0])
        XCTAssertTrue(screen[39].contains("cannot save the rating of @durov"), screen[39])
        _ = press(&s, "j j")
        screen = Screen.render(s).lines
        XCTAssertTrue(screen[39].contains("cannot save the rating"), "it stays after other keys: \(screen[39])")
        reduce(&s, .saved)
        XCTAssertFalse(Screen.render(s).lines[39].contains("cannot save"), "until a save succeeds")
    }
}

final class ChannelListRowsTests: XCTestCase {
    func testRepeatedTitlesNameTheirFileNumbersAlignOnePostIsSingular() throws {
        // Distinct URLs: the library files channels by handle, else URL, else title.
        let post = { (id: String) in Publication(id: id, date: Date(timeIntervalSince1970: 0), text: "only") }
        let channels = (0..<10).map { i in
            Channel(title: i < 2 ? "Same" : "Channel \(i + 1)", url: "https://e.example/\(i)", publications: i == 9 ? [post("1"), post("2")] : [post("1")])
        }
        var s = Fixture.state(channels, 120, 40)
        for (i, source) in ["/a/first.json", "/b/second.json"].enumerated() { s.channels[i].source = source }
        let rows = ChannelListOverlay.rows(s.channels).map { $0.map(\.text).joined() }
        XCTAssertEqual(rows.count, 10)
        XCTAssertEqual(rows[0], " 1. Same (first.json) · 1 post")
        XCTAssertEqual(rows[1], " 2. Same (second.json) · 1 post")
        XCTAssertEqual(rows[9], "10. Channel 10 · 2 posts", "a title that does not repeat needs no file")
        _ = press(&s, "c")
        let screen = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains(" 2. Same (second.json) · 1 post"), screen)
        _ = press(&s, "1 0 Enter")
        XCTAssertEqual(s.current, 9, "a count before Enter opens that channel")
        XCTAssertEqual(s.mode, .browse)
    }
}

final class SearchInTextTests: XCTestCase {
    /// One post of 80 lines with "needle" on lines 50 and 70 and twice on 71.
    private func longPost() -> [Channel] {
        let text = (1...80).map { n in [50, 70].contains(n) ? "line \(n) has a needle" : n == 71 ? "Needle and NEEDLE" : "line \(n)" }
            .joined(separator: "\n")
        return [Channel(title: "Long", publications: [Publication(id: "1", date: Date(timeIntervalSince1970: 0), text: text)])]
    }

    private func lineOf(_ s: AppState, _ text: String) throws -> Int {
        let post = try XCTUnwrap(s.channel.selectedPost)
        let body = try XCTUnwrap(Layout(s).body)
        let lines = PostBodyPane.lines(for: post, width: PostBodyPane.textArea(s, in: body).width, full: s.mode == .post, clock: s.clock)
        return try XCTUnwrap(lines.firstIndex { $0.map(\.text).joined().contains(text) })
    }

    func testSearchInAFullScreenPostScrollsToTheMatchAndNWalksTheText() throws {
        var s = Fixture.state(longPost(), 80, 20, keys: "Enter")
        _ = press(&s, "/ n e e d l e")
        let search = try XCTUnwrap(s.channel.search)
        XCTAssertTrue(search.inText)
        let first = try lineOf(s, "line 50 has")
        XCTAssertEqual(search.matches, [first, first + 20, first + 21, first + 21], "each occurrence, in the text's lines")
        XCTAssertEqual(s.channel.bodyTop, first, "scrolled to the match")
        XCTAssertEqual(search.counter, "match 1/4", "the counter says it counts matches")
        XCTAssertTrue(Screen.render(s).lines[19].contains("/needle▏  match 1/4"), Screen.render(s).lines[19])
        _ = press(&s, "Enter n")
        XCTAssertEqual(s.channel.search?.current, 1)
        let rows = try XCTUnwrap(Layout(s).body).height
        XCTAssertTrue((s.channel.bodyTop..<s.channel.bodyTop + rows).contains(first + 20), "the second match is on screen")
        XCTAssertGreaterThan(s.channel.bodyTop, first)
        XCTAssertEqual(s.status, "/needle  match 2/4")
        _ = press(&s, "n n")
        XCTAssertEqual(s.status, "/needle  match 4/4")
        _ = press(&s, "n")
        XCTAssertEqual(s.channel.search?.current, 0)
        XCTAssertEqual(s.channel.bodyTop, first)
        XCTAssertEqual(s.status, "/needle  match 1/4 — past the last match, back to the first")
        _ = press(&s, "N")
        XCTAssertEqual(s.status, "/needle  match 4/4 — past the first match, back to the last")
        XCTAssertEqual(s.channel.selected, 0, "the post stays")
        _ = press(&s, "g / z z q")
        XCTAssertEqual(s.channel.search?.counter, "no match")
        _ = press(&s, "Esc")
        XCTAssertEqual(s.channel.bodyTop, 0, "Esc goes back to where the search began")
    }

    func testSearchInTheBodyPaneScrollsTheBodyNotTheList() throws {
        var s = Fixture.state(longPost() + (try Fixture.seed()), 120, 30, keys: "Tab")
        XCTAssertEqual(s.focus, .body)
        _ = press(&s, "/ n e e d l e Enter")
        XCTAssertEqual(s.channel.search?.inText, true)
        XCTAssertEqual(s.channel.selected, 0)
        XCTAssertEqual(s.channel.bodyTop, try lineOf(s, "line 50 has"))
        let grid = Screen.render(s)
        let row = try XCTUnwrap(grid.lines.firstIndex { $0.contains("line 50 has a needle") })
        let body = try XCTUnwrap(Layout(s).body)
        XCTAssertEqual((body.x..<body.maxX).filter { grid[$0, row].style.underline }.count, "needle".count, "the match is marked")
    }
}
