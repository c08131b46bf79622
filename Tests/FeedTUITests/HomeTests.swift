import FeedLibrary
import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

/// The home screen and the live-channel keys, as reducer steps and rendered screens (no terminal, no network).
final class HomeTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func rows() -> [HomeRow] {
        [
            HomeRow(source: "@antichristone", title: "Antichrist One", tags: ["art"], unread: 12, total: 19, lastRefresh: now.addingTimeInterval(-3 * 3600)),
            HomeRow(source: "@topwar_official", title: "Военное обозрение", tags: ["news"], unread: 0, total: 12, lastRefresh: now.addingTimeInterval(-2 * 86400), lastError: "HTTP 500 Internal Server Error"),
            HomeRow(source: "https://example.com/feed.xml", title: "https://example.com/feed.xml"),
        ]
    }

    func homeState(width: Int = 100, height: Int = 10) -> AppState {
        var state = AppState(channels: [], size: Size(width: width, height: height), useColor: false)
        state.mode = .home
        reduce(&state, .homeLoaded(rows(), now: now))
        return state
    }

    static func tmeChannel() throws -> Channel {
        let path = Fixture.root.appendingPathComponent("Tests/FeedModelTests/Resources/tme/statosphere-antichristone.html").path
        return try XCTUnwrap(FeedLoader.load(path: path).first)
    }

    func testHomeScreenShowsCountsAgeAndErrors() {
        let grid = Screen.render(homeState())
        let text = grid.lines.joined(separator: "\n")
        XCTAssertTrue(grid.lines[0].contains("feedtui ─ 3 followed · 12 unread"), grid.lines[0])
        XCTAssertTrue(text.contains("▶    12     19  Antichrist One  @antichristone"), text)
        XCTAssertTrue(text.contains("3 h ago"))
        XCTAssertTrue(text.contains("2 d ago     HTTP 500 Internal Server Error"))
        XCTAssertTrue(text.contains("     —      —  https://example.com/feed.xml"), "never refreshed: counts unknown, not 0")
        XCTAssertTrue(text.contains("never"))
        assertGolden(grid, "home-100x10")
    }

    /// Posts a refresh could not reach are said on the channel's row (and so in `feedtui list`), after its error.
    func testAGapIsShownOnTheHomeScreen() {
        var state = RefreshState(source: Source("@gen"))
        state.lastSuccess = now
        state.gaps = [Gap(older: 65, newer: 236)]
        let gap = HomeRow(FollowedSource(subscription: Subscription(source: Source("@gen")), channel: nil, state: state))
        XCTAssertEqual(gap.lastError, "posts missing between 65 and 236")
        state.lastError = "stopped after 500 older pages; the next refresh reads on"
        let both = HomeRow(FollowedSource(subscription: Subscription(source: Source("@gen")), channel: nil, state: state))
        XCTAssertEqual(both.lastError, "stopped after 500 older pages; the next refresh reads on; posts missing between 65 and 236")
        var home = AppState(channels: [], size: Size(width: 120, height: 6), useColor: false)
        home.mode = .home
        reduce(&home, .homeLoaded([gap], now: now))
        let text = Screen.render(home).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("posts missing between 65 and 236"), text)
    }

    func testTagsFilterAndEnterOpens() {
        var state = homeState(width: 100, height: 12)
        reduce(&state, .key(.char("T")))
        XCTAssertEqual(state.home?.tagChoices, [TagChoice(tag: nil, unread: 12), TagChoice(tag: "art", unread: 12), TagChoice(tag: "news", unread: 0)])
        assertGolden(Screen.render(state), "home-tags-100x12")
        reduce(&state, .key(.char("j")))
        reduce(&state, .key(.enter))
        XCTAssertEqual(state.home?.tag, "art")
        XCTAssertNil(state.home?.tagCursor)
        XCTAssertEqual(state.home?.visible.map(\.source), ["@antichristone"])
        reduce(&state, .key(.char("T")))
        XCTAssertEqual(state.home?.tagCursor, 1, "the picker opens at the tag shown")
        reduce(&state, .key(.char("j")))
        reduce(&state, .key(.char("j")))
        reduce(&state, .key(.enter))
        XCTAssertEqual(state.home?.visible.map(\.source), ["@topwar_official"], "the cursor stops at the last tag")
        XCTAssertEqual(reduce(&state, .key(.enter)), [.openSubscription("@topwar_official")])
        reduce(&state, .key(.char("T")))
        reduce(&state, .key(.char("q")))
        XCTAssertNil(state.home?.tagCursor, "any other key closes the picker")
        XCTAssertFalse(state.quit, "and does nothing else")
        reduce(&state, .key(.char("T")))
        reduce(&state, .key(.char("g")))
        reduce(&state, .key(.enter))
        XCTAssertNil(state.home?.tag)
        XCTAssertEqual(state.home?.visible.count, 3)
        reduce(&state, .key(.char("j")))
        reduce(&state, .key(.char("j")))
        XCTAssertEqual(reduce(&state, .key(.enter)), [.openSubscription("https://example.com/feed.xml")])
    }

    func testRefreshShowsProgressAndKeysKeepWorking() {
        var state = homeState()
        XCTAssertEqual(reduce(&state, .key(.char("R"))), [.refresh(["@antichristone", "@topwar_official", "https://example.com/feed.xml"])])
        XCTAssertTrue(Screen.render(state).lines.last?.contains("refreshing 0/3…") == true)
        XCTAssertEqual(reduce(&state, .key(.char("R"))), [], "one refresh at a time")
        reduce(&state, .key(.char("j")))
        XCTAssertEqual(state.home?.cursor, 1, "keys work during a refresh")
        var ok = RefreshReport(source: Source("@antichristone"))
        ok.newPosts = 1
        reduce(&state, .refreshed(ok))
        var failed = RefreshReport(source: Source("@topwar_official"))
        failed.error = "HTTP 500 Internal Server Error"
        reduce(&state, .refreshed(failed))
        XCTAssertTrue(Screen.render(state).lines.last?.contains("refreshing 2/3… 1 failed") == true)
        XCTAssertEqual(reduce(&state, .refreshed(RefreshReport(source: Source("https://example.com/feed.xml")))), [.loadHome])
        XCTAssertEqual(state.status, "refreshed 2 of 3 sources: 1 new post · 1 failed: @topwar_official: HTTP 500 Internal Server Error")
    }

    /// `u` on the home screen goes to the next channel with unread posts (round to the top); `A` asks, and `y`
    /// marks every channel the library holds read.
    func testUnreadAcrossChannelsOnTheHomeScreen() {
        var state = AppState(channels: [], size: Size(width: 100, height: 10), useColor: false)
        state.mode = .home
        var rows = rows()
        rows[0].channel = 1
        rows[0].key = "@antichristone"
        rows[1].channel = 2
        rows[1].key = "@topwar_official"
        rows.append(HomeRow(source: "@third", title: "Third", channel: 3, key: "@third", unread: 4, total: 9))
        reduce(&state, .homeLoaded(rows, now: now))
        reduce(&state, .key(.char("u")))
        XCTAssertEqual(state.home?.cursor, 3)
        XCTAssertEqual(state.status, "Third: 4 unread")
        reduce(&state, .key(.char("u")))
        XCTAssertEqual(state.home?.cursor, 0, "round to the top, past channels without unread posts")
        XCTAssertTrue(Screen.render(state).lines.last?.contains("Antichrist One: 12 unread") == true)
        XCTAssertEqual(reduce(&state, .key(.char("A"))), [])
        XCTAssertTrue(Screen.render(state).lines.last?.contains("mark every channel read? y marks them, any other key cancels") == true)
        XCTAssertEqual(reduce(&state, .key(.char("j"))), [], "any other key cancels")
        XCTAssertEqual(state.status, "nothing marked")
        XCTAssertEqual(state.home?.cursor, 0, "and does nothing else")
        reduce(&state, .key(.char("A")))
        XCTAssertEqual(reduce(&state, .key(.char("y"))), [
            .markAllRead(channel: 1, key: "@antichristone"), .markAllRead(channel: 2, key: "@topwar_official"),
            .markAllRead(channel: 3, key: "@third"),
        ])
        XCTAssertEqual(state.status, "every channel marked read")
        reduce(&state, .homeLoaded(rows.map { var r = $0; r.unread = r.unread.map { _ in 0 }; return r }, now: now))
        reduce(&state, .key(.char("u")))
        XCTAssertEqual(state.status, "no channel has unread posts")
        reduce(&state, .key(.char("A")))
        XCTAssertNil(state.prompt, "nothing to ask")
    }

    /// refresh-interval: the loop's ticks start a refresh when it is due, the bottom line says when; a refresh that
    /// brought new posts runs the notify program with their number and the channels' names.
    func testRefreshIntervalAndNotify() throws {
        var config = try Config.parse("refresh-interval = 5\nnotify = \"notify-send feedtui\"\n", file: "config.toml")
        XCTAssertEqual(config.refreshInterval, 5)
        var state = AppState(channels: [], size: Size(width: 100, height: 10), useColor: false, config: config)
        state.mode = .home
        reduce(&state, .homeLoaded(rows(), now: now))
        XCTAssertEqual(reduce(&state, .tick(now)), [])
        XCTAssertTrue(Screen.render(state).lines.last?.contains("next refresh in 5 min · j move") == true, Screen.render(state).lines.last ?? "")
        XCTAssertEqual(reduce(&state, .tick(now.addingTimeInterval(250))), [])
        XCTAssertTrue(Screen.render(state).lines.last?.contains("next refresh within a minute") == true)
        let sources = ["@antichristone", "@topwar_official", "https://example.com/feed.xml"]
        XCTAssertEqual(reduce(&state, .tick(now.addingTimeInterval(300))), [.refresh(sources)])
        XCTAssertEqual(reduce(&state, .tick(now.addingTimeInterval(301))), [], "one refresh at a time")
        var effects: [Effect] = []
        for (source, new) in zip(sources, [2, 0, 1]) {
            var report = RefreshReport(source: Source(source))
            report.newPosts = new
            effects = reduce(&state, .refreshed(report))
        }
        XCTAssertEqual(effects, [.loadHome])
        var renamed = rows()
        renamed[0].title = "Antichrist Blog"
        XCTAssertEqual(reduce(&state, .homeLoaded(renamed, now: now)),
                       [.notify(program: "notify-send feedtui", newPosts: 3, channels: ["Antichrist Blog", "https://example.com/feed.xml"])],
                       "named as the library now holds them")
        XCTAssertEqual(reduce(&state, .homeLoaded(renamed, now: now)), [], "once")
        XCTAssertTrue(Screen.render(state).lines.last?.contains("refreshed 3 sources: 3 new posts") == true)
        XCTAssertEqual(reduce(&state, .tick(now.addingTimeInterval(599))), [])
        XCTAssertEqual(reduce(&state, .tick(now.addingTimeInterval(600))), [.refresh(sources)], "every 5 minutes")
        // Nothing new: no notification; 0 turns the refreshes off.
        for source in sources { effects = reduce(&state, .refreshed(RefreshReport(source: Source(source)))) }
        XCTAssertEqual(effects, [.loadHome])
        XCTAssertEqual(reduce(&state, .homeLoaded(renamed, now: now)), [])
        config.refreshInterval = 0
        state.config = config
        XCTAssertEqual(reduce(&state, .tick(now.addingTimeInterval(3600))), [])
    }

    /// The notify program runs without a shell: each argument arrives as it is, `$(…)` and spaces included.
    func testNotifyRunsTheProgramWithoutAShell() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-notify-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("record")
        let log = dir.appendingPathComponent("args")
        try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$0.tmp\" && mv \"$0.tmp\" \(log.path)\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let environment = ["PATH": "/usr/bin:/bin"]
        XCTAssertNil(EffectRunner.notify("'\(script.path)' --from feedtui", arguments: ["3", "Two words", "$(touch x)"], environment: environment))
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: log.path) { usleep(20_000) }
        XCTAssertEqual(try String(contentsOf: log, encoding: .utf8), "--from\nfeedtui\n3\nTwo words\n$(touch x)\n")
        XCTAssertEqual(EffectRunner.notify("no-such-notifier", arguments: ["1"], environment: environment),
                       .notice("notify: no-such-notifier not found (check notify in config.toml)"))
    }

    func testARefreshWhereEverySourceFailedSaysSo() {
        var state = homeState()
        reduce(&state, .key(.char("R")))
        for source in ["@antichristone", "@topwar_official", "https://example.com/feed.xml"] {
            var failed = RefreshReport(source: Source(source))
            failed.error = "download failed: Could not connect to the server."
            reduce(&state, .refreshed(failed))
        }
        XCTAssertEqual(state.status, "3 failed of 3: @antichristone: download failed: Could not connect to the server.")
    }

    /// A t.me channel opened as a followed one, in a real library (the fixture's).
    func followed(width: Int = 120, height: Int = 30) throws -> AppState {
        var state = Fixture.state([try Self.tmeChannel()], width, height)
        state.channel.source = "@antichristone"
        state.home = Home()
        return state
    }

    /// Inside a channel, `>` opens the next followed channel with unread posts at its first unread post.
    func testNextUnreadChannelFromInsideAChannel() throws {
        let view = try followed().channel
        var state = homeState(width: 120, height: 30)
        func opened(_ source: String) -> OpenedChannel {
            OpenedChannel(source: source, view: view, cachedAt: now, lastError: nil, reach: ViewReach(posts: [], subscribers: nil), now: now)
        }
        reduce(&state, .channelOpened(opened("@antichristone")))
        XCTAssertEqual(reduce(&state, .key(.char(">"))), [], "no other channel has unread posts (the open one is skipped)")
        XCTAssertEqual(state.status, "no other channel has unread posts")
        state.home?.rows[2].unread = 3
        XCTAssertEqual(reduce(&state, .key(.char(">"))), [.openSubscription("https://example.com/feed.xml")])
        XCTAssertEqual(state.status, "opening https://example.com/feed.xml…")
        XCTAssertEqual(reduce(&state, .channelOpened(opened("https://example.com/feed.xml"))).first,
                       .findUnread(channel: view.stored.id, key: view.key, order: view.sort, after: -1))
        XCTAssertNil(state.openingAtUnread)
        // From the last row the search goes round to the top.
        state.channel.source = "https://example.com/feed.xml"
        XCTAssertEqual(reduce(&state, .key(.char(">"))), [.openSubscription("@antichristone")])
    }

    func testOpenReadAndComeBack() throws {
        let view = try followed().channel
        var state = homeState(width: 120, height: 30)
        let opened = OpenedChannel(
            source: "@antichristone", view: view, cachedAt: now.addingTimeInterval(-2 * 86400),
            lastError: "download failed: Could not connect to the server.", reach: ViewReach(posts: [], subscribers: nil), now: now)
        Fixture.send(&state, .channelOpened(opened))
        XCTAssertEqual(state.mode, .browse)
        XCTAssertEqual(state.status, "cached 2 d ago — last refresh failed: download failed: Could not connect to the server.")
        let first = try XCTUnwrap(state.channel.selectedPost)
        XCTAssertEqual(
            Fixture.send(&state, .key(.enter)),
            [.markRead(channel: "@antichristone", post: first.id), .loadCurve(channel: "@antichristone", post: first.id)])
        XCTAssertTrue(state.channel.read.contains(first.id), "opening a post marks it read")
        XCTAssertEqual(try Fixture.library?.marks(channel: "@antichristone").read, [first.id], "in the library too")
        Fixture.send(&state, .key(.char("q")))
        XCTAssertEqual(state.mode, .browse)
        XCTAssertEqual(Fixture.send(&state, .key(.char("q"))), [.saveLastSelected(channel: "@antichristone", post: first.id), .loadHome])
        XCTAssertEqual(state.mode, .home)
        XCTAssertFalse(state.quit)
        Fixture.send(&state, .key(.char("q")))
        XCTAssertTrue(state.quit, "q on the home screen quits")
    }

    func testUnreadKeys() throws {
        var state = try followed()
        let library = try XCTUnwrap(Fixture.library)
        let ids = Fixture.posts(state).map(\.id)
        for id in ids.prefix(3) { try library.markRead(id, channel: "@antichristone") }
        state.channel.read = Set(ids.prefix(3))
        // u goes to the next unread post, as the library finds it.
        Fixture.send(&state, .key(.char("u")))
        XCTAssertEqual(state.channel.selected, 3)
        XCTAssertEqual(state.status, "\(ids.count - 3) unread")
        let post = try XCTUnwrap(state.channel.selectedPost)
        Fixture.send(&state, .key(.char("U")))
        XCTAssertTrue(try library.marks(channel: "@antichristone").read.contains(post.id))
        Fixture.send(&state, .key(.char("U")))
        XCTAssertFalse(try library.marks(channel: "@antichristone").read.contains(post.id), "U again: unread")
        Fixture.send(&state, .key(.char("A")))
        XCTAssertEqual(state.channel.read, Set(ids))
        XCTAssertEqual(try library.marks(channel: "@antichristone").read, Set(ids))
        XCTAssertEqual(try library.channels().first?.unread, 0)
        Fixture.send(&state, .key(.char("u")))
        XCTAssertEqual(state.status, "no unread posts")
    }

    func testRefreshOfTheOpenChannel() throws {
        var state = try followed()
        XCTAssertEqual(Fixture.send(&state, .key(.ctrl("r"))), [.refresh(["@antichristone"])])
        XCTAssertTrue(Screen.render(state).lines.last?.contains("refreshing 0/1…") == true, "progress in the status line")
        Fixture.send(&state, .key(.char("j")))
        XCTAssertEqual(state.channel.selected, 1, "keys work during the refresh")
        var report = RefreshReport(source: Source("@antichristone"))
        report.newPosts = 1
        XCTAssertEqual(reduce(&state, .refreshed(report)), [.loadHome, .reloadChannel("@antichristone")])
        XCTAssertEqual(state.status, "refreshed 1 source: 1 new post")
    }

    func testScrollingPastTheOldestPostLoadsThePageBefore() throws {
        var state = try followed()
        XCTAssertEqual(Fixture.send(&state, .key(.char("G"))), [.loadOlder(source: "@antichristone", before: 483)])
        XCTAssertEqual(Fixture.send(&state, .key(.char("j"))), [], "one page at a time")
        reduce(&state, .olderLoaded(RefreshReport(source: Source("@antichristone"))))
        XCTAssertEqual(state.status, "this is the channel's first post")
        XCTAssertEqual(Fixture.send(&state, .key(.char("j"))), [], "the first post was reached")
    }

    /// A file and a t.me channel named together on the command line (no home screen): R refreshes their sources, C-r
    /// the open one, past the oldest post the page before it loads, and after a refresh each channel is read again —
    /// whatever works from the home screen works here. Standard input cannot be read again.
    func testChannelsNamedTogetherRefreshAndLoadOlderWithoutAHomeScreen() throws {
        let seedPath = Fixture.root.appendingPathComponent("Samples/durov-channel-page.txt").path
        let seed = try XCTUnwrap(FeedLoader.load(path: seedPath).first)
        var state = Fixture.state([seed, try Self.tmeChannel()], 120, 30)
        state.channels[0].source = seedPath
        state.channels[1].source = "@antichristone"
        XCTAssertEqual(Fixture.send(&state, .key(.char("R"))), [.refresh([seedPath, "@antichristone"])])
        XCTAssertEqual(reduce(&state, .refreshed(RefreshReport(source: Source(seedPath)))), [], "no home screen to load")
        var report = RefreshReport(source: Source("@antichristone"))
        report.newPosts = 2
        XCTAssertEqual(reduce(&state, .refreshed(report)), [.reloadChannel(seedPath), .reloadChannel("@antichristone")])
        XCTAssertEqual(state.status, "refreshed 2 sources: 2 new posts")
        XCTAssertNil(state.home, "a refresh does not turn the channels into a home screen")
        XCTAssertNil(state.pendingNotify, "notify is the home screen's")
        Fixture.send(&state, .key(.char("]")))
        XCTAssertEqual(state.channel.source, "@antichristone")
        XCTAssertEqual(Fixture.send(&state, .key(.ctrl("r"))), [.refresh(["@antichristone"])])
        reduce(&state, .refreshed(RefreshReport(source: Source("@antichristone"))))
        XCTAssertEqual(Fixture.send(&state, .key(.char("G"))), [.loadOlder(source: "@antichristone", before: 483)])
        // The channel read again replaces itself where it stands, not the list of channels.
        let opened = OpenedChannel(
            source: "@antichristone", view: state.channel, cachedAt: now, lastError: nil, reach: ViewReach(posts: [], subscribers: nil),
            now: now, keepPosition: true)
        reduce(&state, .channelOpened(opened))
        XCTAssertEqual(state.channels.map(\.source), [seedPath, "@antichristone"])
        XCTAssertEqual(state.current, 1)
        XCTAssertEqual(state.mode, .browse)
        state.channels[0].source = "-"
        Fixture.send(&state, .key(.char("[")))
        XCTAssertEqual(Fixture.send(&state, .key(.ctrl("r"))), [])
        XCTAssertEqual(state.status, "this channel cannot be read again — feedtui add follows a channel or a file")
        XCTAssertEqual(Fixture.send(&state, .key(.char("R"))), [.refresh(["@antichristone"])], "standard input is left out")
    }

    /// Oldest first, the oldest post stands first: moving up past it loads the page before. Most viewed, the list's
    /// end asks for the page before the oldest post the library holds.
    func testOlderPagesLoadInEveryOrder() throws {
        var oldest = try followed()
        Fixture.send(&oldest, .key(.char("S")))
        XCTAssertEqual(oldest.channel.sort, .oldest)
        XCTAssertEqual(Fixture.send(&oldest, .key(.char("G"))), [], "the newest end of an oldest-first list loads nothing")
        XCTAssertEqual(Fixture.send(&oldest, .key(.char("g"))), [.loadOlder(source: "@antichristone", before: 483)])
        var viewed = try followed()
        Fixture.send(&viewed, .key(.char("S")))
        Fixture.send(&viewed, .key(.char("S")))
        XCTAssertEqual(viewed.channel.sort, .mostViewed)
        XCTAssertEqual(Fixture.send(&viewed, .key(.char("G"))), [.loadOlder(source: "@antichristone", before: nil)])
    }

    func testTheViewsCurveSaysMinutesUnderAnHour() {
        func line(_ span: TimeInterval) -> String? {
            PostBodyPane.curveLine([ViewSample(at: now, views: 10), ViewSample(at: now.addingTimeInterval(span), views: 40)], width: 60)
        }
        XCTAssertEqual(line(40 * 60)?.hasSuffix("10 → 40 in 40 min (2 refreshes)"), true, line(40 * 60) ?? "")
        XCTAssertEqual(line(20)?.hasSuffix("10 → 40 in 20 s (2 refreshes)"), true, line(20) ?? "")
        XCTAssertEqual(line(90 * 60)?.hasSuffix("10 → 40 in 1.5 h (2 refreshes)"), true, line(90 * 60) ?? "")
    }

    func testViewsCurveInTheFullScreenPost() throws {
        var state = try followed(width: 100, height: 20)
        let effects = Fixture.send(&state, .key(.enter))
        let post = try XCTUnwrap(state.channel.selectedPost)
        XCTAssertEqual(effects, [.markRead(channel: "@antichristone", post: post.id), .loadCurve(channel: "@antichristone", post: post.id)])
        let samples = [100, 900, 2_400, 3_100, 3_300].enumerated().map {
            ViewSample(at: now.addingTimeInterval(Double($0.offset) * 9 * 3600), views: Int64($0.element))
        }
        reduce(&state, .curve(ViewCurve(channel: "@antichristone", post: post.id, samples: samples)))
        let text = Screen.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("views ▁▃▆██ 100 → 3.3K in 36 h (5 refreshes)"), text)
    }

    /// The reducer measures the body as the screen draws it (date format, views curve): a match found in the text
    /// is the line drawn at the top when the search scrolls to it.
    func testASearchInThePostScrollsToTheLineDrawn() throws {
        let words = (1...60).map { "word\($0)" }.joined(separator: " ")
        let post = Publication(id: "1", date: now, text: words + "\n\nthe zebra is here\n\n" + words)
        var config = Config()
        config.dateFormat = try DatePattern("%A, %B %-d, %Y at %H:%M:%S in the afternoon or the morning")
        var state = Fixture.state([Channel(title: "Zoo", handle: "zoo", publications: [post])], 50, 12, config: config)
        state.home = Home()
        press(&state, "Enter")
        let samples = [100, 900, 2_400].enumerated().map { ViewSample(at: now.addingTimeInterval(Double($0.offset) * 9 * 3600), views: Int64($0.element)) }
        reduce(&state, .curve(ViewCurve(channel: state.channel.key, post: "1", samples: samples)))
        press(&state, "/ z e b r a")
        let body = try XCTUnwrap(Layout(state).body)
        let rows = Screen.render(state).lines
        XCTAssertGreaterThan(state.channel.bodyTop, 0, "scrolled to the match")
        XCTAssertTrue(rows[body.y].contains("the zebra is here"), rows.joined(separator: "\n"))
        XCTAssertEqual(state.channel.search?.counter, "match 1/1")
    }

    /// A channel named on the command line that the library does not hold yet is opened once its refresh ends.
    func testASourceNamedOnTheCommandLineOpensAfterItsRefresh() {
        var state = homeState()
        state.opening = "@antichristone"
        XCTAssertEqual(reduce(&state, .key(.ctrl("r"))), [.refresh(["@antichristone"])])
        reduce(&state, .notInLibrary("@antichristone"))
        XCTAssertTrue(Screen.render(state).lines.last?.contains("refreshing 0/1…") == true, "no word of the library while it comes")
        XCTAssertEqual(reduce(&state, .refreshed(RefreshReport(source: Source("@antichristone")))), [.loadHome, .openSubscription("@antichristone")])
        reduce(&state, .notInLibrary("@topwar_official"))
        XCTAssertEqual(state.status, "@topwar_official is not in the library yet — R refreshes every channel, C-r this one")
    }

    /// A search prompt open while a refresh reads the channel again keeps its query and takes the next keys.
    func testASearchPromptSurvivesTheChannelReadAgain() throws {
        var state = try followed()
        press(&state, "/ b l")
        let view = try XCTUnwrap(state.channels.first)
        let opened = OpenedChannel(
            source: "@antichristone", view: view, cachedAt: now, lastError: nil, reach: ViewReach(posts: [], subscribers: nil), now: now,
            keepPosition: true)
        Fixture.send(&state, .channelOpened(opened))
        press(&state, "o g")
        XCTAssertEqual(state.prompt, .search)
        XCTAssertEqual(state.channel.search?.query, "blog")
        XCTAssertNotNil(state.channel.search?.matches, "searched again over the channel read again")
    }

    func testNoKeyIsBoundTwice() {
        var seen: [Key: Action] = [:]
        for b in KeyTable.standard.bindings {
            for k in b.keys {
                XCTAssertNil(seen[k], "\(k.label) is bound to both \(seen[k].map { "\($0)" } ?? "") and \(b.action)")
                seen[k] = b.action
            }
        }
        let help = HelpOverlay.lines(KeyTable.standard).joined(separator: "\n")
        for word in ["refresh every followed channel", "next unread post", "mark the whole channel read", "mark the post read or unread"] {
            XCTAssertTrue(help.contains(word), word)
        }
    }
}
