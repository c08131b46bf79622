import Foundation
import GRDB

/// What the user keeps about one channel: their rating, the posts they opened and where they left off.
public struct StoredChannelState: Equatable, Sendable {
    /// 1...5, nil = not rated.
    public var rating: Int? = nil
    /// Ids of the publications the user opened.
    public var readPosts: Set<String> = []
    /// Id of the publication selected when the user left.
    public var lastSelected: String? = nil
    /// Ids of the publications the user bookmarked.
    public var bookmarks: Set<String> = []

    public init(rating: Int? = nil, readPosts: Set<String> = [], lastSelected: String? = nil, bookmarks: Set<String> = []) {
        self.rating = rating
        self.readPosts = readPosts
        self.lastSelected = lastSelected
        self.bookmarks = bookmarks
    }
}

/// A state-store failure, as one line meant for stderr or the status line.
public struct StateStoreError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The user's local state in SQLite (the only file that knows about GRDB).
///
/// Every write is one transaction in SQLite's default rollback journal, so a crash leaves the old or the new
/// state, never a damaged file. A damaged file, or one written by a newer feedtui, is never reset in place: it
/// is renamed aside, a fresh database is created, and `notice` says where the old one went.
public final class StateStore {
    public let path: String
    /// One line to show the user when the database had to be set aside; nil when it opened normally.
    public let notice: String?
    /// The last error `load` swallowed (it cannot throw); nil when every load succeeded.
    public private(set) var lastError: String?

    private let dbQueue: DatabaseQueue

    /// Opens (creating folders and the file) and migrates. A damaged file, or one written by a newer feedtui
    /// (unknown migrations), is renamed aside to "<path>.damaged-<yyyyMMdd-HHmmss>" / "<path>.newer-<…>" and a
    /// fresh database is created; `notice` then says so in one line, naming where the old file went.
    /// Throws (a `StateStoreError` with a one-line message) only when no database can be opened or created.
    public init(path: String, now: Date = Date()) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if let blocker = Self.nonFolderAncestor(of: folder) {
            throw StateStoreError("cannot create the state database \(path): \(blocker) is a file, not a folder")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw StateStoreError("cannot open the state database \(path): it is a folder")
        }
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StateStoreError(
                    "cannot create the state database \(path): the folder \(folder) cannot be created (\(Self.reason(error)))")
            }
        }
        switch try Self.open(path) {
        case .ready(let queue):
            dbQueue = queue
            notice = nil
        case .setAside(let kind, let why):
            let aside = try Self.moveAside(path, kind: kind, why: why, now: now)
            let fresh: DatabaseQueue
            do {
                fresh = try DatabaseQueue(path: path, configuration: Self.configuration)
                try Self.migrator.migrate(fresh)
            } catch {
                throw StateStoreError(
                    "the state database \(path) was set aside to \(aside) (\(why)), but a fresh one cannot be created: \(Self.reason(error))")
            }
            dbQueue = fresh
            notice = "the state database \(path) \(why); it was moved to \(aside) and a fresh one was started"
        }
    }

    /// `$XDG_STATE_HOME/feedtui/state.sqlite`, else `$HOME/.local/state/feedtui/state.sqlite`.
    /// A relative or empty XDG_STATE_HOME is ignored, as the XDG base directory specification asks.
    public static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("feedtui/state.sqlite")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/state/feedtui/state.sqlite")
    }

    /// The stored state of one channel, in one query; an empty state when nothing is stored (or on a read error,
    /// which is kept in `lastError`).
    public func load(channel key: String) -> StoredChannelState {
        do {
            return try dbQueue.read { db in
                var state = StoredChannelState()
                // One row per read mark (or one row with a NULL postID), each carrying the channel's columns.
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT channel.rating, channel.lastSelected, readPost.postID
                        FROM (SELECT ? AS key) AS wanted
                        LEFT JOIN channel ON channel.key = wanted.key
                        LEFT JOIN readPost ON readPost.channelKey = wanted.key
                        """,
                    arguments: [key])
                while let row = try rows.next() {
                    state.rating = row["rating"]
                    state.lastSelected = row["lastSelected"]
                    if let postID: String = row["postID"] { state.readPosts.insert(postID) }
                }
                state.bookmarks = Set(
                    try String.fetchAll(db, sql: "SELECT postID FROM bookmark WHERE channelKey = ?", arguments: [key]))
                return state
            }
        } catch {
            lastError = "cannot read the state of \(key) from \(path): \(Self.reason(error))"
            return StoredChannelState()
        }
    }

    /// Rates the channel 1...5 stars, or withdraws the rating with nil.
    public func setRating(_ stars: Int?, channel key: String) throws {
        if let stars, !(1...5).contains(stars) {
            throw StateStoreError("a rating is 1 to 5 stars, not \(stars)")
        }
        try write("save the rating of \(key)") { db in
            try db.execute(
                sql: """
                    INSERT INTO channel (key, rating) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET rating = excluded.rating
                    """,
                arguments: [key, stars])
        }
    }

    /// Marks a post as read; marking it again keeps the first time it was read.
    public func markRead(_ postID: String, channel key: String) throws {
        try write("save a read mark in \(key)") { db in
            try db.execute(
                sql: """
                    INSERT INTO readPost (channelKey, postID, readAt) VALUES (?, ?, ?)
                    ON CONFLICT (channelKey, postID) DO NOTHING
                    """,
                arguments: [key, postID, Date()])
        }
    }

    /// Adds or removes a bookmark on a post.
    public func setBookmark(_ postID: String, marked: Bool, channel key: String) throws {
        try write("save a bookmark in \(key)") { db in
            if marked {
                try db.execute(
                    sql: """
                        INSERT INTO bookmark (channelKey, postID, markedAt) VALUES (?, ?, ?)
                        ON CONFLICT (channelKey, postID) DO NOTHING
                        """,
                    arguments: [key, postID, Date()])
            } else {
                try db.execute(sql: "DELETE FROM bookmark WHERE channelKey = ? AND postID = ?", arguments: [key, postID])
            }
        }
    }

    public func setLastSelected(_ postID: String, channel key: String) throws {
        try write("save the position in \(key)") { db in
            try db.execute(
                sql: """
                    INSERT INTO channel (key, lastSelected) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET lastSelected = excluded.lastSelected
                    """,
                arguments: [key, postID])
        }
    }

    // MARK: - Private

    /// One transaction (GRDB's `write` wraps the closure in BEGIN/COMMIT, rolling back on error).
    private func write(_ what: String, _ body: (Database) throws -> Void) throws {
        do {
            try dbQueue.write(body)
        } catch {
            throw StateStoreError("cannot \(what) in \(path): \(Self.reason(error))")
        }
    }

    /// The schema. Migrations are frozen once released: change the schema only by registering new ones.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE channel (
                        key TEXT NOT NULL PRIMARY KEY,
                        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
                        lastSelected TEXT
                    );
                    CREATE TABLE readPost (
                        channelKey TEXT NOT NULL,
                        postID TEXT NOT NULL,
                        readAt DATETIME NOT NULL,
                        PRIMARY KEY (channelKey, postID)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bookmark (
                        channelKey TEXT NOT NULL,
                        postID TEXT NOT NULL,
                        markedAt DATETIME NOT NULL,
                        PRIMARY KEY (channelKey, postID)
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }()

    private static var configuration: Configuration {
        var config = Configuration()
        // Another feedtui may be writing at the same moment: wait for it rather than fail.
        config.busyMode = .timeout(5)
        return config
    }

    private enum Opening {
        case ready(DatabaseQueue)
        /// kind: "damaged" or "newer"; why: the middle of the notice ("was damaged (…)").
        case setAside(kind: String, why: String)
    }

    /// Opens, checks and migrates an existing (or new) file; tells when it must be set aside.
    private static func open(_ path: String) throws -> Opening {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where isDamage(error) {
            return .setAside(kind: "damaged", why: "was damaged (\(reason(error)))")
        } catch {
            throw StateStoreError("cannot open the state database \(path): \(reason(error))")
        }
        do {
            let verdict: Opening? = try queue.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA quick_check")
                if problems != ["ok"] {
                    return .setAside(kind: "damaged", why: "was damaged (\(oneLine(problems.first ?? "integrity check failed")))")
                }
                let known = Set(migrator.migrations)
                let unknown = try migrator.appliedIdentifiers(db).subtracting(known).sorted()
                if !unknown.isEmpty {
                    return .setAside(
                        kind: "newer",
                        why: "was written by a newer feedtui (unknown migrations \(unknown.joined(separator: ", ")))")
                }
                return nil
            }
            if let verdict {
                try? queue.close()
                return verdict
            }
        } catch let error as DatabaseError where isDamage(error) {
            try? queue.close()
            return .setAside(kind: "damaged", why: "was damaged (\(reason(error)))")
        } catch {
            try? queue.close()
            throw StateStoreError("cannot read the state database \(path): \(reason(error))")
        }
        do {
            try migrator.migrate(queue)
        } catch let error as DatabaseError
            where isDamage(error) || error.resultCode == .SQLITE_ERROR || error.resultCode == .SQLITE_CONSTRAINT
        {
            // A readable SQLite file whose tables clash with ours is not a feedtui state database.
            try? queue.close()
            return .setAside(kind: "damaged", why: "was not a usable feedtui state database (\(reason(error)))")
        } catch {
            try? queue.close()
            throw StateStoreError("cannot prepare the state database \(path): \(reason(error))")
        }
        return .ready(queue)
    }

    /// The first existing ancestor of `folder` (or `folder` itself) that is not a folder, if any.
    private static func nonFolderAncestor(of folder: String) -> String? {
        var candidate = folder
        while !candidate.isEmpty, candidate != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder) {
                return isFolder.boolValue ? nil : candidate
            }
            candidate = (candidate as NSString).deletingLastPathComponent
        }
        return nil
    }

    private static func isDamage(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
    }

    /// Renames the file (and any journal or WAL beside it, which belong to it) to "<path>.<kind>-<timestamp>".
    private static func moveAside(_ path: String, kind: String, why: String, now: Date) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let base = "\(path).\(kind)-\(formatter.string(from: now))"
        let files = FileManager.default
        var aside = base
        var n = 2
        while files.fileExists(atPath: aside) {
            aside = "\(base)-\(n)"
            n += 1
        }
        do {
            try files.moveItem(atPath: path, toPath: aside)
        } catch {
            throw StateStoreError(
                "the state database \(path) \(why), and it cannot be moved aside to \(aside): \(reason(error))")
        }
        for suffix in ["-journal", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
            // A leftover journal or WAL must not be replayed into the fresh database.
            do {
                try files.moveItem(atPath: path + suffix, toPath: aside + suffix)
            } catch {
                throw StateStoreError(
                    "the state database \(path) was moved to \(aside), but its \(suffix) file cannot be moved with it: \(reason(error))")
            }
        }
        return aside
    }

    /// A short one-line reason for an error, without GRDB's "while executing" SQL tail.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return oneLine(error.message ?? "SQLite error \(error.resultCode.rawValue)")
        }
        if let error = error as? StateStoreError { return error.message }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return oneLine(String(cString: strerror(code.rawValue)))
        }
        return oneLine(ns.localizedDescription)
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
