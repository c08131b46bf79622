import FeedModel
import Foundation
import GRDB
import Synchronization

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
    /// The order of a channel last walked by a search (`OrderMap`).
    let orderMap = Mutex<OrderMap?>(nil)
    /// The posts the index gave the last search's first answer (`firstMatches`), for its whole answer (`search`)
    /// while the library is not written: read twice, a phrase's lists were a third of the whole answer.
    let lastGiven = Mutex<GivenPosts?>(nil)

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
        let mark = Self.damageMark(path)
        let damage = FileManager.default.contents(atPath: mark).map { reason in
            Problem(kind: "damaged", why: "was damaged (\(Self.oneLine(String(decoding: reason.prefix(500), as: UTF8.self))))")
        }
        var problem = FileKind(path: path) == .regular ? damage : nil
        if problem == nil { problem = try Self.inspect(path) }
        if let problem {
            let aside = try Self.moveAside(path, kind: problem.kind, why: problem.why, now: now)
            notice = "the library \(path) \(problem.why); it was moved to \(aside) and a fresh one was started"
        }
        if damage != nil { try? FileManager.default.removeItem(atPath: mark) }
        pool = try Self.openPool(path)
        self.notice = notice
    }

    /// Opens and migrates, waiting (as the busy timeout does) while another feedtui creates or migrates the same
    /// file: SQLite answers BUSY to the switch to WAL without calling the busy handler, and a migration the other
    /// one applied between our look at the applied ones and our turn to write fails here ("duplicate column", or
    /// the migration's row already there). Each migration is a transaction, so trying again skips what the other
    /// applied. Nothing else is waited for: a full disk or a damaged file does not go away by waiting.
    private static func openPool(_ path: String) throws(LibraryError) -> DatabasePool {
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrator.migrate(pool)
                return pool
            } catch let error as DatabaseError
                where Date() < deadline && [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_ERROR, .SQLITE_CONSTRAINT].contains(error.resultCode)
            {
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

    private static var configuration: Configuration {
        var config = Configuration()
        // Another feedtui may be writing at the same moment: wait for it rather than fail.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // In WAL mode NORMAL never damages the file: a power cut may lose the last transactions, not the rest.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A search asks the index (`SearchIndex`) and checks the posts it gives against their records
            // (`Library.textCondition`).
            try Library.addHoldsFunction(db)
            db.add(function: SearchIndex.function(db))
            try Library.addGivenFunction(db)
            db.add(tokenizer: RetiredTokenizer.self)
            // A new library gives the pages of deleted copies back to the file system (`collectGarbage`). Only
            // possible before its first page is written (the switch to WAL writes it): an existing one is left as it
            // was created, and reuses them.
            if !db.configuration.readonly, try Int.fetchOne(db, sql: "PRAGMA page_count") == 0 {
                // A post (~1.4 KB) fills 4 KiB pages to 70%: 16 KiB ones hold eleven with little left over (a library of
                // 100 000 feed posts: 145 MB of posts rather than 173). Set first: auto_vacuum fixes the page size.
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            }
        }
        return config
    }

    // MARK: - Opening

    /// Libraries up to this size (8 MiB) get a full `quick_check` when they open; a larger one would delay the
    /// first frame (34 MB took ~100 ms).
    static let quickCheckBytes = 8 << 20

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
                let bytes = try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size") ?? 0
                let problems =
                    bytes <= quickCheckBytes
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

    /// One transaction, counted (`writes`); any failure becomes a one-line `LibraryError` saying what could not be
    /// done.
    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(LibraryError) -> T {
        do {
            return try pool.write { db in
                let value = try body(db)
                try db.cachedStatement(sql: "UPDATE libraryWrite SET count = count + 1").execute()
                return value
            }
        } catch {
            throw LibraryError("cannot \(what) in the library \(path): \(Self.reason(error))\(noteDamage(error))")
        }
    }

    /// How many transactions have written the library, as the reader `db` sees it: the same count, the same library
    /// (every write goes through `write`; a feedtui older than the count cannot open the library).
    static func writes(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT count FROM libraryWrite")) ?? 0
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(LibraryError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw LibraryError("cannot \(what) from the library \(path): \(Self.reason(error))\(noteDamage(error))")
        }
    }

    /// Where a read or write that met damage leaves its reason: the file is in use (by this process, maybe by
    /// others), so it is set aside the next time a feedtui opens it, at any size.
    static func damageMark(_ path: String) -> String { path + ".damage" }

    /// The damage a read or write met since the library was opened (here or in another feedtui using it), if any.
    public var damageFound: String? {
        FileManager.default.contents(atPath: Self.damageMark(path)).map { Self.oneLine(String(decoding: $0.prefix(500), as: UTF8.self)) }
    }

    /// Leaves the mark when `error` is damage; the end of the error line saying so.
    private func noteDamage(_ error: any Error) -> String {
        guard let e = error as? DatabaseError, e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB else { return "" }
        try? Data(Self.reason(error).utf8).write(to: URL(fileURLWithPath: Self.damageMark(path)))
        return " (the library is damaged: it will be set aside when feedtui opens it next)"
    }
}
