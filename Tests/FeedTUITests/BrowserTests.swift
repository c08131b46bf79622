import FeedLibrary
import FeedModel
import XCTest

@testable import FeedTUI

private func sampler() throws -> [Channel] {
    try FeedLoader.load(path: Fixture.root.appendingPathComponent("Samples/unicode-sampler.json").path)
}

final class KeyTableTests: XCTestCase {
    func testHelpOverlayListsEveryBinding() throws {
        let grid = Screen.render(Fixture.state(try Fixture.seed(), 120, 40, keys: "?"))
        let screen = grid.lines.joined(separator: "\n")
        for binding in KeyTable.standard.bindings {
            // Two columns at this size: a long text wraps inside its column, so its first words are looked for.
            XCTAssertTrue(screen.contains(String(binding.helpText.prefix(28))), binding.helpText)
            XCTAssertTrue(screen.contains(binding.keys.map(\.label).joined(separator: " ")), "\(binding.keys)")
        }
        var s = Fixture.state(try Fixture.seed(), 120, 40, keys: "?")
        XCTAssertEqual(s.mode, .help)
        _ = press(&s, "x")
        XCTAssertEqual(s.mode, .browse, "any key closes the help")
    }

    func testHelpScrollsOnSmallTerminals() throws {
        var s = Fixture.state(try Fixture.seed(), 60, 14, keys: "?")
        XCTAssertFalse(Screen.render(s).lines.joined().contains("redraw the screen"), "the last key is below the fold")
        _ = press(&s, "G")
        XCTAssertEqual(s.mode, .browse, "G is not a scroll key: it closes")
        _ = press(&s, "? PgDn PgDn PgDn PgDn j j")
        XCTAssertEqual(s.mode, .help)
        let screen = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("redraw the screen"), screen)
        XCTAssertTrue(screen.contains("j/k scroll · any other key closes this help"))
        _ = press(&s, "k")
        XCTAssertEqual(s.mode, .help)
    }

    func testCommandHelpListsTheSameKeys() {
        let help = FeedTUI.helpMessage()
        for binding in KeyTable.standard.bindings { XCTAssertTrue(help.contains(binding.helpText), binding.helpText) }
        XCTAssertTrue(help.contains("USAGE: feedtui <subcommand>"))
    }

    func testEveryBoundKeyReachesItsAction() {
        for binding in KeyTable.standard.bindings {
            for key in binding.keys { XCTAssertEqual(KeyTable.standard.action(for: key), binding.action) }
        }
        XCTAssertEqual(KeyTable.standard.hintLine(), "j/k move  Enter open  Tab pane  s stats  / search  r rate  ? help  q quit")
        XCTAssertEqual(KeyTable.standard.hintLine(inPost: true), "j/k scroll  PgDn page  J/K post  / search  [n]o open link  L links  ? help  q back")
    }

    func testTabCyclesPanesAndSHidesStats() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "Tab")
        XCTAssertEqual(s.focus, .body)
        _ = press(&s, "j j")
        XCTAssertEqual(s.channel.selected, 0, "j scrolls the focused body, not the list")
        XCTAssertEqual(s.channel.bodyTop, 0, "the short first post does not scroll at 120x40")
        _ = press(&s, "Tab")
        XCTAssertEqual(s.focus, .stats)
        _ = press(&s, "s")
        XCTAssertFalse(s.showStats)
        XCTAssertEqual(s.focus, .list)
        XCTAssertNil(Layout(s).stats)
        XCTAssertFalse(Screen.render(s).lines.contains { $0.contains("Statistics") })
    }

    func testPagingAndEnds() throws {
        var s = Fixture.state(try Fixture.seed(), 100, 12)
        _ = press(&s, "PgDn")
        XCTAssertEqual(s.channel.selected, Layout(s).list?.height)
        _ = press(&s, "End")
        XCTAssertEqual(s.channel.selected, 9)
        _ = press(&s, "b")
        XCTAssertEqual(s.channel.selected, 9 - (Layout(s).list?.height ?? 0))
        _ = press(&s, "Home")
        XCTAssertEqual(s.channel.selected, 0)
        _ = press(&s, "Space")
        XCTAssertEqual(s.channel.selected, Layout(s).list?.height)
    }

    func testRedrawIsAnEffect() throws {
        var s = Fixture.state(try Fixture.seed(), 80, 24)
        XCTAssertEqual(press(&s, "C-l"), [.redraw])
    }

    func testMouseClickSelectsThenOpensAndWheelMoves() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        Fixture.send(&s, .mouse(.click(x: 10, y: 4)))
        XCTAssertEqual(s.channel.selected, 3)
        XCTAssertEqual(s.mode, .browse)
        Fixture.send(&s, .mouse(.click(x: 10, y: 4)))
        XCTAssertEqual(s.mode, .post, "a second click opens")
        _ = press(&s, "q")
        Fixture.send(&s, .mouse(.wheel(up: false, x: 10, y: 4)))
        XCTAssertEqual(s.channel.selected, 6)
        Fixture.send(&s, .mouse(.click(x: 80, y: 5)))
        XCTAssertEqual(s.focus, .body)
    }
}

final class SearchTests: XCTestCase {
    func testIncrementalSearchCounterAndJumps() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "/ w h a t s a p p")
        let search = try XCTUnwrap(s.channel.search)
        XCTAssertEqual(search.matches, [3, 5], "Apr 18 (text) and Mar 21 (preview)")
        XCTAssertEqual(s.channel.selected, 3, "moved to the first match as you type")
        XCTAssertEqual(search.counter, "post 1/2")
        let bottom = Screen.render(s).lines[39]
        XCTAssertTrue(bottom.contains("/whatsapp▏  post 1/2"), bottom)
        _ = press(&s, "Enter n")
        XCTAssertEqual(s.channel.selected, 5)
        XCTAssertEqual(s.status, "/whatsapp  post 2/2")
        _ = press(&s, "n")
        XCTAssertEqual(s.channel.selected, 3, "wraps around")
        XCTAssertEqual(s.status, "/whatsapp  post 1/2 — past the last match, back to the first", "and says so")
        _ = press(&s, "N")
        XCTAssertEqual(s.channel.selected, 5, "wraps backwards")
        _ = press(&s, "2 N")
        XCTAssertEqual(s.channel.selected, 5, "a count repeats the jump")
        _ = press(&s, "x")
        XCTAssertTrue(Screen.render(s).lines[39].contains("/whatsapp post 2/2 · n/N"), "the search stays in the hint line")
    }

    func testSearchIgnoresCaseAndDiacriticsAndCoversPreviewsAndLinks() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "/ B O I N G")
        XCTAssertEqual(s.channel.search?.matches, [6], "the Nov 9 link preview's site")
        _ = press(&s, "Esc / b a c k d o o r - d i s g u i s e d")
        XCTAssertEqual(s.channel.search?.matches, [3])
        _ = press(&s, "Esc / c h e c k p o i n t - c o n f u s i o n")
        XCTAssertEqual(s.channel.search?.matches, [5], "a link URL")
        var u = Fixture.state(try sampler(), 120, 40)
        _ = press(&u, "/ t i e n g Space v i e t")
        XCTAssertEqual(u.channel.search?.matches?.count, 1, "diacritics ignored")
        _ = press(&u, "Esc / П Р И В Е Т")
        XCTAssertEqual(u.channel.search?.matches?.count, 1, "Cyrillic case ignored")
    }

    func testEscCancelsAndRestoresTheSelection() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40, keys: "j")
        _ = press(&s, "/ e q u i n o x")
        XCTAssertEqual(s.channel.selected, 5)
        _ = press(&s, "Esc")
        XCTAssertNil(s.channel.search)
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.channel.selected, 1)
    }

    func testNoMatchSaysSo() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "/ z z q")
        XCTAssertEqual(s.channel.search?.counter, "no match")
        XCTAssertTrue(Screen.render(s).lines[39].contains("/zzq▏  no match"))
        _ = press(&s, "Enter n")
        XCTAssertEqual(s.status, "no match for “zzq”")
    }

    func testMatchesAreHighlightedInListAndBody() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "/ i n d o n e s i a Enter")
        let grid = Screen.render(s)
        let row = try XCTUnwrap(grid.lines.firstIndex { $0.contains("▶Jul 16 2017") })
        let listStart = try XCTUnwrap(grid.lines[row].range(of: "Indonesia")).lowerBound
        let col = grid.lines[row][..<listStart].displayWidth
        XCTAssertTrue(grid[col, row].style.underline, "list match marked")
        XCTAssertFalse(grid[col - 2, row].style.underline)
        let bodyRow = try XCTUnwrap(grid.lines.firstIndex { $0.contains("│ Some thoughts on Indonesia") })
        let body = try XCTUnwrap(Layout(s).body)
        let cells = (body.x..<body.maxX).filter { grid[$0, bodyRow].style.underline }
        XCTAssertEqual(cells.count, "Indonesia".count, "exactly the word is marked in the body")
    }

    func testSelectionSurvivesSearchAndSort() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        _ = press(&s, "/ e q u i n o x Enter")
        let id = s.channel.selectedPost?.id
        _ = press(&s, "S")
        XCTAssertEqual(s.channel.sort, .oldest)
        XCTAssertEqual(s.channel.selectedPost?.id, id)
        XCTAssertEqual(s.channel.search?.matches, [4], "matches follow the new order")
    }
}

final class SortTests: XCTestCase {
    func testSortCyclesAndKeepsSelection() throws {
        var s = Fixture.state(try sampler(), 120, 40, keys: "j j")
        let id = try XCTUnwrap(s.channel.selectedPost?.id)
        XCTAssertEqual(id, "u6")
        _ = press(&s, "S")
        XCTAssertEqual(s.channel.sort, .oldest)
        XCTAssertEqual(Fixture.posts(s).map(\.id), ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"])
        XCTAssertEqual(s.channel.selectedPost?.id, id)
        _ = press(&s, "S")
        XCTAssertEqual(s.channel.sort, .mostViewed)
        XCTAssertEqual(Fixture.posts(s).map(\.id), ["u8", "u2", "u1", "u5", "u3", "u6", "u7", "u4"],
                       "unknown views (u4) last")
        XCTAssertEqual(s.channel.selectedPost?.id, id)
        XCTAssertEqual(s.status, "sorted by most viewed")
        _ = press(&s, "S")
        XCTAssertEqual(s.channel.sort, .newest)
    }
}

final class RatingAndMarksTests: XCTestCase {
    func testRateWithdrawAndHeader() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        XCTAssertEqual(press(&s, "r 4"), [.saveRating(channel: "@durov", stars: 4)])
        XCTAssertEqual(s.channel.userRating, 4)
        let header = Screen.render(s).lines[0]
        // The source has no rating: the user's vote shows beside it, not as the channel's average.
        XCTAssertTrue(header.contains("★ no rating yet · yours: 4 ─"), header)
        let stats = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(stats.contains("rating             no rating yet · yours: 4"), stats)
        XCTAssertEqual(press(&s, "r 0"), [.saveRating(channel: "@durov", stars: nil)])
        XCTAssertTrue(Screen.render(s).lines[0].contains("★ no rating yet — r to rate"))
        XCTAssertEqual(press(&s, "r x"), [])
        XCTAssertEqual(s.status, "rating cancelled")
    }

    func testTheUserVoteIsShownBesideTheSourceRatingNotBlendedIn() {
        XCTAssertEqual(RatingText.text(Rating(votes: 3, average: 4.0), mine: 2), "★★★★☆ 4.0 (3 votes) · yours: 2")
        XCTAssertEqual(RatingText.text(Rating(votes: 3, average: 4.0), mine: nil), "★★★★☆ 4.0 (3 votes)")
        XCTAssertEqual(RatingText.text(nil, mine: nil), "no rating yet")
    }

    func testRestoredStateAppliesToTheChannel() throws {
        let seed = try Fixture.seed()[0]
        let stored = UserMarks(rating: 5, read: [seed.publications[2].id], lastSelected: seed.publications[3].id)
        let s = Fixture.state([seed], 120, 40, marks: ["@durov": stored])
        XCTAssertEqual(s.channel.userRating, 5)
        XCTAssertEqual(s.channel.selected, 3)
        let grid = Screen.render(s)
        let read = try XCTUnwrap(grid.lines.firstIndex { $0.contains("Some thoughts on Indonesia") })
        let unread = try XCTUnwrap(grid.lines.firstIndex { $0.contains("Jul 23 2017") })
        XCTAssertFalse(grid[30, read].style.bold, "a read post is not bold")
        XCTAssertTrue(grid[30, unread].style.bold, "unread posts are bold")
    }

    func testOpeningMarksReadAndQuitSavesPosition() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40, keys: "j")
        let id = try XCTUnwrap(s.channel.selectedPost?.id)
        XCTAssertEqual(press(&s, "Enter"), [.markRead(channel: "@durov", post: id)])
        XCTAssertEqual(press(&s, "q Enter"), [], "already read")
        XCTAssertEqual(press(&s, "q q"), [.saveLastSelected(channel: "@durov", post: id)])
        XCTAssertTrue(s.quit)
    }
}

final class LinkTests: XCTestCase {
    func testNumbersAndOOpenLinksAsEffects() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40, keys: "j j j Enter")
        XCTAssertEqual(press(&s, "2 o"), [.openURL("http://telegra.ph/whatsapp-backdoor-01-16")])
        XCTAssertEqual(press(&s, "o"), [.openURL("http://telegra.ph/Telegram-Calls-in-Iran-NEWS")])
        XCTAssertEqual(press(&s, "7 o"), [])
        XCTAssertEqual(s.status, "no link 7 (the post has 2)")
        _ = press(&s, "G")
        let screen = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains(" 1 http://telegra.ph/Telegram-Calls-in-Iran-NEWS"))
        XCTAssertTrue(screen.contains(" 2 http://telegra.ph/whatsapp-backdoor-01-16"))
    }

    func testOnlyHttpAndHttpsOpen() throws {
        let post = Publication(id: "1", date: Date(timeIntervalSince1970: 0), text: "x", links: ["javascript:alert(1)", "file:///etc/passwd", "https://ok.example/"])
        var s = Fixture.state([Channel(title: "T", publications: [post])], 80, 24, keys: "Enter")
        XCTAssertEqual(press(&s, "1 o"), [])
        XCTAssertEqual(s.status, "not opened: only http and https links open")
        XCTAssertEqual(press(&s, "2 o"), [])
        XCTAssertEqual(press(&s, "3 o"), [.openURL("https://ok.example/")])
        XCTAssertEqual(press(&s, "o"), [.openURL("https://ok.example/")], "o skips the links that may not open")
        XCTAssertEqual(s.status, "skipped 2 links that are not http(s); opening https://ok.example/")
        XCTAssertFalse(LinkOpener.isAllowed("http://"))
        XCTAssertTrue(LinkOpener.isAllowed("HTTPS://Example.org/a?b=c;d"))
    }

    func testBrowserCommandNeverUsesAShell() {
        let url = "https://e.example/a;rm -rf ~&b=$(x)"
        XCTAssertEqual(LinkOpener.commands(for: url, browser: nil), [["xdg-open", url]])
        XCTAssertEqual(LinkOpener.commands(for: url, browser: "firefox --new-tab"), [["firefox", "--new-tab", url]])
        XCTAssertEqual(LinkOpener.commands(for: url, browser: "lynx %s -dump:w3m"), [["lynx", url, "-dump"], ["w3m", url]],
                       "a colon-separated list, tried in turn")
        XCTAssertEqual(LinkOpener.commands(for: url, browser: "chromium --app=%s"), [["chromium", "--app=" + url]],
                       "%s wherever it stands")
        XCTAssertEqual(LinkOpener.commands(for: url, browser: "'/opt/My Browser/run' --title \"a:b\" '%s' 100%%"),
                       [["/opt/My Browser/run", "--title", "a:b", url, "100%"]], "quoted arguments; a colon inside quotes")
        XCTAssertEqual(LinkOpener.commands(for: url, browser: ":: "), [["xdg-open", url]])
        XCTAssertTrue(LinkOpener.isTerminal(["/usr/bin/w3m", url]))
        XCTAssertFalse(LinkOpener.isTerminal(["firefox", url]))
    }

    /// A browser that is not found is blamed on the setting that chose it: config.toml's browser, else $BROWSER.
    func testABrowserNotFoundNamesTheSettingThatChoseIt() {
        let url = "https://e.example/a"
        let environment = ["PATH": "/nonexistent", "BROWSER": "env-browser"]
        let handOver: (() -> String) -> String = { $0() }
        XCTAssertEqual(LinkOpener.open(url, configured: "conf-browser --new", environment: environment, handOver: handOver),
                       "cannot open links: conf-browser not found (check browser in config.toml)")
        XCTAssertEqual(LinkOpener.open(url, environment: environment, handOver: handOver),
                       "cannot open links: env-browser not found (set BROWSER)")
    }
}

final class ChannelListTests: XCTestCase {
    func testSwitchingChannels() throws {
        var s = Fixture.state(try Fixture.seed() + sampler(), 120, 40)
        XCTAssertTrue(Screen.render(s).lines[0].contains("1/2"))
        _ = press(&s, "]")
        XCTAssertEqual(s.current, 1)
        XCTAssertTrue(Screen.render(s).lines[0].contains("Unicode sampler"))
        _ = press(&s, "]")
        XCTAssertEqual(s.current, 0, "wraps")
        _ = press(&s, "[")
        XCTAssertEqual(s.current, 1)
        _ = press(&s, "c")
        XCTAssertEqual(s.mode, .channels)
        let screen = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("1. Durov's Channel @durov · 10 posts"))
        XCTAssertTrue(screen.contains("2. Unicode sampler 🌍 Ünïcödé @unicode_sampler · 8 posts"))
        _ = press(&s, "k Enter")
        XCTAssertEqual(s.current, 0)
        XCTAssertEqual(s.mode, .browse)
        XCTAssertEqual(Report(s.channel.channel, s.channel.stats, clock: Fixture.utc).values.first { $0.label == "posts" }?.value, "10", "statistics are per channel")
    }
}

final class StatsOutputTests: XCTestCase {
    func testSeedStatisticsText() throws {
        XCTAssertEqual(PlainText.statistics(try Fixture.seed()[0], clock: Fixture.utc), [
            "Durov's Channel @durov",
            "subscribers         —",
            "views per week      255 406",
            "views per month     —",
            "mentions in         0",
            "mentions from       0",
            "forwarded channels  0",
            "posts               10",
            "first post          2016-10-09 18:53",
            "last post           2017-07-30 12:25",
            "post rate           0.2/week",
            "views total         —",
            "views mean          —",
            "views median        —",
            "with media          40%",
            "with links          40%",
            "engagement          —",
            "reach at 24 h       —",
            "reach at 48 h       —",
            "ERR                 —",
            "dates in            local time, GMT (now UTC+00:00)",
            "rating              no rating yet",
            "posts/week          █▁▁▁▁▃▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▃▃▁▁▃▁▁▁▁▁▁▁▁▁▁▁▃▃▃",
            "",
            "posting rhythm (weekday × hour, on the clock of \"dates in\")",
            "hour 0     6     12    18",
            "Mon  ························",
            "Tue  ··················▒▒····",
            "Wed  ················▒·······",
            "Thu  ························",
            "Fri  ························",
            "Sat  ··········▒·············",
            "Sun  ·▓··········▒·····█·····",
        ], "three posts on Sunday 18h (Oct 9) are the busiest hour; Jul 30 12:25 and Jul 23 01:15 were Sundays too")
    }

    func testViewsSparklineAndTopThreeWhereViewsAreKnown() throws {
        let lines = PlainText.statistics(try FeedLoader.load(path: Fixture.root.appendingPathComponent("Samples/unicode-sampler.json").path)[0], clock: Fixture.utc)
        XCTAssertTrue(lines.contains("views/week          ▅█"))
        XCTAssertTrue(lines.contains("views total         187 825"))
        XCTAssertTrue(lines.contains("engagement          49%"), "mean views 26 832 ÷ 54 321 subscribers")
        let top = lines.drop { !$0.hasPrefix("top by views") }.prefix(3)
        XCTAssertEqual(top.map { String($0.prefix(44)) }, [
            "top by views        120 000 · Mar  8 2024 · ",
            "                    48 211 · Mar  2 2024 · 日",
            "                    15 230 · Mar  1 2024 · П",
        ])
    }

    func testStatsJSONWritesNullForUnknown() throws {
        let json = StatsJSON.encode(try Fixture.seed(), clock: Fixture.utc)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["viewsPerWeek"] as? Int, 255_406)
        XCTAssertTrue(object["viewsPerMonth"] is NSNull)
        XCTAssertTrue(object["viewsMean"] is NSNull)
        XCTAssertEqual(object["posts"] as? Int, 10)
        XCTAssertEqual(object["mentionsIn"] as? Int, 0)
    }
}

final class FormatTests: XCTestCase {
    func testCounts() {
        XCTAssertEqual(Fmt.count(Count(255_406)), "255 406")
        XCTAssertEqual(Fmt.count(nil), "—")
        XCTAssertEqual(Fmt.count(Count(0)), "0", "a reported zero is a zero")
        XCTAssertEqual(Fmt.count(Count(28_000, approximate: true)), "28K")
        XCTAssertEqual(Fmt.count(Count(1_200, approximate: true)), "1.2K")
        XCTAssertEqual(Fmt.count(Count(999_999, approximate: true)), "1M", "never 1000.0K")
        XCTAssertEqual(Fmt.count(Count(3_400_000)), "3 400 000")
        XCTAssertEqual(Fmt.count(Count(12_345_678), width: 7), "12.3M")
    }
}

final class BookmarkTests: XCTestCase {
    func testBookmarkToggleJumpAndMarker() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        let seed = try Fixture.seed()[0]
        XCTAssertEqual(press(&s, "'"), [])
        XCTAssertEqual(s.status, "no bookmarks — m bookmarks a post")
        XCTAssertEqual(press(&s, "j j m"), [.saveBookmark(channel: "@durov", post: seed.publications[2].id, marked: true)])
        XCTAssertTrue(Screen.render(s).lines[1].contains("views — · bookmarked"), "the body header says so")
        _ = press(&s, "5 j m")
        _ = press(&s, "g")
        let grid = Screen.render(s).lines
        XCTAssertTrue(grid[3].hasPrefix("┃•Jul 16 2017"), grid[3])
        XCTAssertTrue(grid[8].hasPrefix("┃•Oct  9 2016"), grid[8])
        _ = press(&s, "'")
        XCTAssertEqual(s.channel.selected, 2)
        XCTAssertEqual(s.status, "bookmark 1/2")
        _ = press(&s, "'")
        XCTAssertEqual(s.channel.selected, 7)
        _ = press(&s, "'")
        XCTAssertEqual(s.channel.selected, 2, "wraps around")
        XCTAssertEqual(press(&s, "m"), [.saveBookmark(channel: "@durov", post: seed.publications[2].id, marked: false)])
        XCTAssertEqual(s.status, "bookmark removed")
        let reopened = Fixture.state([seed], 120, 40, marks: ["@durov": UserMarks(bookmarks: [seed.publications[0].id])])
        XCTAssertEqual(reopened.channel.bookmarks, [seed.publications[0].id])
    }
}
