import Foundation
import GRDB
import XCTest

@testable import FeedLibrary

final class StateStoreTests: XCTestCase {
    private var folder = ""
    private var path = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("feedtui-state-\(UUID().uuidString)").path
        // A folder that does not exist yet: the store must create it.
        path = folder + "/nested/state.sqlite"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func asides(_ kind: String) throws -> [String] {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasPrefix("\(name).\(kind)-") }
            .sorted()
            .map { dir + "/" + $0 }
    }

    private func assertOneLine(_ text: String?, file: StaticString = #filePath, line: UInt = #line) {
        guard let text else { return XCTFail("no message", file: file, line: line) }
        XCTAssertFalse(text.isEmpty, file: file, line: line)
        XCTAssertFalse(text.contains("\n"), "not one line: \(text)", file: file, line: line)
    }

    // MARK: - Round trips

    func testBookmarksSurviveAReopenAndCanBeRemoved() throws {
        do {
            let store = try StateStore(path: path)
            try store.setBookmark("p1", marked: true, channel: "@a")
            try store.setBookmark("p2", marked: true, channel: "@a")
            try store.setBookmark("p1", marked: true, channel: "@b")
            try store.setBookmark("p2", marked: false, channel: "@a")
        }
        let again = try StateStore(path: path)
        XCTAssertEqual(again.load(channel: "@a").bookmarks, ["p1"])
        XCTAssertEqual(again.load(channel: "@b").bookmarks, ["p1"])
        XCTAssertNil(again.notice)
    }

    func testAVersionOneDatabaseIsMigratedKeepingItsData() throws {
        // A database as the first release wrote it: only the "v1" migration applied.
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: path)
            try StateStore.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO channel (key, rating) VALUES ('@a', 3)")
            }
        }
        let store = try StateStore(path: path)
        XCTAssertNil(store.notice, "an older database is upgraded, not set aside")
        XCTAssertEqual(store.load(channel: "@a").rating, 3)
        try store.setBookmark("p", marked: true, channel: "@a")
        XCTAssertEqual(store.load(channel: "@a").bookmarks, ["p"])
    }

    func testNewStoreIsEmptyAndHasNoNotice() throws {
        let store = try StateStore(path: path)
        XCTAssertNil(store.notice)
        XCTAssertEqual(store.load(channel: "durov"), StoredChannelState(rating: nil, readPosts: [], lastSelected: nil))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func testRatingSurvivesReopenAndCanBeWithdrawn() throws {
        do {
            let store = try StateStore(path: path)
            try store.setRating(4, channel: "durov")
            XCTAssertEqual(store.load(channel: "durov").rating, 4)
        }
        do {
            let store = try StateStore(path: path)
            XCTAssertNil(store.notice)
            XCTAssertEqual(store.load(channel: "durov").rating, 4)
            try store.setRating(2, channel: "durov")
            XCTAssertEqual(store.load(channel: "durov").rating, 2)
            try store.setRating(nil, channel: "durov")
            XCTAssertNil(store.load(channel: "durov").rating)
        }
        let store = try StateStore(path: path)
        XCTAssertNil(store.load(channel: "durov").rating)
    }

    func testRatingOutsideOneToFiveIsRefused() throws {
        let store = try StateStore(path: path)
        try store.setRating(3, channel: "durov")
        for bad in [0, 6, -1] {
            XCTAssertThrowsError(try store.setRating(bad, channel: "durov")) { error in
                assertOneLine("\(error)")
            }
        }
        XCTAssertEqual(store.load(channel: "durov").rating, 3)
    }

    func testReadMarksAndLastSelectedSurviveReopen() throws {
        do {
            let store = try StateStore(path: path)
            try store.markRead("durov/1", channel: "durov")
            try store.markRead("durov/7", channel: "durov")
            try store.markRead("durov/7", channel: "durov")  // twice is harmless
            try store.setLastSelected("durov/3", channel: "durov")
            try store.setLastSelected("durov/7", channel: "durov")
            try store.setRating(5, channel: "durov")
        }
        let store = try StateStore(path: path)
        XCTAssertEqual(
            store.load(channel: "durov"),
            StoredChannelState(rating: 5, readPosts: ["durov/1", "durov/7"], lastSelected: "durov/7"))
        // Setting the position does not touch the rating, and the other way round.
        try store.setRating(nil, channel: "durov")
        XCTAssertEqual(store.load(channel: "durov").lastSelected, "durov/7")
    }

    func testManyReadMarksLoad() throws {
        let store = try StateStore(path: path)
        let ids = (0..<300).map { "post-\($0)" }
        for id in ids { try store.markRead(id, channel: "big") }
        try store.setLastSelected("post-299", channel: "big")
        let state = store.load(channel: "big")
        XCTAssertEqual(state.readPosts, Set(ids))
        XCTAssertEqual(state.lastSelected, "post-299")
        XCTAssertNil(state.rating)
        XCTAssertNil(store.lastError)
    }

    func testChannelsAreKeptApart() throws {
        let store = try StateStore(path: path)
        try store.setRating(1, channel: "a")
        try store.markRead("1", channel: "a")
        try store.setLastSelected("1", channel: "a")
        try store.setRating(5, channel: "b")
        try store.markRead("2", channel: "b")
        try store.markRead("1", channel: "b")  // the same post id in another channel is another mark
        XCTAssertEqual(store.load(channel: "a"), StoredChannelState(rating: 1, readPosts: ["1"], lastSelected: "1"))
        XCTAssertEqual(store.load(channel: "b"), StoredChannelState(rating: 5, readPosts: ["1", "2"], lastSelected: nil))
        XCTAssertEqual(store.load(channel: "c"), StoredChannelState())
    }

    // MARK: - Default path

    func testDefaultPath() {
        XCTAssertEqual(
            StateStore.defaultPath(environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/u"]),
            "/x/state/feedtui/state.sqlite")
        XCTAssertEqual(
            StateStore.defaultPath(environment: ["HOME": "/home/u"]),
            "/home/u/.local/state/feedtui/state.sqlite")
        // The XDG spec says to ignore an empty or relative value.
        XCTAssertEqual(
            StateStore.defaultPath(environment: ["XDG_STATE_HOME": "", "HOME": "/home/u"]),
            "/home/u/.local/state/feedtui/state.sqlite")
        XCTAssertEqual(
            StateStore.defaultPath(environment: ["XDG_STATE_HOME": "rel/state", "HOME": "/home/u"]),
            "/home/u/.local/state/feedtui/state.sqlite")
    }

    // MARK: - Damaged, newer, unwritable

    func testGarbageFileIsSetAsideNotReset() throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let garbage = Data("not a database".utf8)
        try garbage.write(to: URL(fileURLWithPath: path))

        let store = try StateStore(path: path)
        let aside = try asides("damaged")
        XCTAssertEqual(aside.count, 1)
        let old = try XCTUnwrap(aside.first)
        XCTAssertNotNil(old.range(of: #"\.damaged-\d{8}-\d{6}$"#, options: .regularExpression), old)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: old)), garbage)
        assertOneLine(store.notice)
        XCTAssertTrue(store.notice?.contains(old) ?? false, store.notice ?? "")
        XCTAssertTrue(store.notice?.contains("damaged") ?? false, store.notice ?? "")

        try store.setRating(3, channel: "durov")
        XCTAssertEqual(store.load(channel: "durov").rating, 3)
        // The fresh database is healthy: reopening gives no notice.
        let again = try StateStore(path: path)
        XCTAssertNil(again.notice)
        XCTAssertEqual(again.load(channel: "durov").rating, 3)
    }

    func testCorruptPagesAreSetAside() throws {
        do {
            let store = try StateStore(path: path)
            for i in 0..<200 { try store.markRead("a-rather-long-post-identifier-\(i)", channel: "durov") }
        }
        // Scribble over the second page onwards, keeping the header page intact.
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        XCTAssertGreaterThan(size, 8192)
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
        try handle.close()
        let damagedBytes = try Data(contentsOf: URL(fileURLWithPath: path))

        let store = try StateStore(path: path)
        let old = try XCTUnwrap(try asides("damaged").first)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: old)), damagedBytes)
        assertOneLine(store.notice)
        XCTAssertTrue(store.notice?.contains(old) ?? false, store.notice ?? "")
        XCTAssertEqual(store.load(channel: "durov"), StoredChannelState())
        try store.markRead("x", channel: "durov")
        XCTAssertEqual(store.load(channel: "durov").readPosts, ["x"])
    }

    func testTwoSetAsidesInTheSameSecondDoNotCollide() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        for text in ["first garbage", "second garbage"] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            _ = try StateStore(path: path, now: now)
        }
        let aside = try asides("damaged")
        XCTAssertEqual(aside.count, 2)
        let contents = try Set(aside.map { try String(contentsOfFile: $0, encoding: .utf8) })
        XCTAssertEqual(contents, ["first garbage", "second garbage"])
    }

    func testNewerDatabaseIsSetAside() throws {
        do {
            let store = try StateStore(path: path)
            try store.setRating(5, channel: "durov")
        }
        // A newer feedtui would have applied migrations this one does not know.
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
            }
            try queue.close()
        }

        let store = try StateStore(path: path)
        XCTAssertEqual(try asides("damaged"), [])
        let old = try XCTUnwrap(try asides("newer").first)
        XCTAssertNotNil(old.range(of: #"\.newer-\d{8}-\d{6}$"#, options: .regularExpression), old)
        assertOneLine(store.notice)
        XCTAssertTrue(store.notice?.contains(old) ?? false, store.notice ?? "")
        XCTAssertTrue(store.notice?.contains("newer") ?? false, store.notice ?? "")
        XCTAssertTrue(store.notice?.contains("v99") ?? false, store.notice ?? "")
        // The fresh store starts empty and works; the old one keeps its data untouched.
        XCTAssertNil(store.load(channel: "durov").rating)
        try store.setRating(2, channel: "durov")
        XCTAssertEqual(store.load(channel: "durov").rating, 2)
        let oldQueue = try DatabaseQueue(path: old)
        try oldQueue.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT rating FROM channel WHERE key = 'durov'"), 5)
            XCTAssertEqual(try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations"), ["v1", "v2", "v99"])
        }
    }

    func testForeignSQLiteFileIsSetAside() throws {
        // A healthy SQLite file whose tables clash with ours.
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE channel (whatever BLOB)") }
            try queue.close()
        }
        let store = try StateStore(path: path)
        let old = try XCTUnwrap(try asides("damaged").first)
        assertOneLine(store.notice)
        XCTAssertTrue(store.notice?.contains(old) ?? false, store.notice ?? "")
        try store.setRating(1, channel: "x")
        XCTAssertEqual(store.load(channel: "x").rating, 1)
    }

    func testUnwritableLocationThrowsOneLine() {
        let bad = "/etc/passwd/x.sqlite"
        XCTAssertThrowsError(try StateStore(path: bad)) { error in
            let message = "\(error)"
            assertOneLine(message)
            XCTAssertTrue(message.contains(bad), message)
            XCTAssertTrue(message.contains("/etc/passwd is a file"), message)
            XCTAssertTrue(error is StateStoreError)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad))
    }

    func testDirectoryAtThePathThrowsOneLine() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        XCTAssertThrowsError(try StateStore(path: path)) { error in
            assertOneLine("\(error)")
            XCTAssertTrue("\(error)".hasSuffix("it is a folder"), "\(error)")
        }
        // Nothing was set aside: a directory is not ours to move.
        XCTAssertEqual(try asides("damaged"), [])
    }
}
