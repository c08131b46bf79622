import FeedModel
import Foundation
import GRDB
import Synchronization
import XCTest

@testable import FeedLibrary

/// The library on real SQLite files in a temporary folder.
final class LibraryTests: XCTestCase {
    private var folder = ""
    private var path = ""

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seedPath = root.appendingPathComponent("Samples/durov-channel-page.txt").path

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-library-\(UUID().uuidString)").path
        // A folder that does not exist yet: the library must create it.
        path = folder + "/nested/library.sqlite"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func asides(_ kind: String) throws -> [String] {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("\(name).\(kind)-") }.sorted()
            .map { dir + "/" + $0 }
    }

    private func assertOneLine(_ text: String?, file: StaticString = #filePath, line: UInt = #line) {
        guard let text else { return XCTFail("no message", file: file, line: line) }
        XCTAssertFalse(text.isEmpty, file: file, line: line)
        XCTAssertFalse(text.contains("\n"), "not one line: \(text)", file: file, line: line)
    }

    private func post(_ id: String, _ day: Int, _ text: String, views: Int64? = nil) -> Publication {
        Publication(id: id, date: Date(timeIntervalSince1970: 1_600_000_000 + Double(day) * 86_400), text: text, views: views.map { Count($0) })
    }

    // MARK: - Opening

    func testNewLibraryIsWALWithOurApplicationID() throws {
        let library = try Library(path: path)
        XCTAssertNil(library.notice)
        try library.pool.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int32.fetchOne(db, sql: "PRAGMA application_id"), Library.applicationID)
            // Incremental: `collectGarbage` gives the pages of deleted copies back.
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"), 2)
        }
        XCTAssertEqual(try library.channels(), [])
    }

    func testDefaultPaths() {
        XCTAssertEqual(Library.defaultPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/u"]), "/x/data/feedtui/library.sqlite")
        XCTAssertEqual(Library.defaultPath(environment: ["XDG_DATA_HOME": "rel", "HOME": "/home/u"]), "/home/u/.local/share/feedtui/library.sqlite")
        XCTAssertEqual(Library.oldStatePath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/home/u"]), "/s/feedtui/state.sqlite")
        XCTAssertEqual(Library.oldStatePath(environment: ["HOME": "/home/u"]), "/home/u/.local/state/feedtui/state.sqlite")
    }

    func testCorruptPagesAreSetAsideAndReported() throws {
        do {
            let library = try Library(path: path)
            for i in 0..<300 { try library.markRead("a-rather-long-post-identifier-\(i)", channel: "@durov") }
            try library.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
        // Scribble over the second page onwards, keeping the header page (and our application id) intact.
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        XCTAssertGreaterThan(size, 8192)
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
        try handle.close()
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path))

        let library = try Library(path: path)
        let old = try XCTUnwrap(try asides("damaged").first)
        XCTAssertNotNil(old.range(of: #"\.damaged-\d{8}-\d{6}$"#, options: .regularExpression), old)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: old)), damaged)
        assertOneLine(library.notice)
        XCTAssertTrue(library.notice?.contains(old) ?? false, library.notice ?? "")
        XCTAssertEqual(try library.marks(channel: "@durov"), UserMarks())
        try library.markRead("x", channel: "@durov")
        XCTAssertEqual(try library.marks(channel: "@durov").read, ["x"])
        XCTAssertNil(try Library(path: path).notice)
    }

    /// A library too large for the check at opening (over 8 MiB): damage met by a read is marked, said, and the
    /// next open sets the library aside.
    func testDamageInALargeLibraryFoundByAReadSetsItAsideAtTheNextOpen() throws {
        let id: Int64
        do {
            let library = try Library(path: path)
            let text = String(repeating: "damage is found at any size ", count: 100)
            let ch = Channel(title: "Big", handle: "big", publications: (0..<4000).map { post("big/\($0)", $0 % 300, "\($0) " + text) })
            id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch)).first)
            try library.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        XCTAssertGreaterThan(size, UInt64(Library.quickCheckBytes), "larger than what is checked at opening")
        // The last quarter: posts, far from the schema and the channel table the opening probes.
        try handle.seek(toOffset: size * 3 / 4)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size / 4)))
        try handle.close()
        do {
            let library = try Library(path: path)
            XCTAssertNil(library.notice, "not found at opening")
            XCTAssertNil(library.damageFound)
            XCTAssertThrowsError(try library.countStatistics(channel: id, clock: Clock())) { error in
                assertOneLine("\(error)")
                XCTAssertTrue("\(error)".hasSuffix("(the library is damaged: it will be set aside when feedtui opens it next)"), "\(error)")
            }
            // What a command says at its end, even when the read that met the damage was answered otherwise.
            let found = try XCTUnwrap(library.damageFound)
            XCTAssertTrue(found.contains("malformed"), found)
            assertOneLine(found)
        }
        let reopened = try Library(path: path)
        XCTAssertTrue(reopened.notice?.contains("was damaged") ?? false, reopened.notice ?? "no notice")
        XCTAssertEqual(try asides("damaged").count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: Library.damageMark(path)), "the mark went with it")
        XCTAssertNil(try Library(path: path).notice, "the fresh library is fine")
    }

    func testNewerLibraryIsSetAsideUntouched() throws {
        do {
            let library = try Library(path: path)
            try library.setRating(5, channel: "@durov")
            try library.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        }
        let library = try Library(path: path)
        XCTAssertEqual(try asides("damaged"), [])
        let old = try XCTUnwrap(try asides("newer").first)
        assertOneLine(library.notice)
        XCTAssertTrue(library.notice?.contains("newer") ?? false, library.notice ?? "")
        XCTAssertTrue(library.notice?.contains("v99") ?? false, library.notice ?? "")
        XCTAssertNil(try library.marks(channel: "@durov").rating)
        let oldQueue = try DatabaseQueue(path: old)
        try oldQueue.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT rating FROM userChannel WHERE key = '@durov'"), 5)
        }
    }

    func testAnotherProgramsSQLiteFileIsRefusedAndNeverWritten() throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE channel (whatever BLOB); INSERT INTO channel VALUES (x'00')") }
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Library(path: path)) { error in
            assertOneLine("\(error)")
            XCTAssertTrue("\(error)".contains("not a feedtui library"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
        XCTAssertEqual(try asides("damaged"), [])
    }

    func testAnEmptyDatabaseAnotherProgramMarkedAsItsOwnIsNeverWritten() throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "PRAGMA application_id = 42") }
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Library(path: path)) { error in
            XCTAssertTrue("\(error)".contains("an SQLite database of another program"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "no table was added")
    }

    func testADeviceANamedPipeOrASocketIsRefusedAtOnceAsTheLibrary() throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fifo = folder + "/fifo.sqlite"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let start = Date()
        for (file, kind) in [("/dev/zero", "a device"), ("/dev/null", "a device"), (fifo, "a named pipe")] {
            XCTAssertThrowsError(try Library(path: file)) { error in
                XCTAssertEqual("\(error)", "cannot open the library \(file): it is \(kind), not a file")
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "nothing blocked on the pipe")
    }

    func testAFileThatIsNotSQLiteIsRefusedAndNeverWritten() throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let text = Data("my notes, not a database\n".utf8)
        try text.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Library(path: path)) { error in
            assertOneLine("\(error)")
            XCTAssertTrue("\(error)".contains("not an SQLite database"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), text)
    }

    func testUnusableLocationsThrowOneLine() throws {
        XCTAssertThrowsError(try Library(path: "/etc/passwd/x.sqlite")) { error in
            assertOneLine("\(error)")
            XCTAssertTrue("\(error)".contains("/etc/passwd is a file"), "\(error)")
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        XCTAssertThrowsError(try Library(path: path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("it is a folder"), "\(error)")
        }
    }

    // MARK: - The user's marks

    func testMarksSurviveReopen() throws {
        do {
            let library = try Library(path: path)
            try library.setRating(4, channel: "@durov")
            try library.markRead("p1", channel: "@durov")
            try library.markRead("p1", channel: "@durov")
            try library.setBookmark("p2", marked: true, channel: "@durov")
            try library.setBookmark("p3", marked: true, channel: "@durov")
            try library.setBookmark("p3", marked: false, channel: "@durov")
            try library.setLastSelected("p2", channel: "@durov")
            try library.setRating(2, channel: "https://example.org/feed")
            XCTAssertThrowsError(try library.setRating(6, channel: "@durov"))
        }
        let library = try Library(path: path)
        XCTAssertEqual(try library.marks(channel: "@durov"), UserMarks(rating: 4, read: ["p1"], lastSelected: "p2", bookmarks: ["p2"]))
        XCTAssertEqual(try library.marks(channel: "https://example.org/feed"), UserMarks(rating: 2))
        try library.setRating(nil, channel: "@durov")
        XCTAssertNil(try library.marks(channel: "@durov").rating)
    }

    /// `state-v2.sqlite` was written by feedtui 0.1's StateStore (ratings, read marks, bookmarks, positions).
    func testImportsTheStateDatabaseOfTheLastRelease() throws {
        let fixture = Self.root.appendingPathComponent("Tests/FeedLibraryTests/Resources/state-v2.sqlite").path
        let statePath = folder + "/state.sqlite"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture, toPath: statePath)
        let before = try Data(contentsOf: URL(fileURLWithPath: statePath))
        let library = try Library(path: path)
        try library.setRating(1, channel: "Plain Title")  // already in the library: kept over the old file's
        let said = try library.importState(from: statePath)
        XCTAssertEqual(said, "imported 2 ratings, 3 read marks and 2 bookmarks from \(statePath)")
        XCTAssertEqual(
            try library.marks(channel: "@durov"),
            UserMarks(
                rating: 4, read: ["page-201707301225", "page-201707230115"], lastSelected: "page-201707230115",
                bookmarks: ["page-201707160104"]))
        XCTAssertEqual(try library.marks(channel: "https://example.org/feed"), UserMarks(rating: 2, read: ["item-1"]))
        XCTAssertEqual(try library.marks(channel: "Plain Title"), UserMarks(rating: 1, lastSelected: "item-3", bookmarks: ["item-2"]))
        // Once only, and the old file is left as it was.
        XCTAssertNil(try library.importState(from: statePath))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: statePath)), before)
        XCTAssertNil(try library.importState(from: folder + "/absent.sqlite"))
    }

    // MARK: - Import

    func testReopeningAnUnchangedFileNeedsNoParsingAndAChangedOneIsImportedAgain() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/seed.txt"
        try FileManager.default.copyItem(atPath: Self.seedPath, toPath: file)
        let library = try Library(path: path)
        let stamp = try XCTUnwrap(SourceStamp(path: file))
        XCTAssertNil(try library.channels(unchanged: stamp))
        let ids = try library.importChannels(try FeedLoader.load(path: file), from: .file(file), stamp: stamp)
        XCTAssertEqual(try library.channels(unchanged: try XCTUnwrap(SourceStamp(path: file))), ids)
        XCTAssertEqual(try Library(path: path).channels(unchanged: stamp), ids)

        // Same size and time, different bytes: the sampled hash tells.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let modified = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date)
        bytes[bytes.count - 2] = bytes[bytes.count - 2] == 0x41 ? 0x42 : 0x41
        try bytes.write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file)
        XCTAssertNil(try library.channels(unchanged: try XCTUnwrap(SourceStamp(path: file))))
        XCTAssertNil(SourceStamp(path: "-"))
        XCTAssertNil(SourceStamp(path: folder))
    }

    func testReimportUpdatesChangedPostsKeepsVanishedOnesAndNeverDuplicates() throws {
        let library = try Library(path: path)
        let first = Channel(
            title: "Feed", url: "https://example.org/feed",
            publications: [post("a", 1, "alpha one", views: 10), post("b", 2, "bravo two", views: 20), post("c", 3, "charlie three", views: 30)])
        let id1 = try XCTUnwrap(try library.importChannels([first], from: .named(first)).first)
        var second = first
        second.publications = [post("a", 1, "alpha one", views: 10), post("b", 2, "bravo edited", views: 99), post("d", 4, "delta four")]
        let id2 = try XCTUnwrap(try library.importChannels([second], from: .named(second)).first)
        XCTAssertNotEqual(id1, id2)
        XCTAssertEqual(try library.channel(id1)?.complete, false, "the replaced copy is no longer live")
        library.collectGarbage()
        XCTAssertNil(try library.channel(id1), "the replaced copy is deleted")
        let stored = try XCTUnwrap(try library.channel(id2))
        XCTAssertEqual(stored.postCount, 4)
        XCTAssertEqual(stored.key, "https://example.org/feed")
        XCTAssertEqual(try library.channels().map(\.id), [id2])
        let newest = try library.window(channel: id2, order: .newest, offset: 0, limit: 10).posts
        XCTAssertEqual(newest.map(\.id), ["d", "c", "b", "a"])
        XCTAssertEqual(newest.first { $0.id == "b" }?.text, "bravo edited")
        XCTAssertEqual(newest.first { $0.id == "b" }?.views, Count(99))
        XCTAssertEqual(try library.window(channel: id2, order: .mostViewed, offset: 0, limit: 10).posts.map(\.id), ["b", "c", "a", "d"])
        XCTAssertEqual(try library.search(channel: id2, query: "bravo", order: .newest), [2])
        XCTAssertEqual(try library.search(channel: id2, query: "two", order: .newest), [])
        // The statistics count the kept post too.
        XCTAssertEqual(stored.statistics.postCount, 4)
        try library.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM post"), 4)
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
        }
    }

    func testCancellingAnImportKeepsTheOldContent() throws {
        let library = try Library(path: path)
        let old = Channel(title: "Big", handle: "big", publications: (0..<10).map { post("p\($0)", $0, "old \($0)") })
        let oldID = try XCTUnwrap(try library.importChannels([old], from: .named(old)).first)
        let big = Channel(title: "Big", handle: "big", publications: (0..<(Library.firstBatch + 50)).map { post("p\($0)", $0, "new \($0)") })
        var seen: [ImportProgress] = []
        XCTAssertThrowsError(try library.importChannels([big], from: .named(big)) { seen.append($0); return false }) { error in
            XCTAssertEqual("\(error)", "import cancelled")
        }
        XCTAssertEqual(seen.map(\.imported), [Library.firstBatch])
        XCTAssertEqual(seen.first?.total, Library.firstBatch + 50)
        XCTAssertEqual(try library.channels().map(\.id), [oldID])
        XCTAssertEqual(try library.window(channel: oldID, order: .newest, offset: 0, limit: 1).posts.first?.text, "old 9")
        try library.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM channel"), 1)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM post"), 10)
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
        }
    }

    /// What imports killed with kill -9 leave — copies of a channel still 'importing' — is deleted by the next
    /// collection and the file shrinks back to the size of a clean import: at once when the copy names a process
    /// that is gone (a killed one, or one of an older boot), after ten minutes when it names none (an older
    /// feedtui's). A copy whose process still runs is kept, however old.
    func testTheSpaceOfKilledImportsIsGivenBack() throws {
        func size() throws -> Int {
            try [path, path + "-wal"].filter { FileManager.default.fileExists(atPath: $0) }
                .reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int ?? 0) }
        }
        let ch = Self.generated(5_000)
        var library: Library? = try Library(path: path)
        let id = try XCTUnwrap(try library?.importChannels([ch], from: .named(ch)).first)
        library = nil
        let clean = try size()
        library = try Library(path: path)
        let now = Date().timeIntervalSince1970
        let running = try XCTUnwrap(ImporterProcess.current)
        // A process of this boot that is gone (a child that ended), one of another boot, an older feedtui's copy.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let parts = running.split(separator: " ")
        let copies: [(importer: String?, touchedAt: Double)] = [
            ("\(parts[0]) \(child.processIdentifier) \(parts[2])", now), ("00000000-0000-0000-0000-000000000000 \(parts[1]) \(parts[2])", now),
            (nil, now - 3600), (running, now - 3600),
        ]
        try library?.pool.write { db in
            var maker = TermMaker()
            for copy in copies {
                try db.execute(
                    sql: "INSERT INTO channel (status, record, postCount, touchedAt, importer) SELECT 'importing', record, postCount, ?, ? FROM channel WHERE id = ?",
                    arguments: [copy.touchedAt, copy.importer, id])
                let copyID = db.lastInsertedRowID
                let index = SearchIndexWriter(channel: copyID)
                for row in try Row.fetchAll(db, sql: "SELECT id, date, views, seq, record FROM post WHERE channel = ?", arguments: [id]) {
                    try db.execute(
                        sql: "INSERT INTO post (channel, id, date, views, seq, newest, oldest, viewed, record) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)",
                        arguments: [copyID, row["id"], row["date"], row["views"], row["seq"], row["record"]])
                    let post = try XCTUnwrap(NativeRecordCoder.publication(row["record"]))
                    index.add(db.lastInsertedRowID, text: post.searchableText, maker: &maker)
                }
                try index.write(db)
            }
        }
        library = nil
        let grown = try size()
        XCTAssertGreaterThan(grown, 3 * clean, "the copies take space")
        library = try Library(path: path)
        library?.collectGarbage()
        try library?.pool.read { db in
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT importer FROM channel WHERE status = 'importing'"), [running])
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM post"), 2 * ch.publications.count)
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM searchRun WHERE channel NOT IN (SELECT id FROM channel)"), 0)
        }
        // The copy of the running process goes once it is old and this process is taken for another.
        try library?.pool.write { db in
            try db.execute(sql: "UPDATE channel SET importer = ? WHERE status = 'importing'", arguments: [copies[0].importer])
        }
        library?.collectGarbage()
        // The index holds the live posts only: a search finds as many as the posts hold.
        XCTAssertEqual(try library?.search(channel: id, query: "a", order: .newest).count, ch.publications.filter { SearchText.contains(SearchText.fold($0.searchableText), "a") }.count)
        library = nil
        let collected = try size()
        XCTAssertLessThanOrEqual(Double(collected), 1.1 * Double(clean), "clean \(clean), with the copies \(grown), collected \(collected)")
        XCTAssertEqual(try Library(path: path).channels().first?.postCount, ch.publications.count)
    }

    func testProgressComesAfterEachBatchAndTheFirstBatchIsShowable() throws {
        let library = try Library(path: path)
        let n = Library.firstBatch + Library.batch + 7
        let ch = Channel(title: "Many", publications: (0..<n).map { post("p\($0)", $0 / 3, "post \($0)") })
        var seen: [Int] = []
        let ids = try library.importChannels([ch], from: .named(ch)) { progress in
            if seen.isEmpty {
                // The first batch is committed: the first screenful (newest first) can be read already.
                let first = try? library.window(channel: progress.channel, order: .newest, offset: 0, limit: 30)
                XCTAssertEqual(first?.posts.map(\.id), Array(PostOrder.newest.arrange(ch.publications).prefix(30)).map { "p\($0)" })
                XCTAssertEqual((try? library.channel(progress.channel))?.complete, false)
            }
            seen.append(progress.imported)
            return true
        }
        XCTAssertEqual(seen, [Library.firstBatch, Library.firstBatch + Library.batch, n])
        XCTAssertEqual(try library.channel(ids[0])?.complete, true)
    }

    // MARK: - Windows, statistics, search

    /// A deterministic channel of `count` posts in several scripts, with repeated dates and views (ties) and undated posts.
    static func generated(_ count: Int) -> Channel {
        let words = [
            "Tiếng Việt có dấu", "Ελληνικά ΚΕΊΜΕΝΟ", "русский текст Ёлка", "新闻联播今天晚上", "中文搜索测试", "日本語のテキスト",
            "ภาษาไทยง่ายมาก", "한국어 문장", "العربية نص", "עברית טקסט", "Crème Brûlée façade", "STRASSE straße", "emoji 🎉 party",
            "a*b?c[d] glob", "naïve coöperate", "plain ascii words",
        ]
        var rng: UInt64 = 42
        func next() -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33)
        }
        var posts: [Publication] = []
        for i in 0..<count {
            let text = (0..<(1 + next() % 3)).map { _ in words[next() % words.count] }.joined(separator: next() % 2 == 0 ? " " : "")
            var p = Publication(
                id: "g\(i)", date: next() % 13 == 0 ? nil : Date(timeIntervalSince1970: 1_500_000_000 + Double(next() % 500) * 3600), text: text,
                views: next() % 4 == 0 ? nil : Count(Int64(next() % 50)))
            if next() % 5 == 0 { p.linkPreview = LinkPreview(site: "Site Ünïcode", title: "Prévisualisation \(i)", url: "https://example.org/\(i)") }
            if next() % 7 == 0 { p.links = ["https://t.me/link\(i)"] }
            if next() % 11 == 0 { p.forwardedFrom = "Канал Пересылки" }
            posts.append(p)
        }
        return Channel(title: "Generated", handle: "generated", publications: posts)
    }

    /// The next unread post and the unread count, against the read marks looked at one by one, in every order,
    /// from every kind of place (before, between and after the unread posts, round to the first).
    func testTheNextUnreadPostIsTheOneAfterTheSelectionRoundToTheFirst() throws {
        let library = try Library(path: path)
        let ch = Self.generated(600)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch)).first)
        let key = try XCTUnwrap(try library.channel(id)).key
        for (n, p) in ch.publications.enumerated() where n % 7 != 3 { try library.markRead(p.id, channel: key) }
        // A mark of a post the channel does not have is not counted.
        try library.markRead("gone", channel: key)
        for order in PostOrder.allCases {
            let ids = order.arrange(ch.publications).map { ch.publications[$0].id }
            let unread = ids.indices.filter { Int(ids[$0].dropFirst())! % 7 == 3 }
            for after in [-1, 0, unread[0], unread[5] - 1, unread[40], unread.last!, 599] {
                let got = try library.nextUnread(channel: id, key: key, order: order, after: after)
                XCTAssertEqual(got.position, unread.first { $0 > after } ?? unread.first, "\(order) after \(after)")
                XCTAssertEqual(got.unread, unread.count)
            }
        }
        try library.markAllRead(channel: key, channelID: id)
        let none = try library.nextUnread(channel: id, key: key, order: .newest, after: 10)
        XCTAssertNil(none.position)
        XCTAssertEqual(none.unread, 0)
    }

    /// Two feedtui processes starting on one new library at once: both open it, whichever migrates first (each
    /// migration step the other applied meanwhile is skipped, not applied twice). Two pools in one process are two
    /// connections to the file, as two processes are.
    func testTwoOpeningsOfOneNewLibraryAtOnceBothSucceed() throws {
        for round in 0..<20 {
            let file = folder + "/race-\(round).sqlite"
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                do throws(LibraryError) {
                    _ = try Library(path: file)
                } catch {
                    failures.withLock { $0.append(error.description) }
                }
            }
            XCTAssertEqual(failures.withLock { $0 }, [], "round \(round)")
            XCTAssertEqual(try Library(path: file).notice, nil)
        }
        // The moment the other one has created GRDB's migrations table but not yet marked the file as feedtui's.
        let creating = folder + "/creating.sqlite"
        try DatabaseQueue(path: creating).write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        }
        XCTAssertNoThrow(try Library(path: creating), "a library being created is not taken for another program's")
        // Another program's file with migrations of its own is still refused.
        let foreign = folder + "/foreign.sqlite"
        try DatabaseQueue(path: foreign).write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('v1')")
        }
        XCTAssertThrowsError(try Library(path: foreign))
    }

    func testWindowsFollowTheOrdersOfTheListAtEveryOffset() throws {
        let library = try Library(path: path)
        let ch = Self.generated(700)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch)).first)
        for order in PostOrder.allCases {
            let expected = order.arrange(ch.publications).map { ch.publications[$0].id }
            var got: [String] = []
            var offset = 0
            while offset < ch.publications.count {
                got += try library.window(channel: id, order: order, offset: offset, limit: 37).posts.map(\.id)
                offset += 37
            }
            XCTAssertEqual(got, expected, "\(order)")
            XCTAssertEqual(try library.window(channel: id, order: order, offset: 695, limit: 30).posts.map(\.id), Array(expected.suffix(5)))
        }
        XCTAssertEqual(try library.positions(of: ["g0", "nope"], channel: id, order: .newest), [PostOrder.newest.arrange(ch.publications).firstIndex(of: 0)!])
    }

    /// Search through the index gives the same posts in the same order as folding every post and looking in it.
    func testSearchEqualsABruteForceScanOf10000PostsInSeveralScripts() throws {
        let library = try Library(path: path)
        let ch = Self.generated(10_000)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch)).first)
        var folder = SearchText()
        let folded = ch.publications.map { folder.fold($0.searchableText) }
        let queries = [
            "viet", "TIENG", "ế", "кеймено", "ЁЛКА", "елка", "新闻", "闻", "搜索测试", "ไทย", "ง่", "한국", "نص", "טקסט", "creme brulee",
            "FACADE", "strasse", "ß", "🎉", "*", "a*b", "?c[", "[d]", "naive", "e", "ae", "nothing-like-this", "g\u{0301}", " ",
            "https://t.me/link7", "preview", "prevISUALISATION 12", "site unicode", "канал пере", "wordsplain", "日本語のテ",
            "\"quoted\" AND", "NEAR(", "ส", String(repeating: "Tiếng Việt có dấu ", count: 300), "a" + String(repeating: "中文搜索测试", count: 900),
        ]
        var answers: [Bool: Int] = [:]
        var nearFound = 0
        for order in PostOrder.allCases {
            let arranged = order.arrange(ch.publications)
            for q in queries {
                let needle = SearchText.fold(q)
                let expected = needle.isEmpty ? [] : arranged.indices.filter { SearchText.contains(folded[arranged[$0]], needle) }
                XCTAssertEqual(try library.search(channel: id, query: q, order: order), expected, "\(q) in \(order)")
                // The first answer: every match, or the first after where the search began (as many as were found
                // in the time it has).
                for (from, few) in [(0, nil), (4_321, 1_000), (9_990, 300)] {
                    let first = try library.firstMatches(channel: id, query: q, order: order, from: from, few: few)
                    let after = expected.filter { $0 >= from }
                    XCTAssertEqual(first.matches, first.complete ? expected : Array(after.prefix(first.matches.count)), "\(q) in \(order) from \(from)")
                    XCTAssertLessThanOrEqual(first.matches.count, first.complete ? expected.count : Library.nearMatches)
                    answers[first.complete, default: 0] += 1
                    if !first.complete { nearFound += first.matches.count }
                }
            }
        }
        XCTAssertGreaterThan(try library.search(channel: id, query: "新闻", order: .newest).count, 100)
        XCTAssertGreaterThan(answers[true] ?? 0, 0, "rare queries are answered whole at once")
        // A search no longer wanted is abandoned; the next is answered whole. (One with the channel's order to walk
        // and its posts to read from the index: none kept from an earlier search or by the import.)
        library.orderMap.withLock { $0 = nil }
        library.lastGiven.withLock { $0 = nil }
        try library.pool.write { db in try db.execute(sql: "DELETE FROM keptOrder") }
        var asked = 0
        XCTAssertThrowsError(try library.search(channel: id, query: "e", order: .newest, while: { asked += 1; return asked < 3 }))
        XCTAssertEqual(asked, 3, "asked until it said no")
        XCTAssertEqual(try library.search(channel: id, query: "e", order: .newest).count, folded.filter { SearchText.contains($0, "e") }.count)
        XCTAssertGreaterThan(answers[false] ?? 0, 0, "common ones first near where they began")
        XCTAssertGreaterThan(nearFound, 100)
    }

    /// A phrase whose trigrams most posts hold leaves thousands of posts to check, half of them checked on another
    /// reader at the same time, and a letter most posts hold has the two halves of the channel's order walked on two
    /// readers: the same posts, in the same order, as folding every post and looking in it; and a search no longer
    /// wanted is abandoned on both.
    func testLongSearchesAreDoneOnTwoReadersAsAScanFindsThem() throws {
        let library = try Library(path: path)
        let pieces = ["fast secure", "secure fast", "fast and secure", "FAST SECURE!", "fást sécure", "fastsecure", "Быстро secure", "安全 fast"]
        var rng: UInt64 = 7
        func next() -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33)
        }
        let posts = (0..<(Library.walkedApart + 1_000)).map { i in
            Publication(
                id: "p\(i)", date: Date(timeIntervalSince1970: 1_600_000_000 + Double(next() % 100_000) * 60),
                text: (0..<(2 + next() % 3)).map { _ in pieces[next() % pieces.count] }.joined(separator: " — "), views: Count(Int64(next() % 1_000)))
        }
        let ch = Channel(title: "Phrases", handle: "phrases", publications: posts)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch)).first)
        var folder = SearchText()
        let folded = posts.map { folder.fold($0.searchableText) }
        for q in ["fast secure", "SECURE FAST", "ast secu", "fast secure — secure fast", "e — f", "e", "ы", "安", "fa", "—"] {
            let needle = SearchText.fold(q)
            for order in PostOrder.allCases {
                let arranged = order.arrange(posts)
                let expected = arranged.indices.filter { SearchText.contains(folded[arranged[$0]], needle) }
                XCTAssertEqual(try library.search(channel: id, query: q, order: order), expected, "\(q) in \(order)")
            }
        }
        // Most posts hold both words, fewer the phrase: there is something to check, and enough to check apart.
        let both = folded.filter { SearchText.contains($0, "fast") && SearchText.contains($0, "secure") }.count
        let phrase = folded.filter { SearchText.contains($0, "fast secure") }.count
        XCTAssertGreaterThan(both, Library.checkedApart * 2)
        XCTAssertGreaterThan(both - phrase, 500)
        XCTAssertGreaterThan(phrase, 500)
        let asked = Mutex(0)
        XCTAssertThrowsError(
            try library.search(channel: id, query: "fast secure", order: .newest, while: { asked.withLock { $0 += 1; return $0 < 3 } }))
    }

    /// A letter's whole answer is looked up along the order the library keeps from the last walk (`OrderMap`) for as
    /// long as nothing is written: after any write (a refresh adding posts above and between, an edit, a read mark) it
    /// is walked again, and every answer is what a scan of the posts finds.
    func testALettersAnswerIsLookedUpAlongTheOrderKeptUntilTheLibraryIsWritten() throws {
        let library = try Library(path: path)
        var ch = Self.generated(3_000)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch), stamp: nil).first)
        let key = try XCTUnwrap(try library.channel(id)?.key)
        func writes() throws -> Int64 { try library.pool.read { try Library.writes($0) } }
        func kept() -> (channel: Int64, column: String, writes: Int64)? { library.orderMap.withLock { $0.map { ($0.channel, $0.column, $0.writes) } } }
        // Each order searched as it is kept (stale after a write, or another order's: the search must not trust it),
        // which walks it, then searched along it.
        func check(_ when: String, _ orders: [PostOrder]) throws {
            let held = try library.window(channel: id, order: .newest, offset: 0, limit: 10_000).posts
            XCTAssertEqual(held.count, ch.publications.count, when)
            var folder = SearchText()
            let folded = Dictionary(held.map { ($0.id, folder.fold($0.searchableText)) }, uniquingKeysWith: { a, _ in a })
            for order in orders {
                let arranged = try library.window(channel: id, order: order, offset: 0, limit: 10_000).posts
                func searched(_ how: String) throws {
                    for q in ["e", "a", "т", "新", "🎉", "ss", "ễ", "x"] {
                        let needle = SearchText.fold(q)
                        let expected = arranged.indices.filter { SearchText.contains(folded[arranged[$0].id] ?? "", needle) }
                        XCTAssertEqual(try library.search(channel: id, query: q, order: order), expected, "\(when), \(how): \(q) in \(order)")
                    }
                }
                try searched("as kept")
                let walked = try XCTUnwrap(kept(), "\(when): \(order) walked")
                XCTAssertEqual(walked.channel, id)
                XCTAssertEqual(walked.column, Library.column(order))
                XCTAssertEqual(walked.writes, try writes(), "\(when): \(order) walked since the last write")
                try searched("along the order walked")
            }
        }
        try check("imported", PostOrder.allCases)
        // A refresh: posts newer than all, older than all and between, one edited.
        var read = Channel(title: ch.title, handle: ch.handle, publications: [
            post("top", 100_000, "the newest letter e"), post("bottom", -100_000, "the oldest e"), post("middle", 5, "midway тест"),
        ])
        var edited = ch.publications[7]
        edited.text = "edited: no vowels but y — 新"
        read.publications.append(edited)
        ch.publications[7] = edited
        ch.publications += read.publications.prefix(3)
        let before = try writes()
        XCTAssertNotNil(try library.merge(read, key: key, allNew: false))
        XCTAssertGreaterThan(try writes(), before)
        XCTAssertNotEqual(kept()?.writes, try writes(), "the order kept is stale")
        try check("refreshed", PostOrder.allCases.reversed())
        // A write that moves no post still makes the order be walked again.
        try library.markRead("g1", channel: key)
        XCTAssertNotEqual(kept()?.writes, try writes())
        try check("a post read", PostOrder.allCases.reversed())
    }

    /// The whole answer takes the posts the index gave the first answer only while nothing was written between: a
    /// refresh that brings a post holding the needle, or one that edits a post so that it no longer does, is seen.
    func testTheWholeAnswerTakesTheFirstAnswersPostsOnlyWhileNothingIsWritten() throws {
        let library = try Library(path: path)
        var ch = Self.generated(500)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch), stamp: nil).first)
        let key = try XCTUnwrap(try library.channel(id)?.key)
        func scanned(_ q: String) throws -> [Int] {
            var folder = SearchText()
            let arranged = try library.window(channel: id, order: .newest, offset: 0, limit: 10_000).posts
            return arranged.indices.filter { SearchText.contains(folder.fold(arranged[$0].searchableText), SearchText.fold(q)) }
        }
        for q in ["e", "plain ascii words", "新闻"] {
            _ = try library.firstMatches(channel: id, query: q, order: .newest, from: 0)
            XCTAssertEqual(try library.search(channel: id, query: q, order: .newest), try scanned(q), q)
            _ = try library.firstMatches(channel: id, query: q, order: .newest, from: 0)
            var edited = try XCTUnwrap(ch.publications.first { SearchText.contains(SearchText.fold($0.searchableText), SearchText.fold(q)) })
            edited.text = "nothing of it: xyz"
            edited.linkPreview = nil
            edited.forwardedFrom = nil
            let read = Channel(title: ch.title, handle: ch.handle, publications: [post("new \(q)", 100_000, "new: \(q)"), edited])
            ch.publications += read.publications.prefix(1)
            XCTAssertNotNil(try library.merge(read, key: key, allNew: false))
            XCTAssertEqual(try library.search(channel: id, query: q, order: .newest), try scanned(q), "\(q), refreshed after its first answer")
        }
    }

    /// An import keeps its channel's newest order (`keptOrder`), and a process's first letter is looked up along it, not
    /// walked: what the search reads (tampered with, its answer follows it), right against a scan in a new process,
    /// gone once a refresh moves posts (then walked, still right), kept again by the next import.
    func testTheOrderAnImportKeptServesAProcesssFirstLetterUntilARefresh() throws {
        var ch = Self.generated(3_000)
        let id = try XCTUnwrap(try Library(path: path).importChannels([ch], from: .named(ch), stamp: nil).first)
        func keptRowids(_ library: Library) throws -> Data? {
            try library.pool.read { db in try Data.fetchOne(db, sql: "SELECT rowids FROM keptOrder WHERE channel = ?", arguments: [id]) }
        }
        func searchedAsScanned(_ library: Library, _ when: String) throws {
            let arranged = try library.window(channel: id, order: .newest, offset: 0, limit: 10_000).posts
            XCTAssertEqual(arranged.count, ch.publications.count, when)
            var folder = SearchText()
            for q in ["e", "a", "т", "新"] {
                let needle = SearchText.fold(q)
                let expected = arranged.indices.filter { SearchText.contains(folder.fold(arranged[$0].searchableText), needle) }
                XCTAssertEqual(try library.search(channel: id, query: q, order: .newest), expected, "\(when): \(q)")
            }
        }
        let kept = try XCTUnwrap(try keptRowids(Library(path: path)), "kept by the import")
        XCTAssertEqual(kept.count, 3_000 * 8)
        // Tampered with (reversed), the order is what a new process's letter follows.
        do {
            let library = try Library(path: path)
            var rowids = [Int64](repeating: 0, count: 3_000)
            rowids.withUnsafeMutableBytes { _ = kept.copyBytes(to: $0) }
            rowids.reverse()
            try library.pool.write { db in
                try db.execute(sql: "UPDATE keptOrder SET rowids = ? WHERE channel = ?", arguments: [rowids.withUnsafeBytes { Data($0) }, id])
            }
            let answer = try library.search(channel: id, query: "e", order: .newest)
            try library.pool.write { db in try db.execute(sql: "UPDATE keptOrder SET rowids = ? WHERE channel = ?", arguments: [kept, id]) }
            let right = try Library(path: path).search(channel: id, query: "e", order: .newest)
            XCTAssertEqual(answer, right.map { 2_999 - $0 }.reversed(), "the kept order was read")
        }
        try searchedAsScanned(try Library(path: path), "a new process")
        // A refresh: posts above, below and between.
        let library = try Library(path: path)
        let key = try XCTUnwrap(try library.channel(id)?.key)
        let read = Channel(title: ch.title, handle: ch.handle, publications: [
            post("top", 100_000, "the newest letter e"), post("bottom", -100_000, "the oldest e"), post("middle", 5, "midway тест"),
        ])
        ch.publications += read.publications
        XCTAssertNotNil(try library.merge(read, key: key, allNew: false))
        XCTAssertNil(try keptRowids(library), "a refresh moved posts")
        try searchedAsScanned(try Library(path: path), "refreshed, a new process")
        try searchedAsScanned(library, "refreshed")
        let again = try XCTUnwrap(try library.importChannels([ch], from: .named(ch), stamp: nil).first)
        XCTAssertEqual(try library.pool.read { db in try Int.fetchOne(db, sql: "SELECT length(rowids) FROM keptOrder WHERE channel = ?", arguments: [again]) }, 3_003 * 8)
        XCTAssertEqual(try library.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM keptOrder") }, 1, "the old copy's is deleted with it")
    }

    /// An order whose stored positions leave gaps (feedtui never writes one; another tool might) is kept with its
    /// positions, and a letter's answer still gives them, on one reader and on two.
    func testAnOrderWithGapsIsKeptWithItsPositions() throws {
        for count in [300, Library.walkedApart + 100] {
            try? FileManager.default.removeItem(atPath: path)
            let ch = Self.generated(count)
            let id = try XCTUnwrap(try Library(path: path).importChannels([ch], from: .named(ch), stamp: nil).first)
            try Library(path: path).pool.write { db in
                try db.execute(sql: "UPDATE post SET newest = newest * 3 + 1 WHERE channel = ? AND newest >= ?", arguments: [id, count / 3])
            }
            let library = try Library(path: path)
            let stored = try library.pool.read { db in
                try Int.fetchAll(db, sql: "SELECT newest FROM post WHERE channel = ? ORDER BY newest", arguments: [id])
            }
            let arranged = try stored.map { position in try XCTUnwrap(try library.window(channel: id, order: .newest, offset: position, limit: 1).posts.first) }
            var folder = SearchText()
            for q in ["e", "т", "新"] {
                let needle = SearchText.fold(q)
                let expected = arranged.indices.filter { SearchText.contains(folder.fold(arranged[$0].searchableText), needle) }.map { stored[$0] }
                XCTAssertEqual(try library.search(channel: id, query: q, order: .newest), expected, "\(q) in \(count) posts")
            }
        }
    }

    /// Each refresh that brings posts writes a run of the index: a channel's small runs are merged into one once
    /// there are too many, leaving out the entries of texts that changed, and searches find what a scan finds.
    func testRefreshesRunsAreMergedAndSearchedTheSame() throws {
        let library = try Library(path: path)
        var ch = Self.generated(300)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch), stamp: nil).first)
        let key = try XCTUnwrap(try library.channel(id)?.key)
        func runs() throws -> Int { try library.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM searchRun WHERE channel = ?", arguments: [id]) ?? 0 } }
        let imported = try runs()
        for refresh in 0..<(3 * SearchIndex.smallRuns) {
            // Two new posts and one edited each time, its old words gone.
            var read = Channel(title: ch.title, handle: ch.handle, publications: [
                post("new\(refresh)a", 1_000 + refresh, "crème brûlée \(refresh) новость"),
                post("new\(refresh)b", 1_000 + refresh, "straße \(refresh) 新闻 🎉"),
            ])
            var edited = ch.publications[refresh]
            edited.text = "edited \(refresh) ẞtraße"
            read.publications.append(edited)
            ch.publications[refresh] = edited
            ch.publications += read.publications.prefix(2)
            XCTAssertEqual(try library.merge(read, key: key, allNew: false)?.channel, id)
            XCTAssertLessThanOrEqual(try runs(), imported + SearchIndex.smallRuns + 1, "after \(refresh + 1) refreshes")
        }
        try library.pool.read { db in
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
        }
        // The posts as the library holds them (this test is about the index, not the orders): each held text is
        // the one last read.
        var folder = SearchText()
        let held = try library.window(channel: id, order: .newest, offset: 0, limit: 1_000).posts
        let latest = Dictionary(ch.publications.map { ($0.id, $0.text) }, uniquingKeysWith: { $1 })
        XCTAssertEqual(held.filter { latest[$0.id] != $0.text }.map(\.id), [])
        let folded = held.map { folder.fold($0.searchableText) }
        XCTAssertEqual(folded.count, 300 + 2 * 3 * SearchIndex.smallRuns)
        for q in ["viet", "ế", "新闻", "e", "ae", "crème brûlée", "edited 1", "straße", "ss", "🎉", "новость 7"] + ch.publications.prefix(30).map(\.id) {
            let needle = SearchText.fold(q)
            XCTAssertEqual(try library.search(channel: id, query: q, order: .newest), folded.indices.filter { SearchText.contains(folded[$0], needle) }, q)
        }
        // The words of an edited post's old text are no longer found in it.
        let before = Self.generated(300).publications[5]
        let word = try XCTUnwrap(before.text.components(separatedBy: " ").max { $0.count < $1.count })
        let stillHolding = folded.indices.filter { SearchText.contains(folded[$0], SearchText.fold(word)) }
        XCTAssertEqual(try library.search(channel: id, query: word, order: .newest), stillHolding, word)
    }

    /// The index holds, of each post's folded text, its trigrams (the text padded with two characters, so that every
    /// piece of two characters starts one), each character once as a term of its own, and the join of the three
    /// characters before a space with the three after it, where none of them is a space: nothing else. Long posts too: one of more distinct tokens
    /// than the tokenizer remembers, one repeating a phrase thousands of times.
    func testTheIndexHoldsTrigramsEachCharacterOnceAndJoins() throws {
        let library = try Library(path: path)
        var ch = Self.generated(300)
        var ideographs = ""
        ideographs.unicodeScalars.append(contentsOf: (0..<9_000).compactMap { Unicode.Scalar(0x4E00 + ($0 * 7_919) % 20_000) })
        ch.publications += [
            Publication(id: "distinct", date: Date(timeIntervalSince1970: 1_600_000_000), text: ideographs),
            Publication(id: "repeated", date: Date(timeIntervalSince1970: 1_600_000_001), text: String(repeating: "Crème brûlée, straße 🎉 ", count: 2_000)),
        ]
        _ = try library.importChannels([ch], from: .named(ch))
        var expected: [String: Int] = [:]
        var folder = SearchText()
        for p in ch.publications {
            let text = Array(folder.fold(p.searchableText).unicodeScalars)
            let padded = text + ["\u{1}", "\u{1}"]
            var terms = Set(text.map { String($0) })
            for i in 0..<(padded.count - 2) {
                var trigram = ""
                trigram.unicodeScalars.append(contentsOf: padded[i..<(i + 3)])
                terms.insert(trigram)
            }
            let values = text.map { UInt64($0.value) }
            // A join: a space with three characters on each side, none of them a space.
            for i in values.indices.dropFirst(3).dropLast(3) where text[i] == " " && text[(i - 3)...(i + 3)].filter({ $0 == " " }).count == 1 {
                let join = try XCTUnwrap(SearchTerms.join(values, at: i))
                terms.insert("join \(UInt64(bitPattern: join) & UInt64(SearchTerms.joins - 1))")
            }
            for term in terms { expected[term, default: 0] += 1 }
        }
        // The index's terms as strings: a join's hash, a character, or a trigram's three.
        let held = try library.pool.read { db in
            var held: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT t.term, t.posts, r.joins FROM searchTerm t JOIN searchRun r ON r.id = t.run") {
                for (stored, list) in SearchIndex.lists(row: row[0], row[1], as: SearchIndex.JoinRows(row[2] as Int)) {
                    let term = UInt64(bitPattern: stored)
                    var text = ""
                    if term >> 62 == 3 {
                        text = "join \(term & UInt64(SearchTerms.joins - 1))"
                    } else if term >> 63 == 1 {
                        text.unicodeScalars.append(try XCTUnwrap(Unicode.Scalar(UInt32(term & 0x1F_FFFF))))
                    } else {
                        for shift in [42, 21, 0] { text.unicodeScalars.append(try XCTUnwrap(Unicode.Scalar(UInt32(term >> UInt64(shift) & 0x1F_FFFF)))) }
                    }
                    held[text, default: 0] += PostingList.decode(list).count
                }
            }
            return held
        }
        XCTAssertGreaterThan(expected.count, 1_000)
        XCTAssertEqual(held.count, expected.count)
        XCTAssertEqual(held.filter { expected[$0.key] != $0.value }.count, 0, "\(held.filter { expected[$0.key] != $0.value }.prefix(5))")
    }

    /// A query of any length is answered at once: a pasted page asks the index for a few of its trigrams.
    func testALongQueryIsAnsweredAtOnce() throws {
        let library = try Library(path: path)
        let ch = Self.generated(10_000)
        let id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch)).first)
        let page = String(repeating: "Ελληνικά ΚΕΊΜΕΝΟ русский текст Ёлка ", count: 140)
        let started = Date()
        XCTAssertEqual(try library.search(channel: id, query: page, order: .newest), [])
        XCTAssertEqual(try library.searchAll(query: page, limit: 10).total, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "\(page.count) characters")
    }

    /// A new library is made of 16 KiB pages, which a post of ~1.4 KB fills with little left over.
    func testANewLibraryHasPagesOf16KiB() throws {
        let library = try Library(path: path)
        try library.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA page_size"), 16_384)
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"), 2)
        }
    }

    /// A library of the schema before the contentless index (its index kept the folded text) is migrated: the
    /// index holds the same posts, searches find what a scan finds, and the file is no larger.
    func testALibraryWithTheOldIndexIsMigrated() throws {
        let ch = Self.generated(2_000)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: path)
        try Library.migrator.migrate(old, upTo: "merge-v1")
        try old.write { db in
            try db.execute(
                sql: "INSERT INTO channel (key, status, record, postCount, touchedAt) VALUES ('old', 'live', ?, ?, 0)",
                arguments: [NativeRecordCoder().record(channel: ch), ch.publications.count])
            let id = db.lastInsertedRowID
            var folder = SearchText()
            for (i, p) in ch.publications.enumerated() {
                try db.execute(
                    sql: "INSERT INTO post (channel, id, date, seq, newest, oldest, viewed, record) VALUES (?, ?, 0, ?, ?, ?, ?, ?)",
                    arguments: [id, p.id, i, i, i, i, NativeRecordCoder().record(p)])
                try db.execute(
                    sql: "INSERT INTO postText (rowid, text) VALUES (?, ?)", arguments: [db.lastInsertedRowID, folder.fold(p.searchableText)])
            }
        }
        try old.close()
        let library = try Library(path: path)
        let id = try XCTUnwrap(try library.channels().first?.id)
        var folder = SearchText()
        let folded = ch.publications.map { folder.fold($0.searchableText) }
        for q in ["viet", "ế", "新闻", "🎉", "e", "ae", "crème brûlée"] {
            let needle = SearchText.fold(q)
            XCTAssertEqual(try library.search(channel: id, query: q, order: .newest), folded.indices.filter { SearchText.contains(folded[$0], needle) }, q)
        }
        try library.pool.read { db in
            XCTAssertFalse(try db.tableExists("postText"), "FTS5's index is gone")
            XCTAssertEqual(try indexedPosts(db), Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM post")))
        }
    }

    /// A library the release before joins wrote (its runs without joins, `searchRun` without the column) is migrated:
    /// its runs are asked no joins, runs written after hold them, and small runs of both kinds merged are asked none;
    /// every phrase finds what a scan finds throughout.
    func testRunsWrittenBeforeJoinsAreSearchedTheSameBesideRunsWithThem() throws {
        var ch = Self.generated(150)
        var id: Int64 = 0
        do {
            let library = try Library(path: path)
            id = try XCTUnwrap(try library.importChannels([ch], from: .named(ch), stamp: nil).first)
            try library.pool.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM searchTerm WHERE term >= ? AND term < 0;
                        ALTER TABLE searchRun DROP COLUMN joins;
                        DELETE FROM grdb_migrations WHERE identifier = 'search-v4';
                        """, arguments: [Int64(bitPattern: SearchTerms.firstJoin)])
            }
        }
        let library = try Library(path: path)
        func joins() throws -> [SearchIndex.JoinRows] {
            try library.pool.read { db in
                try Int.fetchAll(db, sql: "SELECT joins FROM searchRun WHERE channel = ? ORDER BY id", arguments: [id]).map(SearchIndex.JoinRows.init)
            }
        }
        XCTAssertEqual(try joins(), [.none])
        let key = try XCTUnwrap(try library.channel(id)?.key)
        let phrases = ["plain ascii words", "emoji 🎉 party", "русский текст", "crème brûlée façade", "strasse straße", "a*b?c[d] glob", "s st"]
        func searchedAsScanned(_ when: String) throws {
            var folder = SearchText()
            let held = try library.window(channel: id, order: .newest, offset: 0, limit: 1_000).posts
            let folded = held.map { folder.fold($0.searchableText) }
            for q in phrases + ["новые слова здесь", "words plain", "e"] {
                let needle = SearchText.fold(q)
                XCTAssertEqual(
                    try library.search(channel: id, query: q, order: .newest), folded.indices.filter { SearchText.contains(folded[$0], needle) },
                    "\(q) \(when)")
            }
        }
        try searchedAsScanned("migrated")
        for refresh in 0..<SearchIndex.smallRuns {
            let read = Channel(title: ch.title, handle: ch.handle, publications: [
                post("new\(refresh)", 1_000 + refresh, "новые слова здесь plain ascii words \(refresh) emoji 🎉 party")
            ])
            ch.publications += read.publications
            XCTAssertEqual(try library.merge(read, key: key, allNew: false)?.channel, id)
            if refresh == 0 { XCTAssertEqual(try joins(), [.none, .grouped]) }
        }
        XCTAssertEqual(try joins(), [.none], "the small runs merged, the first without joins among them")
        try searchedAsScanned("merged")
        ch.publications.append(post("last", 2_000, "words plain, not side by side: plain ascii words"))
        _ = try library.merge(Channel(title: ch.title, handle: ch.handle, publications: [ch.publications[ch.publications.count - 1]]), key: key, allNew: false)
        XCTAssertEqual(try joins(), [.none, .grouped])
        try searchedAsScanned("refreshed after")
    }

    func testSearchAllLooksInEveryChannel() throws {
        let library = try Library(path: path)
        let a = Channel(title: "A", handle: "a", publications: [post("1", 1, "Москва зимой"), post("2", 2, "other")])
        let b = Channel(title: "B", handle: "b", publications: [post("1", 3, "москва летом"), post("2", 4, "Moskva")])
        let ids = try library.importChannels([a, b], from: .feed("ab"))
        let (matches, total) = try library.searchAll(query: "МОСКВА", limit: 10)
        XCTAssertEqual(total, 2)
        XCTAssertEqual(matches.map(\.channel), [ids[1], ids[0]])
        XCTAssertEqual(matches.map(\.channelTitle), ["B", "A"])
        XCTAssertEqual(matches.map(\.post.text), ["москва летом", "Москва зимой"])
        XCTAssertEqual(try library.searchAll(query: "москва", limit: 1).matches.map(\.post.text), ["москва летом"])
        XCTAssertEqual(try library.searchAll(query: "москва", limit: 1).total, 2, "every match counted, not only those listed")
        XCTAssertEqual(try library.searchAll(query: "nowhere", limit: 1).total, 0)
    }

    /// Statistics are counted on the clock of the run that imports; opened on another clock (another TZ, or
    /// `--dates post`) they say so, and counted again they follow that clock and are kept for the next open.
    func testStatisticsCountedOnAnotherClockAreCountedAgainAndKept() throws {
        let utc = Clock(zone: try XCTUnwrap(TimeZone(identifier: "UTC")))
        let tokyo = Clock(zone: try XCTUnwrap(TimeZone(identifier: "Asia/Tokyo")))
        let post = Clock(rule: .post, zone: try XCTUnwrap(TimeZone(identifier: "America/New_York")))
        let resources = Self.root.appendingPathComponent("Tests/FeedModelTests/Resources")
        for (name, first, second) in [
            ("rss/plaszeb-geopolitics-telethon.xml", utc, tokyo), ("tdesktop/pachum-guzel-channel.json", utc, post),
            ("realworld/rss-1.0.rdf", tokyo, post),
        ] {
            try? FileManager.default.removeItem(atPath: folder)
            let channel = try XCTUnwrap(try FeedLoader.load(path: resources.appendingPathComponent(name).path).first)
            let id = try XCTUnwrap(try Library(path: path, clock: first).importChannels([channel], from: .named(channel)).first)
            let onFirst = ChannelStatistics(channel, clock: first)
            let onSecond = ChannelStatistics(channel, clock: second)
            XCTAssertNotEqual(onFirst.weekdayHour, onSecond.weekdayHour, "\(name): the two clocks give two rhythms")

            let later = try Library(path: path, clock: second)
            let stale = try XCTUnwrap(try later.channel(id)).statistics
            XCTAssertEqual(stale, onFirst, name)
            XCTAssertEqual(stale.clockID, first.id, "\(name): the statistics say which clock they were counted on")
            let counted = try later.countStatistics(channel: id, clock: second)
            XCTAssertEqual(counted, onSecond, name)
            XCTAssertEqual(counted.clockID, second.id)
            XCTAssertEqual(try XCTUnwrap(try Library(path: path, clock: second).channel(id)).statistics, onSecond, "\(name): kept for the next open")
        }
        // The last one, rss-1.0.rdf, on each post's own offset: Sat 2000-01-01 12:00 (+00:00), Sun 2000-01-02 09:30 (+01:00).
        let rdf = try Library(path: path, clock: post).channels()[0].statistics
        XCTAssertEqual(rdf.weekdayHour[5][12], 1)
        XCTAssertEqual(rdf.weekdayHour[6][9], 1)
        XCTAssertEqual(rdf.lastPost.map { post.civil($0).iso }, "2000-01-02 09:30", "the last post at its own offset")
    }

    /// The statistics kept on import equal those computed from the parsed file, for the seed and every test file.
    func testStoredStatisticsEqualTheComputedOnes() throws {
        let library = try Library(path: path)
        let resources = Self.root.appendingPathComponent("Tests/FeedModelTests/Resources")
        var files = [Self.seedPath]
        let walker = FileManager.default.enumerator(atPath: resources.path)
        while let name = walker?.nextObject() as? String {
            var isDir: ObjCBool = false
            let full = resources.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { files.append(full) }
        }
        var checked = 0
        for file in files {
            guard let channels = try? FeedLoader.load(path: file) else { continue }
            let ids = try library.importChannels(channels, from: .file(file))
            for (ch, id) in zip(channels, ids) {
                let stored = try XCTUnwrap(try library.channel(id))
                // Duplicate ids are stored once; compare with the channel the library holds.
                let posts = Library.onePerID(ch.publications)
                var expected = ch
                expected.publications = posts
                XCTAssertEqual(stored.postCount, posts.count, "each file's channel is its own: \(file)")
                XCTAssertEqual(stored.statistics, ChannelStatistics(expected, clock: library.clock), file)
                var header = ch
                header.publications = []
                XCTAssertEqual(stored.channel, header, file)
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 12)
    }

    func testTwoLibrariesOnOneFileBothWork() throws {
        let writer = try Library(path: path)
        let reader = try Library(path: path)
        let ch = Self.generated(3_000)
        let done = expectation(description: "import")
        DispatchQueue.global().async {
            do {
                try writer.importChannels([ch], from: .named(ch))
            } catch {
                XCTFail("\(error)")
            }
            done.fulfill()
        }
        // Meanwhile the other process reads and writes its marks.
        for i in 0..<50 {
            try reader.markRead("g\(i)", channel: "@generated")
            _ = try reader.channels()
        }
        wait(for: [done], timeout: 60)
        let stored = try XCTUnwrap(try reader.channels().first)
        XCTAssertEqual(stored.postCount, 3_000)
        XCTAssertEqual(stored.unread, 2_950)
        XCTAssertEqual(try writer.marks(channel: "@generated").read.count, 50)
    }
}

/// The posts the index holds (every post holds a character at least: its text, or the padding's trigram).
func indexedPosts(_ db: Database) throws -> Set<Int64> {
    var posts = Set<Int64>()
    for row in try Row.fetchAll(db, sql: "SELECT t.term, t.posts, r.joins FROM searchTerm t JOIN searchRun r ON r.id = t.run") {
        for (_, list) in SearchIndex.lists(row: row[0], row[1], as: SearchIndex.JoinRows(row[2] as Int)) {
            PostingList.forEach(list) { posts.insert($0) }
        }
    }
    return posts
}
