import Foundation
import GRDB
import GRDBSQLite

/// An insert an import makes by the hundred thousand (a post, a term's list), its values bound and the statement
/// stepped through SQLite's own interface: GRDB's `StatementArguments`, made for every row, and its checks around
/// each step were ~6% of an import's instructions. A statement of its own (not GRDB's cached one, which GRDB binds
/// as it sees fit), for the transaction that makes it.
struct Insert {
    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    func bind(_ value: Int64, at index: Int32) { sqlite3_bind_int64(handle, index, value) }

    func bind(_ value: Int, at index: Int32) { sqlite3_bind_int64(handle, index, Int64(value)) }

    func bind(_ value: Double, at index: Int32) { sqlite3_bind_double(handle, index, value) }

    func bind(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Copied by SQLite, up to a NUL as GRDB binds a string (a lookup through GRDB finds what is inserted here).
    func bind(_ value: String, at index: Int32) {
        sqlite3_bind_text(handle, index, value, -1, Self.transient)
    }

    /// Inserts the row, `blob` bound at `index` for the step alone (SQLite copies it into the page, not before).
    func execute(blob: Data, at index: Int32) throws {
        try blob.withUnsafeBytes { bytes in
            if let start = bytes.baseAddress {
                sqlite3_bind_blob(handle, index, start, Int32(bytes.count), nil)
            } else {
                sqlite3_bind_zeroblob(handle, index, 0)
            }
            defer { sqlite3_bind_null(handle, index) }
            try execute()
        }
    }

    func execute() throws {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }

    /// SQLite's SQLITE_TRANSIENT: copy the value now.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
