import FeedModel
import Foundation
import GRDB
import XCTest

@testable import FeedLibrary

/// Every post kept, each in its own channel: refreshes from the local stand-in for t.me that gain many posts
/// between two refreshes, sources whose content claims another source's channel, and an old library migrated.
final class ChannelIdentityTests: XCTestCase {
    var server: TestServer!
    var dir: URL!
    var library: Library!

    override func setUpWithError() throws {
        // Pages of 20 posts, as t.me's; the generated channel holds back its newest 335 posts.
        server = try TestServer(arguments: ["--hold", "1", "--page-size", "20", "--gen-posts", "400", "--gen-hold", "335"])
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)")
        library = try Library(path: dir.appendingPathComponent("library.sqlite").path)
    }

    override func tearDown() {
        server.process.terminate()
        server.process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }

    func refresher(pageLimit: Int = 500) -> Refresher {
        Refresher(
            library: library, fetcher: Fetcher(userAgent: "feedtui/test"), environment: ["FEEDTUI_TME_URL": server.base],
            pageLimit: pageLimit)
    }

    func channel(_ key: String) throws -> LibraryChannel? {
        try library.channels().first { $0.key == key }
    }

    func numbers(_ key: String) throws -> [Int] {
        guard let ch = try channel(key) else { return [] }
        return try library.window(channel: ch.id, order: .oldest, offset: 0, limit: ch.postCount).posts.compactMap { Source.postNumber($0.id) }
    }

    // MARK: - No gap

    func testARefreshReadsBackToTheNewestPostHeldHoweverManyArrived() throws {
        let r = refresher()
        let first = r.refresh(Source("@gen"))
        XCTAssertNil(first.error)
        XCTAssertEqual(first.newPosts, 20, "the first refresh reads the newest page")
        XCTAssertEqual(try numbers("@gen"), Array(46...65))
        var expected = Array(46...65)
        for arrived in [25, 60, 250] {
            try server.publish("gen", count: arrived)
            let report = r.refresh(Source("@gen"))
            XCTAssertNil(report.error)
            XCTAssertEqual(report.newPosts, arrived, "\(arrived) posts arrived: every one is found")
            XCTAssertEqual(report.gaps, [])
            expected += Array((expected.last ?? 0) + 1...(expected.last ?? 0) + arrived)
            XCTAssertEqual(try numbers("@gen"), expected)
        }
        let ch = try XCTUnwrap(try channel("@gen"))
        XCTAssertEqual(ch.postCount, 355)
        XCTAssertEqual(ch.unread, 355, "the first refresh and every newer post count as unread")
        XCTAssertEqual(ch.statistics.postCount, 355, "the statistics count every post")
        // The newest first, as the list shows them, across pages merged in any order.
        XCTAssertEqual(try library.window(channel: ch.id, order: .newest, offset: 0, limit: 3).posts.map(\.id), ["gen/400", "gen/399", "gen/398"])
        XCTAssertEqual(try library.window(channel: ch.id, order: .mostViewed, offset: 0, limit: 2).posts.map(\.id), ["gen/400", "gen/399"])
    }

    func testARefreshCutShortKeepsTheGapAndTheNextOneFillsIt() throws {
        XCTAssertNil(refresher().refresh(Source("@gen")).error)
        try server.publish("gen", count: 250)
        let cut = refresher(pageLimit: 3).refresh(Source("@gen"))
        XCTAssertEqual(cut.error, "stopped after 3 older pages; the next refresh reads on")
        XCTAssertEqual(cut.newPosts, 80, "the newest page and three older ones were kept")
        // 315 arrived: the newest page 296…315, then 276…, 256…, 236…255.
        XCTAssertEqual(cut.gaps, [Gap(older: 65, newer: 236)])
        XCTAssertEqual(Gap.describe(cut.gaps), "posts missing between 65 and 236")
        XCTAssertEqual(try library.refreshState(Source("@gen")).gaps, cut.gaps, "feedtui list and the home screen read it")

        // Still cut short: the gap narrows, it is not forgotten.
        let again = refresher(pageLimit: 2).refresh(Source("@gen"))
        XCTAssertEqual(again.gaps, [Gap(older: 65, newer: 196)])
        XCTAssertEqual(again.newPosts, 40)

        let whole = refresher().refresh(Source("@gen"))
        XCTAssertNil(whole.error)
        XCTAssertEqual(whole.gaps, [])
        XCTAssertEqual(whole.newPosts, 130)
        XCTAssertEqual(try numbers("@gen"), Array(46...315))
        XCTAssertEqual(try channel("@gen")?.unread, 270, "the posts of a gap are news")
        XCTAssertEqual(try library.refreshState(Source("@gen")).gaps, [])
    }

    func testAHistoryWalkStopsAtItsPageLimitAndTheNextResumes() throws {
        XCTAssertNil(refresher().refresh(Source("@gen")).error)
        let walk = { (limit: Int) in
            Refresher(
                library: self.library, fetcher: Fetcher(userAgent: "feedtui/test"), environment: ["FEEDTUI_TME_URL": self.server.base],
                historyPageLimit: limit
            ).refresh(Source("@gen"), history: true)
        }
        let cut = walk(1)
        XCTAssertEqual(cut.error, "stopped after 1 older pages; refresh --history reads on from post 26")
        XCTAssertEqual(try numbers("@gen"), Array(26...65))
        XCTAssertEqual(try library.refreshState(Source("@gen")).historyBefore, 26)
        XCTAssertNil(walk(3).error, "the rest: 6…25, then 1…5, then nothing before 1")
        XCTAssertEqual(try numbers("@gen"), Array(1...65))
        XCTAssertTrue(try library.refreshState(Source("@gen")).historyComplete)
    }

    /// config.toml's ignore rules: an older page's posts are in what the channel shows as soon as the page is in,
    /// whichever channel the screen shows then — not only at the next refresh or open.
    func testAnOlderPageFillsWhatTheIgnoreRulesLeaveOfTheChannel() throws {
        let ignore = try Filter.parse(#"text ~ "number 5""#)
        let r = Refresher(
            library: library, fetcher: Fetcher(userAgent: "feedtui/test"), environment: ["FEEDTUI_TME_URL": server.base],
            filters: { FilterContext(ignore: ignore) })
        XCTAssertNil(r.refresh(Source("@gen")).error)
        // Posts 46…65 less 50…59: the channel as the user sees it is a selection of the others.
        let shown = try XCTUnwrap(try channel("@gen")).id
        XCTAssertEqual(try library.channel(shown)?.postCount, 10)
        let older = r.loadOlder(Source("@gen"), before: 46)
        XCTAssertNil(older.error)
        XCTAssertEqual(older.newPosts, 20, "posts 26…45")
        XCTAssertEqual(try library.channel(shown)?.postCount, 30, "the page's posts are shown at once")
        XCTAssertEqual(
            try library.window(channel: shown, order: .oldest, offset: 0, limit: 30).posts.compactMap { Source.postNumber($0.id) },
            Array(26...49) + Array(60...65))
    }

    // MARK: - Unread means new

    func testOlderPagesAndHistoryNeverCountAsUnread() throws {
        let r = refresher()
        XCTAssertNil(r.refresh(Source("@gen")).error)
        let ch = try XCTUnwrap(try channel("@gen"))
        try library.markAllRead(channel: ch.key, channelID: ch.id)
        XCTAssertEqual(try channel("@gen")?.unread, 0)
        // Scrolling past the oldest post.
        let older = r.loadOlder(Source("@gen"), before: 46)
        XCTAssertNil(older.error)
        XCTAssertEqual(older.newPosts, 20)
        XCTAssertEqual(try channel("@gen")?.postCount, 40)
        XCTAssertEqual(try channel("@gen")?.unread, 0, "an older page is not news")
        // From the most-viewed order: the page before the oldest post held, which the library finds.
        XCTAssertEqual(r.loadOlder(Source("@gen"), before: nil).newPosts, 20)
        XCTAssertEqual(try numbers("@gen"), Array(6...65))
        // The whole history.
        XCTAssertNil(r.refresh(Source("@gen"), history: true).error)
        XCTAssertEqual(try numbers("@gen"), Array(1...65))
        XCTAssertEqual(try channel("@gen")?.unread, 0, "a history walk is not news")
        // What arrives afterwards is.
        try server.publish("gen", count: 3)
        XCTAssertEqual(r.refresh(Source("@gen")).newPosts, 3)
        XCTAssertEqual(try channel("@gen")?.unread, 3)
    }

    // MARK: - Identity by source

    func testAPageClaimingAnotherChannelNeverTouchesIt() throws {
        let r = refresher()
        XCTAssertNil(r.refresh(Source("@antichristone")).error)
        let victim = try XCTUnwrap(try channel("@antichristone"))
        let victimPosts = try numbers("@antichristone")
        try library.markRead("antichristone/516", channel: "@antichristone")
        try library.setRating(4, channel: "@antichristone")

        // t.me/s/impostor serves posts that say data-post="antichristone/…", under the same title.
        for _ in 0..<2 {
            let report = r.refresh(Source("t.me/s/impostor"))
            XCTAssertNil(report.error)
            XCTAssertEqual(report.channelKey, "@impostor", "the channel is the source's, whatever its posts say")
        }
        XCTAssertEqual(try library.channels().map(\.key).sorted(), ["@antichristone", "@impostor"], "one channel each, however often refreshed")
        let after = try XCTUnwrap(try channel("@antichristone"))
        XCTAssertEqual(after.id, victim.id, "the victim's channel was not replaced")
        XCTAssertEqual(after.channel.title, victim.channel.title)
        XCTAssertEqual(try numbers("@antichristone"), victimPosts)
        XCTAssertEqual(after.unread, victim.unread - 1)
        XCTAssertEqual(try library.marks(channel: "@antichristone").rating, 4)
        XCTAssertEqual(try library.followedChannel(Source("@impostor"))?.0.postCount, victim.postCount)
    }

    func testTwoFeedsWithOneLinkStayTwoChannels() throws {
        let r = refresher()
        let posts = "\(server.base)/rss/geopolitics.xml"
        let comments = "\(server.base)/rss/geocomments.xml"
        for url in [posts, comments, posts] { XCTAssertNil(r.refresh(Source(url)).error) }
        XCTAssertEqual(try library.channels().map(\.key).sorted(), [comments, posts])
        for url in [posts, comments] {
            let ch = try XCTUnwrap(try library.followedChannel(Source(url))?.0)
            XCTAssertEqual(ch.postCount, 47)
            XCTAssertEqual(ch.unread, 47, "each feed counts its own unread posts once")
        }
        let comment = try XCTUnwrap(try library.followedChannel(Source(comments))?.0)
        let ids = try library.window(channel: comment.id, order: .newest, offset: 0, limit: 47).posts.map(\.id)
        XCTAssertTrue(ids.allSatisfy { $0.hasSuffix("?comments") }, "the comments feed holds only its own items: \(ids.prefix(3))")
    }

    func testAFileClaimingAFollowedHandleIsAChannelOfItsOwn() throws {
        XCTAssertNil(refresher().refresh(Source("@antichristone")).error)
        let before = try XCTUnwrap(try channel("@antichristone"))
        let original = try library.window(channel: before.id, order: .newest, offset: 0, limit: 50).posts.first { $0.id == "antichristone/516" }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("forged.json").path
        let forged = Channel(
            title: "Forged", handle: "antichristone",
            publications: [Publication(id: "antichristone/516", date: Date(timeIntervalSince1970: 1_700_000_000), text: "forged text")])
        try NativeJSON.encode([forged]).write(to: URL(fileURLWithPath: file))
        let ids = try library.importSource(.file(file), from: SourceStamp(path: file), read: { _ throws(FeedError) in try FeedLoader.load(path: file) })
        XCTAssertEqual(try library.channel(ids[0])?.key, file)
        let after = try XCTUnwrap(try channel("@antichristone"))
        XCTAssertEqual(after.id, before.id)
        XCTAssertEqual(after.channel.title, before.channel.title)
        let kept = try library.window(channel: after.id, order: .newest, offset: 0, limit: 50).posts.first { $0.id == "antichristone/516" }
        XCTAssertEqual(kept, original, "the followed channel's post is untouched")
        XCTAssertNotEqual(kept?.text, "forged text")
    }

    // MARK: - Migration

    /// A library of the version before identity by source: the channel of t.me/s/codecamp filed under the slug its
    /// page carries (@campcode), a file's channel under its handle. Everything the user kept moves with it.
    func testAnOldLibraryMigratesWithEveryMarkKept() throws {
        XCTAssertNil(refresher().refresh(Source("@antichristone")).error)
        let count = try XCTUnwrap(try channel("@antichristone")).postCount
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("seed.json").path
        let seed = Channel(title: "Seed", handle: "seedhandle", publications: [Publication(id: "1", date: Date(timeIntervalSince1970: 1_700_000_000), text: "one")])
        try NativeJSON.encode([seed]).write(to: URL(fileURLWithPath: file))
        try library.importChannels([seed], from: .file(file), stamp: SourceStamp(path: file))
        let path = library.path
        library = nil
        // Back to the old form: content keys, no gaps column, the migration not applied.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE channel SET key = '@campcode' WHERE key = '@antichristone'")
            try db.execute(sql: "UPDATE refreshState SET source = '@codecamp', channelKey = '@campcode'")
            try db.execute(sql: "UPDATE channel SET key = '@seedhandle' WHERE key = ?", arguments: [file])
            try db.execute(sql: "UPDATE source SET channels = '[\"@seedhandle\"]'")
            try db.execute(sql: "UPDATE viewSample SET channelKey = '@campcode'")
            try db.execute(sql: "INSERT INTO userChannel (key, rating, lastSelected) VALUES ('@campcode', 5, 'antichristone/509'), ('@seedhandle', 2, NULL)")
            try db.execute(sql: "INSERT INTO readMark (channelKey, postID, readAt) VALUES ('@campcode', 'antichristone/516', 0), ('@seedhandle', '1', 0)")
            try db.execute(sql: "INSERT INTO bookmark (channelKey, postID, markedAt) VALUES ('@campcode', 'antichristone/515', 0)")
            try db.execute(sql: "ALTER TABLE refreshState DROP COLUMN gaps")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'identity-v1'")
        }
        try queue.close()
        let samples = try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM viewSample") ?? 0 }
        XCTAssertGreaterThan(samples, 0)

        library = try Library(path: path)
        let migrated = try XCTUnwrap(try library.followedChannel(Source("@codecamp")))
        XCTAssertEqual(migrated.0.key, "@codecamp")
        XCTAssertEqual(migrated.1.channelKey, "@codecamp")
        XCTAssertEqual(migrated.0.postCount, count)
        let marks = try library.marks(channel: "@codecamp")
        XCTAssertEqual(marks.rating, 5)
        XCTAssertEqual(marks.lastSelected, "antichristone/509")
        XCTAssertEqual(marks.read, ["antichristone/516"])
        XCTAssertEqual(marks.bookmarks, ["antichristone/515"])
        XCTAssertEqual(migrated.0.unread, count - 1)
        let kept = try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM viewSample WHERE channelKey = '@codecamp'") ?? 0
        }
        XCTAssertEqual(kept, samples, "every view sample kept")
        XCTAssertEqual(try library.marks(channel: "@campcode"), UserMarks(), "nothing left under the old key")
        // The file's channel: under its path, unchanged, so it opens without being read again.
        let ids = try XCTUnwrap(try library.channels(unchanged: XCTUnwrap(SourceStamp(path: file))))
        XCTAssertEqual(try library.channel(ids[0])?.key, file)
        XCTAssertEqual(try library.marks(channel: file).rating, 2)
        XCTAssertEqual(try library.marks(channel: file).read, ["1"])
        // And the channel keeps refreshing into itself (its page says antichristone/…, the source is codecamp).
        XCTAssertEqual(try library.channels().count, 2)
    }
}

/// A refresh places each post it brings in by itself: the positions it leaves are exactly those of a full ranking
/// (`PostOrder.arrange`'s orders, as SQL), on generated channels with ties of date and of views.
final class MergeOrderTests: XCTestCase {
    func testPlacingPostsOneByOneGivesTheFullRanking() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("library.sqlite").path
        let library = try Library(path: path)
        let server = try TestServer(arguments: ["--page-size", "7", "--gen-posts", "120", "--gen-hold", "0"])
        defer { server.process.terminate() }
        // The same pages every run: a failure can be run again.
        var generator = SplitMix(seed: 17)
        // A channel of its own pages: t.me pages of 7 posts read back, older pages loaded and refreshed again.
        let r = Refresher(library: library, fetcher: Fetcher(userAgent: "feedtui/test"), environment: ["FEEDTUI_TME_URL": server.base])
        XCTAssertNil(r.refresh(Source("@gen")).error)
        for before in stride(from: 114, to: 1, by: -7) { XCTAssertNil(r.loadOlder(Source("@gen"), before: before).error) }
        try assertRanked(path)
        // Then pages of posts with the same dates and views as others, new and known ids, in random order.
        var ch = try XCTUnwrap(library.followedChannel(Source("@gen"))?.0.channel)
        for round in 0..<30 {
            ch.publications = (0..<12).map { _ in
                let n = Int.random(in: 1...160, using: &generator)
                var p = Publication(
                    id: "gen/\(n)", date: Date(timeIntervalSince1970: 1_577_836_800 + 3600 * Double(Int.random(in: 0...40, using: &generator))),
                    text: "round \(round)")
                p.views = Bool.random(using: &generator) ? nil : Count(Int64(Int.random(in: 0...5, using: &generator)))
                return p
            }
            let id = try XCTUnwrap(try library.merge(ch, key: "@gen", allNew: false)?.channel)
            try assertRanked(path)
            let updated = try XCTUnwrap(try library.channel(id)).statistics
            XCTAssertEqual(updated, try library.countStatistics(channel: id, clock: library.clock), "round \(round): the statistics updated post by post")
        }
    }

    private func assertRanked(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let rows = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.newest - c.newestBase AS n, p.oldest - c.oldestBase AS o, p.viewed - c.viewedBase AS v,
                        row_number() OVER (PARTITION BY p.channel ORDER BY p.date DESC, p.seq ASC) - 1 AS en,
                        row_number() OVER (PARTITION BY p.channel ORDER BY p.date ASC, p.seq ASC) - 1 AS eo,
                        row_number() OVER (PARTITION BY p.channel ORDER BY coalesce(p.views, -1) DESC, p.date DESC, p.seq ASC) - 1 AS ev,
                        c.postCount AS count, count(*) OVER (PARTITION BY p.channel) AS total
                    FROM post p JOIN channel c ON c.id = p.channel WHERE c.status = 'live'
                    """)
        }
        XCTAssertFalse(rows.isEmpty, file: file, line: line)
        for row in rows {
            XCTAssertEqual(row["n"] as Int, row["en"] as Int, "newest", file: file, line: line)
            XCTAssertEqual(row["o"] as Int, row["eo"] as Int, "oldest", file: file, line: line)
            XCTAssertEqual(row["v"] as Int, row["ev"] as Int, "most viewed", file: file, line: line)
            XCTAssertEqual(row["count"] as Int, row["total"] as Int, "post count", file: file, line: line)
        }
    }
}

/// A small seeded generator (SplitMix64), so that generated cases are the same every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
