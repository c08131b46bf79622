import FeedModel
import Foundation
import XCTest

@testable import FeedLibrary

/// Filters run as SQL over a real library of generated channels: each one's posts are exactly those the Swift
/// evaluation of the same filter picks, and a query channel built from one shows them in every order, with the
/// user's marks filed under each post's own channel.
final class QueryChannelTests: XCTestCase {
    private var generator = SplitMix(seed: 41)
    private let zone = TimeZone(identifier: "Europe/Berlin")!
    private let now = Date(timeIntervalSince1970: 1_700_000_000)
    private var dir: URL!
    private var library: Library!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("query-\(UUID().uuidString)")
        library = try Library(path: dir.appendingPathComponent("library.sqlite").path)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
    }

    private let words = ["swift", "Café", "rust", "news", "日本語", "sponsored", "release", "ab"]
    private let authors: [String?] = [nil, "Jo Doe", "jo doe", "Ann", "Zoë Bot"]

    /// A post with ids that repeat across channels, dates over 10 days around `now` (1 in 8 undated), views or none,
    /// an author or none, and a few words.
    private func post(_ n: Int) -> Publication {
        let dated = Int.random(in: 0..<8, using: &generator) != 0
        let date = now.addingTimeInterval(-Double(Int.random(in: 0..<(10 * 86400), using: &generator)))
        var p = Publication(
            id: "p\(n)", date: dated ? date : nil,
            text: (0..<3).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }.joined(separator: " "))
        p.author = authors[Int.random(in: 0..<authors.count, using: &generator)]
        p.views = Bool.random(using: &generator) ? Count(Int64(Int.random(in: 0...2000, using: &generator))) : nil
        return p
    }

    private let sources = [Source.feed("https://a.example/feed"), .feed("https://b.example/feed"), .telegram("rustweekly")]
    private let titles = ["Alpha News", "Beta", "Rust Weekly"]

    /// Three channels of 80 posts, some read and some bookmarked; the first two tagged.
    private func fill() throws -> (FilterContext, [FilterSubject]) {
        for (i, source) in sources.enumerated() {
            let ch = Channel(title: titles[i], publications: (0..<80).map { post($0) })
            try library.importChannels([ch], from: source)
        }
        let context = FilterContext(tags: [sources[0].identity: ["news", "daily"], sources[1].identity: ["tech"]], now: now, zone: zone)
        var subjects: [FilterSubject] = []
        for lc in try library.channels() {
            let posts = try library.window(channel: lc.id, order: .oldest, offset: 0, limit: 1000).posts
            for p in posts where Int.random(in: 0..<3, using: &generator) == 0 { try library.markRead(p.id, channel: lc.key) }
            for p in posts where Int.random(in: 0..<5, using: &generator) == 0 { try library.setBookmark(p.id, marked: true, channel: lc.key) }
            let read = try library.read(channel: lc.key, among: posts.map(\.id))
            let bookmarks = try library.marks(channel: lc.key).bookmarks
            subjects += posts.map { p in
                FilterSubject(
                    post: p, channelTitle: lc.channel.title, channelSource: lc.key, tags: context.tags[lc.key] ?? [],
                    read: read.contains(p.id), bookmarked: bookmarks.contains(p.id))
            }
        }
        XCTAssertEqual(subjects.count, 240)
        return (context, subjects)
    }

    private func name(_ s: FilterSubject) -> String { s.channelSource + "\u{1F}" + s.post.id }

    static let filters = [
        "unread", "bookmarked", "not unread", "unread = false", #"tag = "news""#, #"tag ~ "ECH""#, #"tag != "news""#,
        #"channel = "beta""#, #"channel ~ "@rust""#, #"channel !~ "news""#, #"author = "JO DOE""#, #"author ~ "ë""#,
        #"author !~ "jo""#, #"text ~ "cafe""#, #"text ~ "日本""#, #"text ~ "ab""#, #"text !~ "sponsored""#, "views > 1000",
        "views <= 100", "views = 0 or views != 5", "not views >= 500", "age < 2d", "age >= 5d", "not age < 1d",
        "date = 2023-11-12", "date < 2023-11-10", "date >= 2023-11-13", "date > 2023-11-12", "date <= 2023-11-08",
        #"unread and tag = "news""#, #"unread or bookmarked and text ~ "swift""#, #"(unread or bookmarked) and not (author ~ "bot" or views < 100)"#,
        #"not (tag = "tech" or channel = "Rust Weekly") and age < 3d"#,
    ]

    func testEveryFilterSelectsWhatSwiftSelects() throws {
        let (context, subjects) = try fill()
        for (i, text) in Self.filters.enumerated() {
            let filter = try Filter.parse(text)
            let expected = Set(subjects.filter { filter.matches($0, now: now, zone: zone) }.map(name))
            let id = try library.fillQuery(key: "query:\(i)", title: text, filter: filter, context: context)
            XCTAssertEqual(Set(try library.window(channel: id, order: .newest, offset: 0, limit: 1000).posts.map(\.id)), expected, text)
            XCTAssertFalse(expected.isEmpty && !text.contains("date ="), "\(text) selects something on these channels")
        }
    }

    func testAQueryChannelShowsItsPostsInEveryOrderWithTheirOwnMarks() throws {
        let (base, subjects) = try fill()
        var context = base
        context.ignore = try Filter.parse(#"text ~ "sponsored""#)
        let filter = try Filter.parse(#"unread or tag = "tech""#)
        let id = try library.fillQuery(key: "query:Mine", title: "Mine", filter: filter, context: context)
        let shown = subjects.filter { filter.matches($0, now: now, zone: zone) && !context.ignore!.matches($0, now: now, zone: zone) }
        let lc = try XCTUnwrap(try library.channel(id))
        XCTAssertEqual(lc.key, "query:Mine")
        XCTAssertEqual(lc.channel.title, "Mine")
        XCTAssertEqual(lc.postCount, shown.count)
        XCTAssertEqual(lc.unread, shown.filter { !$0.read }.count)
        XCTAssertEqual(lc.statistics.postCount, shown.count)

        // Every order: by date (views first for most viewed), ties by channel and the channel's own order.
        for order in PostOrder.allCases {
            let window = try library.window(channel: id, order: order, offset: 0, limit: 1000)
            XCTAssertEqual(Set(window.posts.map(\.id)), Set(shown.map(name)), "\(order)")
            let views = window.posts.map { $0.views?.value ?? -1 }
            switch order {
            case .newest: XCTAssertEqual(window.posts.compactMap(\.date), window.posts.compactMap(\.date).sorted(by: >))
            case .oldest: XCTAssertEqual(window.posts.compactMap(\.date), window.posts.compactMap(\.date).sorted())
            case .mostViewed: XCTAssertEqual(views, views.sorted(by: >))
            }
            // A window in the middle is the same run.
            let middle = try library.window(channel: id, order: order, offset: 10, limit: 5)
            XCTAssertEqual(middle.posts, Array(window.posts[10..<15]))
            XCTAssertEqual(try library.positions(of: [window.posts[12].id], channel: id, order: order), [12])
        }

        // Reading a post of the query channel marks it read in its own channel.
        let first = try XCTUnwrap(try library.window(channel: id, order: .newest, offset: 0, limit: 50).posts.first { p in
            !(shown.first { name($0) == p.id }?.read ?? true)
        })
        try library.markRead(first.id, channel: "query:Mine")
        let (key, postID) = Library.filed("query:Mine", first.id)
        XCTAssertTrue(try library.read(channel: key, among: [postID]).contains(postID))
        XCTAssertEqual(try library.read(channel: "query:Mine", among: [first.id]), [first.id])
        XCTAssertEqual(try library.channel(id)?.unread, lc.unread - 1)
        let (next, unread) = try library.nextUnread(channel: id, key: "query:Mine", order: .newest, after: -1)
        XCTAssertEqual(unread, lc.unread - 1)
        let newest = try library.window(channel: id, order: .newest, offset: 0, limit: 1000).posts
        let read = try library.read(channel: "query:Mine", among: newest.map(\.id))
        let firstUnread = newest.firstIndex { !read.contains($0.id) }
        XCTAssertEqual(next, firstUnread)

        // Its search finds what the Swift search finds among its posts, by position.
        let all = try library.window(channel: id, order: .oldest, offset: 0, limit: 1000).posts
        XCTAssertEqual(
            try library.search(channel: id, query: "CAFÉ", order: .oldest),
            all.indices.filter { SearchText.contains(SearchText.fold(all[$0].searchableText), "cafe") })

        // Bookmarks are filed under the post's own channel too.
        try library.setBookmark(first.id, marked: true, channel: "query:Mine")
        XCTAssertTrue(try library.marks(channel: key).bookmarks.contains(postID))
        XCTAssertTrue(try library.marks(channel: "query:Mine", readAmong: []).bookmarks.contains(first.id))

        // Marking the query channel read marks every post it shows read, in their channels.
        try library.markAllRead(channel: "query:Mine", channelID: id)
        XCTAssertEqual(try library.channel(id)?.unread, 0)
        try library.fillQuery(key: "query:Unread", title: "Unread", filter: .and(filter, .unread), context: context)
        XCTAssertEqual(try library.channels().first { $0.key == "query:Unread" }?.postCount, 0)

        // Filled again, it follows the library: the unread posts it held are read now, only tech is left.
        try library.fillQuery(key: "query:Mine", title: "Mine", filter: filter, context: context)
        XCTAssertEqual(try library.channel(id)?.postCount, subjects.filter { $0.tags == ["tech"] && !context.ignore!.matches($0, now: now, zone: zone) }.count)
    }

}

extension QueryChannelTests {
    func testIgnoredPostsAreHiddenFromTheirChannelAndCounted() throws {
        let (base, subjects) = try fill()
        var context = base
        context.ignore = try Filter.parse(#"author ~ "bot" or text ~ "sponsored""#)
        let beta = try XCTUnwrap(try library.channels().first { $0.channel.title == "Beta" })
        let hidden = subjects.filter { $0.channelSource == beta.key && context.ignore!.matches($0, now: now, zone: zone) }
        XCTAssertGreaterThan(hidden.count, 0)

        let id = try library.shown(beta.id, context: context)
        XCTAssertNotEqual(id, beta.id)
        XCTAssertEqual(try library.shown(id, context: context), id, "what was left is filled again in place")
        let listed = try XCTUnwrap(try library.channels().first { $0.key == beta.key })
        XCTAssertEqual(listed.id, id, "the channel is listed as what the rules leave")
        XCTAssertEqual(try library.channels().count, 3)
        XCTAssertEqual(listed.ignored, hidden.count)
        XCTAssertEqual(listed.postCount, 80 - hidden.count)
        XCTAssertEqual(listed.statistics.postCount, 80 - hidden.count)
        let kept = subjects.filter { $0.channelSource == beta.key && !context.ignore!.matches($0, now: now, zone: zone) }
        XCTAssertEqual(listed.unread, kept.filter { !$0.read }.count)
        for order in PostOrder.allCases {
            let all = try library.window(channel: beta.id, order: order, offset: 0, limit: 1000).posts
            XCTAssertEqual(
                try library.window(channel: id, order: order, offset: 0, limit: 1000).posts,
                all.filter { p in kept.contains { $0.post.id == p.id } }, "\(order): the channel's own order without the hidden posts")
        }
        XCTAssertEqual(try library.search(channel: id, query: "sponsored", order: .newest), [], "search finds no hidden post")

        // Marks stay filed under the channel's own key.
        let post = try XCTUnwrap(try library.window(channel: id, order: .newest, offset: 0, limit: 1).posts.first)
        try library.markUnread(post.id, channel: listed.key)
        try library.markAllRead(channel: listed.key, channelID: id)
        XCTAssertEqual(try library.channel(id)?.unread, 0)
        XCTAssertTrue(try library.read(channel: beta.key, among: [post.id]).contains(post.id))

        // Without rules the channel is itself again.
        context.ignore = nil
        XCTAssertEqual(try library.shown(id, context: context), beta.id)
        XCTAssertEqual(try library.channels().first { $0.key == beta.key }?.id, beta.id)
        XCTAssertEqual(try library.channels().first { $0.key == beta.key }?.ignored, 0)
    }
}

extension QueryChannelTests {
    func testTheLibrarySearchFindsNoIgnoredPost() throws {
        let (base, subjects) = try fill()
        var context = base
        context.ignore = try Filter.parse(#"tag = "news" or views > 1500"#)
        let (matches, total) = try library.searchAll(query: "swift", limit: 1000, hiding: context)
        let expected = subjects.filter {
            SearchText.contains(SearchText.fold($0.post.searchableText), "swift") && !context.ignore!.matches($0, now: now, zone: zone)
        }
        XCTAssertEqual(total, expected.count)
        XCTAssertEqual(Set(matches.map { "\($0.channelTitle)/\($0.post.id)" }), Set(expected.map { "\($0.channelTitle)/\($0.post.id)" }))
        XCTAssertGreaterThan(try library.searchAll(query: "swift", limit: 1000).total, total)
    }
}

/// A query channel in the channels file: one line, `query:NAME:FILTER`, its quotes kept as written.
final class QuerySubscriptionTests: XCTestCase {
    func testAQueryLineIsItsWholeFilter() throws {
        let text = """
            @durov news
            query:Unread news:unread and tag = "news"   # my morning
            query:Tagged:tag = "#rust" or text ~ "a # b"
            query:Broken:views >
            query:Unread news:unread

            """
        let file = SubscriptionFile(text: text)
        XCTAssertEqual(file.subscriptions.map(\.source), [
            .telegram("durov"), .query(name: "Unread news", filter: #"unread and tag = "news""#),
            .query(name: "Tagged", filter: ##"tag = "#rust" or text ~ "a # b""##),
        ])
        XCTAssertEqual(file.subscriptions[1].source.identity, "query:Unread news")
        XCTAssertEqual(file.refusals.map(\.description), [
            "line 4: filter: expected a value at column 8",
            #"line 5: query:Unread news:unread is already followed on line 2"#,
        ])
        XCTAssertEqual(file.text, text, "reading alone changes nothing")

        var edited = file
        XCTAssertThrowsError(try Source.followable(#"query:Swift:text ~ "swift""#, files: false), "not from an OPML file")
        XCTAssertTrue(edited.add(try Source.followable(#"query:Swift:text ~ "swift""#, files: true), tags: ["ignored"]))
        XCTAssertTrue(edited.text.hasSuffix("query:Swift:text ~ \"swift\"\n"), "written as given, without tags")
        XCTAssertTrue(edited.remove(.query(name: "Tagged", filter: ##"tag = "#rust" or text ~ "a # b""##)))
        XCTAssertEqual(SubscriptionFile(text: edited.text).subscriptions.map(\.source.name), ["@durov", "Unread news", "Swift"])
    }
}
