import FeedLibrary
import FeedModel
import Foundation
import Synchronization
import XCTest

/// Refreshing followed sources into a real library file from the local server: what the user is told and what
/// the library holds afterwards, for every answer a server can give.
final class RefreshTests: XCTestCase {
    var server: TestServer!
    var dir: URL!
    var library: Library!

    override func setUpWithError() throws {
        // A server of its own: these tests publish held-back posts.
        server = try TestServer(arguments: ["--hold", "1", "--page-size", "5"])
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("refresh-\(UUID().uuidString)")
        library = try Library(path: dir.appendingPathComponent("library.sqlite").path)
    }

    override func tearDown() {
        server.process.terminate()
        server.process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }

    func refresher(tme: String? = nil, limits: Fetcher.Limits = Fetcher.Limits(), now: @escaping @Sendable () -> Date = Date.init)
        -> Refresher
    {
        Refresher(
            library: library, fetcher: Fetcher(userAgent: "feedtui/test", limits: limits),
            environment: ["FEEDTUI_TME_URL": tme ?? server.base], now: now)
    }

    func posts(_ key: String) throws -> [String] {
        guard let ch = try library.channels().first(where: { $0.key == key }) else { return [] }
        return try library.window(channel: ch.id, order: .newest, offset: 0, limit: ch.postCount).posts.map(\.id)
    }

    func sampleCount() throws -> Int {
        try posts("@antichristone").reduce(0) { $0 + (try library.samples(channel: "@antichristone", post: $1).count) }
    }

    func testChannelRefreshImportsThenAsks304ThenGainsAPost() throws {
        let r = refresher()
        let first = r.refresh(Source("@antichristone"))
        XCTAssertNil(first.error)
        XCTAssertEqual(first.newPosts, 5)
        XCTAssertEqual(first.channelKey, "@antichristone")
        XCTAssertEqual(try posts("@antichristone"), [516, 515, 509, 506, 504].map { "antichristone/\($0)" })
        let channel = try XCTUnwrap(library.channels().first)
        XCTAssertEqual(channel.unread, 5, "new posts are unread")
        XCTAssertEqual(channel.channel.title, "Antichrist Blog | 反キリスト∸ブログ")
        // One sample per post that shows views (504 is a service message without them).
        XCTAssertEqual(try sampleCount(), 4, "every post's views recorded once")
        let state = try library.refreshState(Source("@antichristone"))
        XCTAssertNotNil(state.validators.etag)
        XCTAssertNotNil(state.lastSuccess)
        XCTAssertNil(state.lastError)

        let second = r.refresh(Source("t.me/s/antichristone"))
        XCTAssertTrue(second.notModified)
        XCTAssertEqual(second.newPosts, 0)
        XCTAssertEqual(try server.log().requests.last?.status, 304)
        XCTAssertEqual(try posts("@antichristone").count, 5, "a 304 changes nothing")
        XCTAssertEqual(try sampleCount(), 4)

        try library.markRead("antichristone/516", channel: "@antichristone")
        try server.publish("antichristone")
        let third = r.refresh(Source("@antichristone"))
        XCTAssertEqual(third.newPosts, 1)
        XCTAssertEqual(Set(try posts("@antichristone")), Set([517, 516, 515, 509, 506, 504].map { "antichristone/\($0)" }))
        XCTAssertEqual(try library.channels().first?.unread, 5, "the new post is unread, the one read stays read")
        XCTAssertEqual(try library.samples(channel: "@antichristone", post: "antichristone/516").count, 2, "second sample of a known post")
    }

    func testFeedGainsItemsBetweenTwoRefreshes() throws {
        let r = refresher()
        let url = "\(server.base)/rss/geopolitics.xml"
        let first = r.refresh(Source(url))
        XCTAssertNil(first.error)
        XCTAssertEqual(first.newPosts, 47)
        let key = try XCTUnwrap(first.channelKey)
        try server.publish("geopolitics")
        let second = r.refresh(Source(url))
        XCTAssertEqual(second.newPosts, 1)
        XCTAssertEqual(second.channelKey, key)
        XCTAssertEqual(try library.channels().first { $0.key == key }?.postCount, 48)
        XCTAssertEqual(try library.refreshState(Source(url)).channelKey, key)
    }

    /// Every fault on a channel the library already holds: one line for the user, the library unchanged.
    func testFailuresKeepWhatTheLibraryHad() throws {
        XCTAssertNil(refresher().refresh(Source("@antichristone")).error)
        let before = try posts("@antichristone")
        let success = try XCTUnwrap(library.refreshState(Source("@antichristone")).lastSuccess)
        var limits = Fetcher.Limits()
        limits.maxBytes = 8 << 20
        limits.connectTimeout = 1
        let refused = "http://127.0.0.1:\(TestServer.refusedPort())"
        let cases: [(String, String)] = [
            ("\(server.base)/fault/404", "HTTP 404 Not Found"),
            ("\(server.base)/fault/500", "HTTP 500 Internal Server Error"),
            ("\(server.base)/fault/truncated", "download failed:"),
            ("\(server.base)/fault/loop", "more than 5 redirects"),
            ("\(server.base)/fault/big", "larger than 8 MB, the download was stopped"),
            ("\(server.base)/fault/stall", "no response after 1 s"),
            (refused, "download failed:"),
        ]
        for (mirror, message) in cases {
            let report = refresher(tme: mirror, limits: limits).refresh(Source("@antichristone"))
            let error = try XCTUnwrap(report.error, mirror)
            XCTAssertTrue(error.hasPrefix(message), "\(mirror): \(error)")
            XCTAssertFalse(error.contains("\n"))
            let state = try library.refreshState(Source("@antichristone"))
            XCTAssertEqual(state.lastError, error, "the home screen shows it")
            XCTAssertEqual(state.lastSuccess, success, "the last good refresh is still when it was")
            XCTAssertEqual(try posts("@antichristone"), before, "\(mirror): the library keeps what it had")
            XCTAssertEqual(try sampleCount(), 4)
        }
        // A slow mirror is only slow.
        XCTAssertNil(refresher(tme: "\(server.base)/fault/slow").refresh(Source("@antichristone")).error)
        XCTAssertNil(try library.refreshState(Source("@antichristone")).lastError, "a success clears the error")
    }

    func testHistoryWalksBackToTheFirstPostAndResumes() throws {
        // Each page takes half a second, so the walk can be interrupted between pages.
        let r = refresher(tme: "\(server.base)/fault/slow")
        XCTAssertNil(r.refresh(Source("@antichristone")).error)
        let cancel = Cancellation()
        // Each page walked is heard of (`refresh --history` shows them), and the walk's own report.
        let walked = Mutex<[Int]>([])
        let report = Mutex<RefreshReport?>(nil)
        let walk = Thread {
            let done = r.refresh(Source("@antichristone"), history: true, cancel: cancel) { step in walked.withLock { $0.append(step.pagesWalked) } }
            report.withLock { $0 = done }
        }
        walk.start()
        let deadline = Date().addingTimeInterval(10)
        while (try library.refreshState(Source("@antichristone")).historyBefore) == nil, Date() < deadline {
            usleep(20_000)
        }
        cancel.cancel()
        while report.withLock({ $0 }) == nil, Date() < deadline { usleep(20_000) }
        let cancelled = try XCTUnwrap(report.withLock { $0 })
        XCTAssertEqual(cancelled.error, "cancelled")
        XCTAssertGreaterThan(cancelled.pagesWalked, 0)
        XCTAssertEqual(walked.withLock { $0 }, Array(1...cancelled.pagesWalked), "each page heard of once, in turn")
        let stopped = try library.refreshState(Source("@antichristone"))
        XCTAssertNil(stopped.lastError, "a stop asked for is not the channel's error")
        let cursor = try XCTUnwrap(stopped.historyBefore)
        XCTAssertFalse(stopped.historyComplete)
        XCTAssertLessThan(try posts("@antichristone").count, 18)
        try server.reset()
        let resumed = r.refresh(Source("@antichristone"), history: true)
        XCTAssertNil(resumed.error)
        let pages = try server.log().requests.map(\.path).filter { $0.contains("before=") }
        XCTAssertEqual(pages.first, "/fault/slow/s/antichristone?before=\(cursor)", "the walk resumed where it stopped")
        XCTAssertTrue(try library.refreshState(Source("@antichristone")).historyComplete)
        // Every post the server has (all but the held-back newest), oldest 483.
        XCTAssertEqual(try posts("@antichristone").count, 18)
        XCTAssertEqual(try posts("@antichristone").last, "antichristone/483")
        // Done: a further --history fetches only the newest page.
        try server.reset()
        XCTAssertNil(r.refresh(Source("@antichristone"), history: true).error)
        XCTAssertEqual(try server.log().requests.count, 1)
    }

    /// A mirror whose `?before=` pages never go further back (each is the newest page): the walk ends after one page
    /// rather than asking for ever.
    func testAHistoryWalkWhosePagesDoNotGoBackEnds() throws {
        let r = refresher(tme: "\(server.base)/fault/same")
        XCTAssertNil(r.refresh(Source("@antichristone")).error)
        try server.reset()
        let walk = r.refresh(Source("@antichristone"), history: true)
        XCTAssertNil(walk.error)
        XCTAssertEqual(walk.pagesWalked, 1)
        XCTAssertEqual(try server.log().requests.map(\.path).filter { $0.contains("before=") }.count, 1)
        XCTAssertEqual(try posts("@antichristone").count, 5, "nothing older came")
    }

    func testFileSourceIsImportedAgainOnlyWhenItChanged() throws {
        let feed = URL(fileURLWithPath: TestServer.script).deletingLastPathComponent()
            .appendingPathComponent("../FeedModelTests/Resources/rss/plaszeb-geopolitics-telethon.xml")
        let copy = dir.appendingPathComponent("feed.xml")
        try FileManager.default.copyItem(at: feed, to: copy)
        let r = refresher()
        let first = r.refresh(Source(copy.path))
        XCTAssertNil(first.error)
        XCTAssertEqual(first.newPosts, 48)
        XCTAssertTrue(r.refresh(Source(copy.path)).notModified, "unchanged: not parsed again")
        // One item fewer (the newest removed): changed, imported again, nothing lost.
        let text = try String(contentsOf: copy, encoding: .utf8)
        let start = try XCTUnwrap(text.range(of: "<item>"))
        let end = try XCTUnwrap(text.range(of: "</item>", range: start.upperBound..<text.endIndex))
        try (String(text[..<start.lowerBound]) + String(text[end.upperBound...])).write(to: copy, atomically: true, encoding: .utf8)
        let third = r.refresh(Source(copy.path))
        XCTAssertFalse(third.notModified)
        XCTAssertEqual(third.newPosts, 0)
        XCTAssertEqual(try library.channels().first?.postCount, 48, "a post the file no longer has is kept")
    }

    func testOlderPageForScrolling() throws {
        let r = refresher()
        _ = r.refresh(Source("@antichristone"))
        let older = r.loadOlder(Source("@antichristone"), before: 504)
        XCTAssertEqual(older.newPosts, 5)
        XCTAssertEqual(Set(try posts("@antichristone").suffix(5)), Set([503, 502, 500, 499, 497].map { "antichristone/\($0)" }))
        XCTAssertEqual(r.loadOlder(Source("@antichristone"), before: 483).newPosts, 0, "nothing before the first post")
    }

    func testReachFromTheViewHistory() throws {
        // Refreshes 20 h and 28 h after the newest posts were published: their 24 h views are bracketed.
        let published = Date(timeIntervalSince1970: 1_683_048_120)  // antichristone/516, 2023-05-02 17:22 UTC
        let now = Mutex(published.addingTimeInterval(20 * 3600))
        let r = refresher(now: { now.withLock { $0 } })
        XCTAssertNil(r.refresh(Source("@antichristone")).error)
        now.withLock { $0 = published.addingTimeInterval(28 * 3600) }
        // The validators would make the second refresh a 304 (no new sample): forget them.
        var state = try library.refreshState(Source("@antichristone"))
        state.validators = Validators()
        try library.saveRefreshState(state)
        XCTAssertNil(r.refresh(Source("@antichristone")).error)
        let reach = try library.reach(channel: "@antichristone", subscribers: 78_600)
        XCTAssertEqual(reach.posts24, 1, "only the post whose 24 h mark lies between the two refreshes (517 is held back)")
        XCTAssertEqual(reach.reach24, 10_900)
        XCTAssertNil(reach.reach48, "— until the history allows it")
        XCTAssertEqual(try XCTUnwrap(reach.err), 10_900.0 / 78_600, accuracy: 1e-9)
    }
}
