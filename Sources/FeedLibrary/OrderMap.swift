import Foundation
import GRDB
import GRDBSQLite

/// One order of one channel as a search last walked it: its posts' rowids by position. The library keeps the last
/// (`Library.orderMap`) for as long as no transaction has written it since (`Library.writes`): the whole answer of a
/// letter in a million posts is then the index's posts looked up along it (a few ms), not the order's index walked
/// again (~100 ms, the most of that answer).
struct OrderMap: Sendable {
    let channel: Int64
    let column: String
    let writes: Int64
    /// The posts' rowids in the order.
    private(set) var rowids: [Int64] = []
    /// The first post's position; the others' follow it one by one, unless `positions` says otherwise (never in a
    /// library feedtui wrote: kept right all the same, at a word a post more).
    private(set) var start = 0
    private(set) var positions: [Int]?

    init(channel: Int64, column: String, writes: Int64) {
        self.channel = channel
        self.column = column
        self.writes = writes
    }

    func isCurrent(channel: Int64, column: String, writes: Int64) -> Bool {
        self.channel == channel && self.column == column && self.writes == writes
    }

    /// Walks the channel's order stored from `from` up to `to` (below): its index (rowid and position, no post
    /// read), stepped by hand — a row made for each of a million posts was most of the walk.
    static func walk(_ db: Database, channel: Int64, column: String, base: Int, from: Int, to: Int, writes: Int64) throws -> OrderMap {
        let walk = try db.makeStatement(
            sql: "SELECT rowid, \(column) - ? FROM post WHERE channel = ? AND \(column) >= ? AND \(column) < ? ORDER BY \(column)")
        try walk.setArguments([base, channel, from, to])
        let statement = walk.sqliteStatement
        defer { sqlite3_reset(statement) }
        var map = OrderMap(channel: channel, column: column, writes: writes)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            map.append(sqlite3_column_int64(statement, 0), at: Int(sqlite3_column_int64(statement, 1)))
        }
        return map
    }

    /// Keeps a channel's order as an import left it (`keptOrder`), for the first search of any process: walked in the
    /// import's last transaction (~100 ms at a million posts), not at a search (~120 ms on two readers). Only an order
    /// of consecutive positions is kept; a refresh that brings posts deletes it (`ChannelMerge`), as does deleting the
    /// channel.
    static func keep(_ db: Database, channel: Int64, column: String, base: Int) throws {
        let map = try walk(db, channel: channel, column: column, base: base, from: Int.min, to: Int.max, writes: 0)
        guard map.positions == nil else { return }
        let rowids = map.rowids.withUnsafeBytes { Data($0) }
        try db.execute(
            sql: "INSERT OR REPLACE INTO keptOrder (channel, \"column\", start, rowids) VALUES (?, ?, ?, ?)",
            arguments: [channel, column, map.start, rowids])
    }

    /// The order an import kept, when the channel still holds `count` posts from the same first to the same last
    /// position (stored from `base`): as read at `writes`.
    static func kept(_ db: Database, channel: Int64, column: String, base: Int, count: Int, writes: Int64) throws -> OrderMap? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT start, rowids FROM keptOrder WHERE channel = ? AND \"column\" = ?", arguments: [channel, column]),
            // Apart: together, SQLite reads every post's position for them, not just the two ends of its index.
            let first = try Int.fetchOne(db, sql: "SELECT min(\(column)) - ? FROM post WHERE channel = ?", arguments: [base, channel]),
            let last = try Int.fetchOne(db, sql: "SELECT max(\(column)) - ? FROM post WHERE channel = ?", arguments: [base, channel])
        else { return nil }
        let bytes: Data = row[1]
        let start: Int = row[0]
        guard bytes.count == count * MemoryLayout<Int64>.size, first == start, last == start + count - 1 else { return nil }
        var map = OrderMap(channel: channel, column: column, writes: writes)
        map.start = start
        map.rowids = [Int64](repeating: 0, count: count)
        map.rowids.withUnsafeMutableBytes { _ = bytes.copyBytes(to: $0) }
        return map
    }

    private mutating func append(_ rowid: Int64, at position: Int) {
        if rowids.isEmpty { start = position }
        if positions == nil, position != start + rowids.count { positions = rowids.indices.map { start + $0 } }
        rowids.append(rowid)
        positions?.append(position)
    }

    /// Walks of consecutive parts of the order as one.
    static func joined(_ parts: [OrderMap]) -> OrderMap? {
        guard var map = parts.first else { return nil }
        for part in parts.dropFirst() {
            if part.positions == nil, map.positions == nil, part.rowids.isEmpty || part.start == map.start + map.rowids.count {
                if map.rowids.isEmpty { map.start = part.start }
                map.rowids += part.rowids
            } else {
                for (i, rowid) in part.rowids.enumerated() { map.append(rowid, at: part.position(i)) }
            }
        }
        return map
    }

    private func position(_ i: Int) -> Int { positions?[i] ?? start + i }

    /// Positions, ascending, of the posts among a set of rowids: a bit for each rowid from `low` on.
    func positions(of bits: [UInt64], from low: Int64) -> [Int] {
        var found: [Int] = []
        let span = Int64(bits.count) << 6
        bits.withUnsafeBufferPointer { bits in
            for (i, rowid) in rowids.enumerated() {
                let at = rowid &- low
                guard at >= 0, at < span, bits[Int(at >> 6)] & 1 << UInt64(at & 63) != 0 else { continue }
                found.append(position(i))
            }
        }
        return found
    }
}
