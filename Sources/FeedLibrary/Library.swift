import FeedModel
import Foundation
import GRDB

/// A library failure, as one line meant for stderr or the status line.
public struct LibraryError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The library: one SQLite database holding every channel feedtui opened, its posts, a full-text index over
/// them, and what the user keeps (ratings, read marks, bookmarks, last positions). The only code that talks to it.
///
/// WAL mode: readers never wait for the writer, and two feedtui processes can share one file (a writer waits up
/// to 10 s for the other). Every write is a transaction, so a crash leaves the old or the new content.
/// A damaged file, or one from a newer feedtui, is renamed aside and reported in `notice`; an SQLite file that is
/// not a feedtui library, or a file that is not SQLite at all, is refused and never written into.
public final class Library: Sendable {
    public let path: String
    /// One line to show the user when the library had to be set aside, or when an old state database was
    /// imported; nil when it opened normally.
    public let notice: String?
    /// The clock the statistics of what it imports are counted on: the run's, so that they open without a recount.
    public let clock: Clock

    let pool: DatabasePool

    /// "FEED" — marks the file as feedtui's, so that another program's SQLite file is never taken for one.
    static let applicationID: Int32 = 0x4645_4544

    /// Opens (creating folders and the file) and migrates. Throws a one-line `LibraryError` when the file is not
    /// feedtui's, or when no library can be opened or created.
    public init(path: String, clock: Clock = Clock(), now: Date = Date()) throws(LibraryError) {
        self.path = path
        self.clock = clock
        let folder = (path as NSString).deletingLastPathComponent
        if let blocker = Self.nonFolderAncestor(of: folder) {
            throw LibraryError("cannot create the library \(path): \(blocker) is a file, not a folder")
        }
        switch FileKind(path: path) {
        case .missing, .regular: break
        case .directory: throw LibraryError("cannot open the library \(path): it is a folder")
        case let kind:
            // Reading a device or a named pipe would never end (or block); SQLite cannot use them anyway.
            throw LibraryError("cannot open the library \(path): it is \(kind.noun), not a file")
        }
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw LibraryError("cannot create the library \(path): the folder \(folder) cannot be created (\(Self.reason(error)))")
            }
        }
        var notice: String?
        if let problem = try Self.inspect(path) {
            let aside = try Self.moveAside(path, kind: problem.kind, why: problem.why, now: now)
            notice = "the library \(path) \(problem.why); it was moved to \(aside) and a fresh one was started"
        }
        pool = try Self.openPool(path)
        self.notice = notice
    }

    /// Opens and migrates, waiting (as the busy timeout does) while another feedtui creates or migrates the same
    /// file: SQLite answers BUSY to the switch to WAL without calling the busy handler, and a migration the other
    /// one applied between our look at the applied ones and our turn to write fails here ("duplicate column").
    /// Each migration is a transaction, so trying again skips what the other applied.
    private static func openPool(_ path: String) throws(LibraryError) -> DatabasePool {
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrator.migrate(pool)
                return pool
            } catch let error as DatabaseError where Date() < deadline && error.resultCode != .SQLITE_NOTADB && error.resultCode != .SQLITE_CORRUPT {
                usleep(50_000)
            } catch {
                throw LibraryError("cannot open the library \(path): \(reason(error))")
            }
        }
    }

    /// `$XDG_DATA_HOME/feedtui/library.sqlite`, else `$HOME/.local/share/feedtui/library.sqlite`.
    /// A relative or empty XDG_DATA_HOME is ignored, as the XDG base directory specification asks.
    public static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("feedtui/library.sqlite")
        }
        return (home(environment) as NSString).appendingPathComponent(".local/share/feedtui/library.sqlite")
    }

    /// Where feedtui 0.1 kept ratings, read marks and bookmarks: `$XDG_STATE_HOME/feedtui/state.sqlite`, else
    /// `$HOME/.local/state/feedtui/state.sqlite`. `importState` reads it once into the library.
    public static func oldStatePath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("feedtui/state.sqlite")
        }
        return (home(environment) as NSString).appendingPathComponent(".local/state/feedtui/state.sqlite")
    }

    private static func home(_ environment: [String: String]) -> String {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    // MARK: - Schema

    /// The schema. Migrations are frozen once released: change the schema only by registering new ones after
    /// these, in this list.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("library-v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    -- A channel: its own fields as a native-JSON record and the statistics computed on import.
                    -- key is what the user's marks are filed under ("@handle", the feed's URL, or the title); it
                    -- is set only while status is 'live'. An import fills a channel of its own ('importing') and
                    -- swaps it for the live one in one transaction; the replaced copy ('old') is deleted later.
                    CREATE TABLE channel (
                        id INTEGER PRIMARY KEY,
                        key TEXT UNIQUE,
                        status TEXT NOT NULL CHECK (status IN ('live', 'importing', 'old')),
                        record BLOB NOT NULL,
                        statistics BLOB,
                        topPosts TEXT,
                        postCount INTEGER NOT NULL DEFAULT 0,
                        skippedCount INTEGER NOT NULL DEFAULT 0,
                        skippedLine INTEGER,
                        skippedReason TEXT,
                        -- The last time an import wrote to it: an import that stopped writing long ago was killed.
                        touchedAt DOUBLE NOT NULL
                    );
                    CREATE INDEX channel_status ON channel (status);
                    -- A publication: indexed columns for ordering, the whole post as a native-JSON record.
                    -- date is the one it sorts by (Publication.placeDates: an undated post keeps its place).
                    -- newest/oldest/viewed are its positions (0…postCount-1) in each display order, so a window
                    -- of the list is a range lookup at any size.
                    CREATE TABLE post (
                        channel INTEGER NOT NULL REFERENCES channel(id),
                        id TEXT NOT NULL,
                        date DOUBLE NOT NULL,
                        views INTEGER,
                        seq INTEGER NOT NULL,
                        newest INTEGER NOT NULL,
                        oldest INTEGER NOT NULL,
                        viewed INTEGER NOT NULL,
                        record BLOB NOT NULL,
                        UNIQUE (channel, id)
                    );
                    CREATE INDEX post_newest ON post (channel, newest);
                    CREATE INDEX post_oldest ON post (channel, oldest);
                    CREATE INDEX post_viewed ON post (channel, viewed);
                    -- The searchable text of each post (rowid = post.rowid), folded the way FeedModel's search
                    -- folds it; the trigram index finds a folded query anywhere inside it.
                    CREATE VIRTUAL TABLE postText USING fts5 (text, tokenize = 'trigram case_sensitive 1', detail = none);
                    -- A file opened before: how it looked when it was imported, and the channels it gave.
                    CREATE TABLE source (
                        path TEXT NOT NULL PRIMARY KEY,
                        size INTEGER NOT NULL,
                        modified DOUBLE NOT NULL,
                        sample INTEGER NOT NULL,
                        channels TEXT NOT NULL
                    );
                    -- What the user keeps, by channel key and post id (it outlives re-imports of the channel).
                    CREATE TABLE userChannel (
                        key TEXT NOT NULL PRIMARY KEY,
                        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
                        lastSelected TEXT
                    );
                    CREATE TABLE readMark (
                        channelKey TEXT NOT NULL,
                        postID TEXT NOT NULL,
                        readAt DATETIME NOT NULL,
                        PRIMARY KEY (channelKey, postID)
                    ) WITHOUT ROWID;
                    CREATE TABLE bookmark (
                        channelKey TEXT NOT NULL,
                        postID TEXT NOT NULL,
                        markedAt DATETIME NOT NULL,
                        PRIMARY KEY (channelKey, postID)
                    ) WITHOUT ROWID;
                    -- Old state databases already imported, so that each is read once.
                    CREATE TABLE importedState (path TEXT NOT NULL PRIMARY KEY, importedAt DATETIME NOT NULL);
                    """)
        }
        migrator.registerMigration("library-v2") { db in
            // What the importer says about the source as a whole (a contact page rather than a channel's posts).
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN notice TEXT")
        }
        registerLiveMigrations(&migrator)
        migrator.registerMigration("library-v3") { db in
            // An import fills the trigram index a batch at a time: merging its segments 16 at a time rather than 4,
            // and forcing a merge only at 64 segments of a level rather than 16, imports 100 000 posts ~15% faster.
            try db.execute(sql: "INSERT INTO postText (postText, rank) VALUES ('automerge', 16)")
            try db.execute(sql: "INSERT INTO postText (postText, rank) VALUES ('crisismerge', 64)")
        }
        migrator.registerMigration("identity-v1") { db in
            // A channel belongs to the source it was read from (`Source.identity`), no longer to what its content
            // claims; gaps are runs of posts a refresh could not reach.
            try db.execute(sql: "ALTER TABLE refreshState ADD COLUMN gaps TEXT")
            try renameToIdentities(db)
        }
        migrator.registerMigration("merge-v1") { db in
            // A refresh merges what it read in place: where position 0 of each order is stored (positions move
            // at the end they grow from, not all of them) and the place in the source the next new post takes.
            for column in ["newestBase", "oldestBase", "viewedBase"] {
                try db.execute(sql: "ALTER TABLE channel ADD COLUMN \(column) INTEGER NOT NULL DEFAULT 0")
            }
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN nextSeq INTEGER")
        }
        return migrator
    }()

    /// Files each channel a followed source or an imported file gave under that source's identity, with every
    /// vote, read mark, bookmark, position and view sample. A channel two sources shared (two feeds with one
    /// `<link>`) stays with the first; the marks go to both.
    private static func renameToIdentities(_ db: Database) throws {
        var renames: [(old: String, new: String)] = []
        for row in try Row.fetchAll(db, sql: "SELECT source, channelKey FROM refreshState") {
            let source = Source(row["source"] as String)
            let old: String? = row["channelKey"]
            if let old, old != source.identity { renames.append((old, source.identity)) }
            try db.execute(
                sql: "UPDATE refreshState SET channelKey = ? WHERE source = ?", arguments: [old.map { _ in source.identity }, source.text])
        }
        for row in try Row.fetchAll(db, sql: "SELECT path, channels FROM source") {
            let path: String = row["path"]
            guard let keys = try? JSONDecoder().decode([String].self, from: Data((row["channels"] as String).utf8)) else { continue }
            let new = keys.map { keys.count == 1 ? path : path + "#" + $0 }
            renames += zip(keys, new).filter { $0 != $1 }.map { ($0, $1) }
            try db.execute(sql: "UPDATE source SET channels = ? WHERE path = ?", arguments: [list(new), path])
        }
        for (old, new) in renames {
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM channel WHERE key = ?", arguments: [new]) == nil {
                try db.execute(sql: "UPDATE channel SET key = ? WHERE key = ?", arguments: [new, old])
            }
            try db.execute(sql: "INSERT OR IGNORE INTO userChannel (key, rating, lastSelected) SELECT ?, rating, lastSelected FROM userChannel WHERE key = ?", arguments: [new, old])
            for table in ["readMark", "bookmark", "viewSample"] {
                let columns = try db.columns(in: table).map(\.name).filter { $0 != "channelKey" }.joined(separator: ", ")
                try db.execute(
                    sql: "INSERT OR IGNORE INTO \(table) (channelKey, \(columns)) SELECT ?, \(columns) FROM \(table) WHERE channelKey = ?",
                    arguments: [new, old])
            }
        }
        // Marks of a key no channel has any more went to the channels that took them.
        for old in Set(renames.map(\.old)) where try Bool.fetchOne(db, sql: "SELECT 1 FROM channel WHERE key = ?", arguments: [old]) == nil {
            for table in ["userChannel"] { try db.execute(sql: "DELETE FROM \(table) WHERE key = ?", arguments: [old]) }
            for table in ["readMark", "bookmark", "viewSample"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE channelKey = ?", arguments: [old])
            }
        }
    }

    private static var configuration: Configuration {
        var config = Configuration()
        // Another feedtui may be writing at the same moment: wait for it rather than fail.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // In WAL mode NORMAL never damages the file: a power cut may lose the last transactions, not the rest.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return config
    }

    // MARK: - Opening

    /// Libraries up to this many pages (8 MiB of 4 KiB pages) get a full `quick_check` when they open; a larger
    /// one would delay the first frame (34 MB took ~100 ms).
    static let quickCheckPages = 2_048

    private struct Problem {
        /// "damaged" or "newer": the suffix of the name the file is moved to.
        var kind: String
        /// The middle of the notice: "was damaged (…)".
        var why: String
    }

    /// Looks at an existing file without writing to it: nil when it is absent, empty or a usable library;
    /// a problem when it must be set aside; throws when it is not feedtui's and must be left alone.
    private static func inspect(_ path: String) throws(LibraryError) -> Problem? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        let head = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        if head.isEmpty { return nil }
        guard head.starts(with: Data("SQLite format 3\0".utf8)) else {
            throw LibraryError("\(path) is not a feedtui library (not an SQLite database); it was left untouched — choose another file with --library")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db -> Problem? in
                // GRDB creates its (empty) migrations table before the first migration, which marks the file as
                // feedtui's: another feedtui creating this library right now looks like that for a moment.
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE tbl_name != 'grdb_migrations'") ?? 0
                let migrated = try db.tableExists("grdb_migrations") ? try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") ?? 0 : 0
                // A file of another program is never opened for writing.
                let owner = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if owner != applicationID {
                    // An empty database that no program has claimed is as good as an empty file; one that another
                    // program marked as its own is left alone even before it has tables.
                    if owner == 0, tables == 0, migrated == 0 { return nil }
                    throw LibraryError("\(path) is an SQLite database of another program, not a feedtui library; it was left untouched — choose another file with --library")
                }
                // A full check reads the whole file, seconds for a large library: it runs on small ones; a large
                // one is probed through its schema and channel table, and damage met later is reported then.
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let problems =
                    pages <= quickCheckPages
                    ? try String.fetchAll(db, sql: "PRAGMA quick_check")
                    : try Int.fetchOne(db, sql: "SELECT count(*) FROM channel") != nil ? ["ok"] : ["no channel table"]
                if problems != ["ok"] {
                    return Problem(kind: "damaged", why: "was damaged (\(oneLine(problems.first ?? "integrity check failed")))")
                }
                let unknown = try migrator.appliedIdentifiers(db).subtracting(Set(migrator.migrations)).sorted()
                if !unknown.isEmpty {
                    return Problem(
                        kind: "newer", why: "was written by a newer feedtui (unknown migrations \(unknown.joined(separator: ", ")))")
                }
                return nil
            }
        } catch let error as LibraryError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            return Problem(kind: "damaged", why: "was damaged (\(reason(error)))")
        } catch {
            throw LibraryError("cannot read the library \(path): \(reason(error))")
        }
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

    /// Renames the file (and its WAL and shared-memory files, which belong to it) to "<path>.<kind>-<timestamp>".
    private static func moveAside(_ path: String, kind: String, why: String, now: Date) throws(LibraryError) -> String {
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
            throw LibraryError("the library \(path) \(why), and it cannot be moved aside to \(aside): \(reason(error))")
        }
        for suffix in ["-journal", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
            // A leftover journal or WAL must not be replayed into the fresh database.
            do {
                try files.moveItem(atPath: path + suffix, toPath: aside + suffix)
            } catch {
                throw LibraryError(
                    "the library \(path) was moved to \(aside), but its \(suffix) file cannot be moved with it: \(reason(error))")
            }
        }
        return aside
    }

    /// A short one-line reason for an error, without GRDB's "while executing" SQL tail.
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return oneLine(error.message ?? "SQLite error \(error.resultCode.rawValue)")
        }
        if let error = error as? LibraryError { return error.message }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return oneLine(String(cString: strerror(Int32(underlying.code))))
        }
        return oneLine(ns.localizedDescription)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// One transaction; any failure becomes a one-line `LibraryError` saying what could not be done.
    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(LibraryError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw LibraryError("cannot \(what) in the library \(path): \(Self.reason(error))")
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(LibraryError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw LibraryError("cannot \(what) from the library \(path): \(Self.reason(error))")
        }
    }
}
