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
