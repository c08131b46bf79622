import FeedLibrary
import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

/// Query channels and ignore rules as the user meets them: a channels file with two feeds (files) and two saved
/// filters, refreshed into a real library, the home screen and a query channel opened, sorted and read.
final class QueryChannelScreenTests: XCTestCase {
    private var folder: String!
    private var channelsFile: String { folder + "/channels" }

    override func setUpWithError() throws {
        // Short and of one length, so that the home screen's golden can mask it.
        folder = "/tmp/fq" + String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Alpha (tagged news) and Beta (tagged tech): six posts each, an hour apart, interleaved; one of Alpha's by a bot.
    private func follow(ignore: String? = nil) throws -> (Library, EffectRunner, AppState) {
        let base = Date(timeIntervalSince1970: 1_790_000_000)
        for (n, name) in ["Alpha", "Beta"].enumerated() {
            let posts = (0..<6).map { i in
                var p = Publication(
                    id: "\(name.lowercased())-\(i)", date: base.addingTimeInterval(Double(2 * i + n) * 3600),
                    text: "\(name) post \(i)" + (i % 2 == 0 ? " about Swift" : " about Rust"))
                p.views = Count(Int64(100 * (i + 1) + 10 * n))
                p.author = name == "Alpha" && i == 3 ? "Release Bot" : "Jo"
                return p
            }
            try NativeJSON.encode([Channel(title: name, publications: posts)]).write(to: URL(fileURLWithPath: "\(folder!)/\(name).json"))
        }
        try """
            \(folder!)/Alpha.json news
            \(folder!)/Beta.json tech
            query:Unread news:unread and tag = "news"
            query:Swift everywhere:text ~ "swift"

            """.write(toFile: channelsFile, atomically: true, encoding: .utf8)
        var config = Config()
        if let ignore { config.ignore = try Filter.parse(ignore) }
        let library = try Library(path: folder + "/library.sqlite", clock: Fixture.utc)
        let filters = config.filters(subscriptions: channelsFile)
        let refresher = Refresher(library: library, fetcher: Fetcher(userAgent: "feedtui/test"), filters: filters)
        let subscriptions = try SubscriptionFile.load(path: channelsFile).subscriptions
        XCTAssertEqual(subscriptions.map(\.source.name), ["\(folder!)/Alpha.json", "\(folder!)/Beta.json", "Unread news", "Swift everywhere"])
        let reports = refresher.refresh(subscriptions.map(\.source))
        XCTAssertEqual(reports.compactMap(\.error), [])
        let runner = EffectRunner(library: library, home: .subscriptions(path: channelsFile), inline: true, filters: filters)
        var state = AppState(channels: [], size: Size(width: 100, height: 12), useColor: false, config: config, clock: Fixture.utc)
        state.mode = .home
        runner.drive(&state, runner.homeRows())
        return (library, runner, state)
    }

    private func screen(_ state: AppState) -> String { Screen.render(state).lines.joined(separator: "\n") }

    private func keys(_ runner: EffectRunner, _ state: inout AppState, _ names: String) {
        for name in names.split(separator: " ") {
            guard let key = Key(name: String(name)) else { return XCTFail("unknown key \(name)") }
            runner.drive(&state, .key(key))
        }
    }

    func testAQueryChannelIsARowOfTheHomeScreenWithItsUnreadCount() throws {
        let (_, _, state) = try follow()
        let rows = try XCTUnwrap(state.home?.rows)
        XCTAssertEqual(rows.map(\.title), ["Alpha", "Beta", "Unread news", "Swift everywhere"])
        XCTAssertEqual(rows.map(\.unread), [6, 6, 6, 6])
        XCTAssertEqual(rows.map(\.total), [6, 6, 6, 6])
        // The folder of the files changes from run to run: masked with one of the same width.
        let rendered = Screen.render(state)
        var shown = Grid(width: rendered.width, height: rendered.height)
        for (y, line) in rendered.lines.enumerated() {
            _ = shown.put(line.replacingOccurrences(of: folder.dropFirst(7), with: String(repeating: "X", count: 8)), x: 0, y: y)
        }
        assertGolden(shown, "home-query-100x12")
    }

    func testOpeningItShowsTheMatchingPostsOfEveryChannelInEveryOrder() throws {
        let (library, runner, start) = try follow()
        var state = start
        keys(runner, &state, "j j j Enter")
        XCTAssertEqual(state.mode, .browse)
        XCTAssertEqual(state.channel.channel.title, "Swift everywhere")
        XCTAssertEqual(state.channel.total, 6)
        let titles = { (s: AppState) in Fixture.posts(s).map(\.text) }
        Fixture.library = library
        XCTAssertEqual(titles(state), ["Beta post 4 about Swift", "Alpha post 4 about Swift", "Beta post 2 about Swift", "Alpha post 2 about Swift", "Beta post 0 about Swift", "Alpha post 0 about Swift"])
        XCTAssertTrue(screen(state).contains("Beta post 4 about Swift"), screen(state))
        keys(runner, &state, "S")
        XCTAssertEqual(state.channel.sort, .oldest)
        XCTAssertEqual(titles(state).first, "Alpha post 0 about Swift")
        XCTAssertTrue(screen(state).contains("▶"), screen(state))
        keys(runner, &state, "S")
        XCTAssertEqual(state.channel.sort, .mostViewed)
        XCTAssertEqual(Fixture.posts(state).map { $0.views?.value }, [510, 500, 310, 300, 110, 100])

        // Reading a post here marks it read in its own channel; the home screen counts follow.
        keys(runner, &state, "g Enter")
        let alpha = try XCTUnwrap(try library.channels().first { $0.channel.title == "Alpha" })
        let beta = try XCTUnwrap(try library.channels().first { $0.channel.title == "Beta" })
        XCTAssertEqual(try library.read(channel: beta.key, among: ["beta-4"]), ["beta-4"])
        XCTAssertEqual(try library.channel(beta.id)?.unread, 5)
        XCTAssertEqual(try library.channel(alpha.id)?.unread, 6)
        keys(runner, &state, "q q")
        XCTAssertEqual(state.mode, .home)
        XCTAssertEqual(state.home?.rows.map(\.unread), [6, 5, 6, 5])

        // `A` in the query channel marks what it shows read, each post in its channel.
        keys(runner, &state, "Enter A")
        XCTAssertEqual(try library.channel(alpha.id)?.unread, 3)
        XCTAssertEqual(try library.channel(beta.id)?.unread, 3)
    }

    /// A query channel has no rating of its own: `r` there says so and files no vote, under it or its channels.
    func testAVoteInAQueryChannelIsRefusedInTheStatusLine() throws {
        let (library, runner, start) = try follow()
        var state = start
        keys(runner, &state, "j j j Enter")
        XCTAssertEqual(state.channel.channel.title, "Swift everywhere")
        XCTAssertFalse(screen(state).contains("r to rate"), screen(state))
        keys(runner, &state, "r")
        XCTAssertNil(state.prompt)
        XCTAssertEqual(state.status, "a query channel has no rating of its own — rate a channel from its own list")
        keys(runner, &state, "4")
        XCTAssertNil(state.channel.userRating)
        for key in try library.channels().map(\.key) + [state.channel.key] {
            XCTAssertNil(try library.marks(channel: key).rating, key)
        }
        // In a channel of its own, r rates it.
        keys(runner, &state, "q g Enter r 4")
        XCTAssertEqual(state.channel.channel.title, "Alpha")
        XCTAssertEqual(try library.marks(channel: state.channel.key).rating, 4)
    }

    func testIgnoreHidesPostsEverywhereAndTheStatisticsSayHowMany() throws {
        let (library, runner, start) = try follow(ignore: #"author ~ "bot" or text ~ "beta post 5""#)
        var state = start
        XCTAssertEqual(state.home?.rows.map(\.total), [5, 5, 5, 6], "counts leave out what the rules hide")
        XCTAssertEqual(state.home?.rows.map(\.unread), [5, 5, 5, 6])
        keys(runner, &state, "Enter")
        XCTAssertEqual(state.channel.channel.title, "Alpha")
        XCTAssertEqual(state.channel.total, 5)
        Fixture.library = library
        XCTAssertFalse(Fixture.posts(state).contains { $0.author == "Release Bot" })
        state.size = Size(width: 120, height: 40)
        runner.drive(&state, .resize(state.size))
        keys(runner, &state, "Tab Tab G")
        XCTAssertNotNil(screen(state).range(of: #"ignored +1 post hidden by ignore in config.toml"#, options: .regularExpression), "ignored row")
        keys(runner, &state, "Esc F R u s t Enter")
        XCTAssertEqual(state.librarySearch?.total, 4, "the library search finds no hidden post (6 about Rust, 2 hidden)")
    }
}

/// config.toml's `ignore`: a list of filters, any of which hides a post; a rule that is no filter is named with the
/// column of its fault.
final class IgnoreConfigTests: XCTestCase {
    func testRulesAreReadAsOneFilterThatAnyMatches() throws {
        let config = try Config.parse(#"ignore = ["author ~ \"bot\"", "tag = \"ads\" and unread"]"# + "\n", file: "config.toml")
        XCTAssertEqual(config.ignore, .or(.string(.author, .contains, "bot"), .and(.string(.tag, .equal, "ads"), .unread)))
        XCTAssertNil(try Config.parse("ignore = []\n", file: "config.toml").ignore)
        XCTAssertNil(try Config.parse("", file: "config.toml").ignore)
        XCTAssertNil(try Config.parse(Config.defaultFile, file: "config.toml").ignore, "the default file ignores nothing")
    }

    func testABadRuleIsOneLineWithItsColumn() {
        let cases = [
            (#"ignore = ["unread", "unread and"]"#, "config.toml:1: ignore: rule 2: filter: expected a field (channel, tag, unread, bookmarked, date, age, views, author, text) at column 11"),
            (#"ignore = "unread""#, "config.toml:1: ignore: expected a list of filters in double quotes, found a string"),
            ("\n\nignore = [\n  \"views >\",\n]", "config.toml:3: ignore: rule 1: filter: expected a value at column 8"),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try Config.parse(text + "\n", file: "config.toml"), text) { error in
                XCTAssertEqual((error as? ConfigError)?.description, line)
            }
        }
    }
}

extension IgnoreConfigTests {
    /// The man page explains the language it names in `add`'s abstract and in config.toml.
    func testTheManualHasTheFilterLanguage() {
        let sections = HelpText.manualSections(keys: .standard)
        let filters = sections.drop { $0 != ".Sh FILTERS" }.prefix { $0 != ".Sh ENVIRONMENT" }.joined(separator: "\n")
        for field in Filter.fields { XCTAssertTrue(filters.contains(field), field) }
        XCTAssertTrue(filters.contains("column"))
    }
}
