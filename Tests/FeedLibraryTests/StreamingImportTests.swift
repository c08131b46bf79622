import FeedModel
import Foundation
import GRDB
import XCTest

@testable import FeedLibrary

/// A file imported as it is read (`importSource` with the importer's stream) gives the library the same content
/// as the same channels imported whole, shows its first posts before the reading ends, and cancels cleanly.
final class StreamingImportTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FeedModelTests/Resources")

    /// A real feed (48 items of a Telegram bridge) repeated `copies` times, each copy's guids, links and dates its
    /// own: a large real-world file.
    private func bigRSS(copies: Int) throws -> String {
        let text = try String(contentsOf: Self.resources.appendingPathComponent("rss/plaszeb-geopolitics-telethon.xml"), encoding: .utf8)
        guard let first = text.range(of: "<item>"), let last = text.range(of: "</item>", options: .backwards) else {
            throw XCTSkip("unexpected fixture")
        }
        let items = String(text[first.lowerBound..<last.upperBound])
        var body = ""
        for n in 0..<copies {
            // Another year per copy, so that the dates differ and interleave with nothing.
            body += items.replacingOccurrences(of: "</guid>", with: "#\(n)</guid>").replacingOccurrences(of: " 2024 ", with: " \(1990 + n) ")
        }
        let path = folder + "/big.xml"
        try (String(text[..<first.lowerBound]) + body + String(text[last.upperBound...])).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func write(_ channels: [Channel], _ name: String) throws -> String {
        let path = folder + "/" + name
        try NativeJSON.encode(channels).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func streamed(_ path: String, into library: Library, progress: (ImportProgress) -> Bool = { _ in true }) throws -> [Int64] {
        try library.importSource(.file(path), read: { stream throws(FeedError) in try FeedLoader.load(path: path, stream: stream) }, progress: progress)
    }

    /// Every order, window by window, the statistics and a few searches are the same in both libraries.
    private func assertSame(_ a: Library, _ ida: Int64, _ b: Library, _ idb: Int64, queries: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let (ca, cb) = (try XCTUnwrap(try a.channel(ida)), try XCTUnwrap(try b.channel(idb)))
        XCTAssertTrue(ca.complete, file: file, line: line)
        XCTAssertEqual(ca.postCount, cb.postCount, file: file, line: line)
        XCTAssertEqual(ca.channel, cb.channel, file: file, line: line)
        XCTAssertEqual(ca.statistics, cb.statistics, file: file, line: line)
        for order in PostOrder.allCases {
            XCTAssertEqual(
                try a.window(channel: ida, order: order, offset: 0, limit: ca.postCount + 1),
                try b.window(channel: idb, order: order, offset: 0, limit: cb.postCount + 1), "\(order)", file: file, line: line)
            for q in queries {
                XCTAssertEqual(
                    try a.search(channel: ida, query: q, order: order), try b.search(channel: idb, query: q, order: order), q, file: file, line: line)
            }
        }
    }

    func testAStreamedFeedIsShownFromItsFirstBatchAndEndsAsIfReadWhole() throws {
        let path = try bigRSS(copies: 30)
        let streaming = try Library(path: folder + "/a.sqlite")
        var seen: [ImportProgress] = []
        let inFile = try FeedLoader.load(path: path)[0].publications.map(\.id)
        XCTAssertNotEqual(PostOrder.newest.arrange(try FeedLoader.load(path: path)[0].publications), Array(inFile.indices))
        let ids = try streamed(path, into: streaming) { p in
            if seen.isEmpty {
                // The first batch is in while the file is still being read: the source's first posts, in its order.
                let window = try? streaming.window(channel: p.channel, order: .newest, offset: 0, limit: 30)
                XCTAssertEqual(window?.posts.map(\.id), Array(inFile.prefix(30)))
                XCTAssertEqual((try? streaming.channel(p.channel))?.complete, false)
            }
            if p.ordered != nil {
                // While the other orders are filled in, the list still shows the file's order, never a mix.
                let window = try? streaming.window(channel: p.channel, order: .newest, offset: 0, limit: inFile.count)
                XCTAssertEqual(window?.posts.map(\.id), inFile)
            }
            seen.append(p)
            return true
        }
        let first = try XCTUnwrap(seen.first)
        XCTAssertEqual(first.imported, Library.firstBatch)
        XCTAssertNil(first.total, "the number of posts is not known while the file is read")
        XCTAssertGreaterThan(first.bytesRead, 0)
        XCTAssertLessThan(first.bytesRead, first.byteCount)
        XCTAssertEqual(first.byteCount, try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertEqual(seen.map(\.imported), seen.map(\.imported).sorted(), "the count only grows")
        XCTAssertEqual(seen.last?.ordered, 48 * 30, "then every post is put in its place")
        XCTAssertEqual(Set(seen.compactMap(\.total)), [48 * 30])

        let whole = try Library(path: folder + "/b.sqlite")
        let wholeIDs = try whole.importChannels(try FeedLoader.load(path: path), from: .file(path))
        try assertSame(streaming, ids[0], whole, wholeIDs[0], queries: ["путин", "the", "zz no match"])
    }

    /// A feed that lists its newest posts first, as feeds do, is stored in its final orders as it streams: while it
    /// is read, oldest-first is the source's order reversed, and at its end no post is put in another place (the
    /// first "ordered" progress already counts every post).
    func testANewestFirstFeedNeedsNoPositionRewrittenAtItsEnd() throws {
        let n = Library.firstBatch + Library.batch + 300
        let items = (0..<n).map { i in
            "<item><title>post \(i)</title><guid>g\(i)</guid><pubDate>\(ISODate.format(Date(timeIntervalSince1970: 1_700_000_000 - Double(i) * 60)))</pubDate></item>"
        }
        let path = folder + "/newest-first.xml"
        try ("<rss version=\"2.0\"><channel><title>Newest first</title>" + items.joined() + "</channel></rss>")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let library = try Library(path: folder + "/a.sqlite")
        var firstOrdered: Int?
        var checkedWhileRead = false
        let ids = try streamed(path, into: library) { p in
            if p.total == nil, !checkedWhileRead {
                let oldest = try? library.window(channel: p.channel, order: .oldest, offset: 0, limit: 3)
                XCTAssertEqual(oldest?.posts.map(\.id), ["g\(p.imported - 1)", "g\(p.imported - 2)", "g\(p.imported - 3)"])
                checkedWhileRead = true
            }
            if firstOrdered == nil, let ordered = p.ordered { firstOrdered = ordered }
            return true
        }
        XCTAssertTrue(checkedWhileRead)
        XCTAssertEqual(firstOrdered, n, "every post already in its place")
        let newest = (0..<n).map { "g\($0)" }
        XCTAssertEqual(try library.window(channel: ids[0], order: .newest, offset: 0, limit: n).posts.map(\.id), newest)
        XCTAssertEqual(try library.window(channel: ids[0], order: .oldest, offset: 0, limit: n).posts.map(\.id), newest.reversed())
        XCTAssertEqual(try library.window(channel: ids[0], order: .oldest, offset: n - 2, limit: 5).posts.map(\.id), ["g1", "g0"])
    }

    func testUndatedPostsRepeatedIDsAndDroppedChannelsEndAsIfReadWhole() throws {
        // Undated posts (placed by the dates around them), ties, and ids given twice: the later post replaces the
        // earlier, whether that one is written already (100) or still in the batch being gathered (1 250).
        var ch = LibraryTests.generated(1_500)
        ch.publications[1_200].id = ch.publications[100].id
        ch.publications[1_300].id = ch.publications[1_250].id
        // Views given from the 700th post on only (and not by the last), as a channel that began counting them.
        for i in Array(0..<700) + [1_499] { ch.publications[i].views = nil }
        // A channel without a title is skipped by the importer once the file is read, after its posts streamed.
        var untitled = LibraryTests.generated(300)
        untitled.handle = "untitled"
        var path = try write([ch, untitled], "two.json")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let lastTitle = try XCTUnwrap(text.range(of: "\"title\" : \"Generated\"", options: .backwards))
        text.replaceSubrange(lastTitle, with: "\"subtitle\" : \"no title\"")
        path = folder + "/two-edited.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let parsed = try FeedLoader.load(path: path)
        XCTAssertEqual(parsed.count, 1, "the untitled channel is skipped")
        XCTAssertEqual(parsed[0].publications.count, 1_500)
        let streaming = try Library(path: folder + "/a.sqlite")
        let ids = try streamed(path, into: streaming)
        XCTAssertEqual(ids.count, 1)
        let whole = try Library(path: folder + "/b.sqlite")
        let wholeIDs = try whole.importChannels(parsed, from: .file(path))
        try assertSame(streaming, ids[0], whole, wholeIDs[0], queries: ["ภาษา", "新闻", "crème", "ё"])
        XCTAssertEqual(try streaming.channel(ids[0])?.postCount, 1_498, "one post per id")
        let held = try streaming.window(channel: ids[0], order: .oldest, offset: 0, limit: 2_000).posts
        XCTAssertEqual(held.first { $0.id == ch.publications[100].id }?.text, ch.publications[1_200].text, "the later post with the id")
        XCTAssertEqual(held.first { $0.id == ch.publications[1_250].id }?.text, ch.publications[1_300].text, "the later post with the id")
        streaming.collectGarbage()
        try streaming.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM channel"), 1, "the dropped channel's copy is gone")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM post"), 1_498)
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
        }
    }

    /// A followed file is imported as it is read, its posts never all held, and each refresh records the counters
    /// of the posts it gave as seen then: rounded counts by their value, an undated post without a posted date,
    /// no sample for a post without views, none of a time it was not seen for a post the file no longer has.
    func testARefreshedFileRecordsTheCountersOfThePostsItGave() throws {
        let a = Publication(
            id: "a", date: Date(timeIntervalSince1970: 1_700_000_000), views: Count(1_200, approximate: true), forwards: Count(7),
            reactions: Count(30, approximate: true))
        let b = Publication(id: "b", date: nil, views: Count(5))
        let c = Publication(id: "c", date: Date(timeIntervalSince1970: 1_700_000_100))
        let path = try write([Channel(title: "Counted", handle: "counted", publications: [a, b, c])], "counted.json")
        let library = try Library(path: folder + "/lib.sqlite")
        let times = [Date(timeIntervalSince1970: 1_800_000_000), Date(timeIntervalSince1970: 1_800_003_600)]
        func refresh(at time: Date) -> RefreshReport {
            Refresher(library: library, fetcher: Fetcher(userAgent: "feedtui/test"), now: { time }).refresh(.file(path))
        }
        XCTAssertNil(refresh(at: times[0]).error)
        var later = a
        later.views = Count(1_500)
        _ = try write([Channel(title: "Counted", handle: "counted", publications: [later, c])], "counted.json")
        let second = refresh(at: times[1])
        XCTAssertNil(second.error)
        let key = try XCTUnwrap(second.channelKey)
        XCTAssertEqual(try library.channels().first { $0.key == key }?.postCount, 3, "b is kept")
        XCTAssertEqual(
            try library.samples(channel: key, post: "a"),
            [ViewSample(at: times[0], views: 1_200, forwards: 7, reactions: 30), ViewSample(at: times[1], views: 1_500, forwards: 7, reactions: 30)])
        XCTAssertEqual(try library.samples(channel: key, post: "b"), [ViewSample(at: times[0], views: 5)])
        XCTAssertEqual(try library.samples(channel: key, post: "c"), [])
        try library.pool.read { db in
            XCTAssertEqual(
                try Row.fetchAll(db, sql: "SELECT postID, posted FROM viewSample WHERE at = ? ORDER BY postID", arguments: [times[0].timeIntervalSince1970])
                    .map { "\($0[0] as String) \(($0[1] as Double?).map { String(Int($0)) } ?? "—")" },
                ["a 1700000000", "b —"])
        }
    }

    /// A streamed channel's rows are kept as runs of consecutive rowids (a batch is most often one run).
    func testRowRunsGiveEachPlaceItsRow() {
        var rows = RowRuns()
        let batches: [[Int64]] = [[5, 6, 7], [8, 9], [20, 21], [3], [], [4, 40]]
        for batch in batches { rows.append(batch) }
        let all = batches.flatMap { $0 }
        XCTAssertEqual(rows.count, all.count)
        XCTAssertEqual(all.indices.map { rows.rowid(of: $0) }, all)
    }

    func testTheChannelsOfAFileAreShownInItsOrder() throws {
        // The first channel's last 100 posts are not a batch yet when the second one starts; the second is long
        // enough for its first batch to be reported while it is read.
        var first = LibraryTests.generated(300)
        first.handle = "first"
        var second = LibraryTests.generated(Library.firstBatch + 2 * Library.batch)
        second.handle = "second"
        let path = try write([first, second], "two.json")
        let library = try Library(path: folder + "/a.sqlite")
        var order: [Int64] = []
        var countsWhenSecondStarts: Int?
        let ids = try streamed(path, into: library) { p in
            if order.last != p.channel {
                order.append(p.channel)
                if order.count == 2 { countsWhenSecondStarts = (try? library.channel(order[0]))?.postCount }
            }
            return true
        }
        // (Once the file is read, each channel is put in order in turn: the reports alternate again then.)
        XCTAssertEqual(Array(order.prefix(2)), ids, "the first channel is reported first, then the second")
        XCTAssertEqual(countsWhenSecondStarts, 300, "the first channel is whole in the library when the second starts")
    }

    /// A Telegram Desktop export streams too: the real channel export with its messages a thousand times over, and
    /// the real full export of two chats, end as if read whole.
    func testTelegramDesktopExportsStreamAndEndAsIfReadWhole() throws {
        let real = try Data(contentsOf: Self.resources.appendingPathComponent("tdesktop/pachum-guzel-channel.json"))
        var export = try XCTUnwrap(try JSONSerialization.jsonObject(with: real) as? [String: Any])
        let messages = try XCTUnwrap(export["messages"] as? [[String: Any]])
        export["messages"] = (0..<1_000).flatMap { copy in
            messages.map { m in
                var m = m
                m["id"] = copy * 10 + ((m["id"] as? Int) ?? 0) % 10
                return m
            }
        }
        let big = folder + "/export.json"
        try JSONSerialization.data(withJSONObject: export).write(to: URL(fileURLWithPath: big))
        for path in [big, Self.resources.appendingPathComponent("tdesktop/chat-analyser-full-export-2019.json").path] {
            let parsed = try FeedLoader.load(path: path)
            let streaming = try Library(path: folder + "/s-\(parsed.count).sqlite")
            var first: ImportProgress?
            let ids = try streamed(path, into: streaming) { p in
                first = first ?? p
                return true
            }
            let whole = try Library(path: folder + "/w-\(parsed.count).sqlite")
            let wholeIDs = try whole.importChannels(parsed, from: .file(path))
            XCTAssertEqual(ids.count, wholeIDs.count)
            for (a, b) in zip(ids, wholeIDs) { try assertSame(streaming, a, whole, b, queries: ["the", "гуз"]) }
            if path == big {
                XCTAssertEqual(parsed[0].publications.count, messages.count * 1_000)
                XCTAssertNil(first?.total, "the first batch came while the export was read")
            }
        }
    }

    func testCancellingWhileTheFileIsReadLeavesTheOldContent() throws {
        let library = try Library(path: folder + "/a.sqlite")
        let path = try bigRSS(copies: 30)
        // The same channel, imported before with three of its posts.
        var old = try FeedLoader.load(path: path)[0]
        old.publications = Array(old.publications.prefix(3))
        let oldIDs = try library.importChannels([old], from: .named(old))
        var calls = 0
        XCTAssertThrowsError(
            try streamed(path, into: library) { _ in
                calls += 1
                return false
            }
        ) { error in XCTAssertEqual("\(error)", "import cancelled") }
        XCTAssertEqual(calls, 1, "the reading stops at the first answer")
        XCTAssertEqual(try library.channels().map(\.id), oldIDs)
        XCTAssertEqual(try library.channel(oldIDs[0])?.postCount, 3)
        try library.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM channel"), 1, "the cancelled copy is deleted")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM post"), 3)
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
        }
    }

    func testCancellingWhileThePostsArePutInOrderLeavesNothing() throws {
        let library = try Library(path: folder + "/a.sqlite")
        let path = try bigRSS(copies: 30)
        var ordering = 0
        XCTAssertThrowsError(
            try streamed(path, into: library) { p in
                if p.ordered != nil { ordering += 1 }
                return p.ordered == nil
            }
        ) { error in XCTAssertEqual("\(error)", "import cancelled") }
        XCTAssertEqual(ordering, 1, "cancelled at the first report of the ordering")
        XCTAssertEqual(try library.channels(), [])
        try library.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM channel"), 0, "the copy is deleted, not left importing")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM post"), 0)
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
        }
    }

    func testAFileThatBreaksAfterItsFirstPostsKeepsWhatTheImporterKeeps() throws {
        let path = try write([LibraryTests.generated(1_000)], "cut.json")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count * 2 / 3).write(to: URL(fileURLWithPath: path))
        let parsed = try FeedLoader.load(path: path)
        let library = try Library(path: folder + "/a.sqlite")
        let ids = try streamed(path, into: library)
        let stored = try XCTUnwrap(try library.channel(ids[0]))
        XCTAssertEqual(stored.postCount, parsed[0].publications.count)
        XCTAssertEqual(stored.channel.skipped, parsed[0].skipped, "the cut is reported as the importer reports it")
        let whole = try Library(path: folder + "/b.sqlite")
        try assertSame(library, ids[0], whole, try whole.importChannels(parsed, from: .file(path))[0], queries: ["한국어"])
    }
}
