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
    /// Their positions, when not 0, 1, 2… (never in a library feedtui wrote: kept right all the same).
    private(set) var positions: [Int]? = []

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
        var positions: [Int] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            map.rowids.append(sqlite3_column_int64(statement, 0))
            positions.append(Int(sqlite3_column_int64(statement, 1)))
        }
        map.positions = positions
        return map
    }

    /// Two walks of consecutive parts of the order as one; the positions dropped when they are 0, 1, 2…
    static func joined(_ parts: [OrderMap]) -> OrderMap? {
        guard var map = parts.first else { return nil }
        var positions: [Int] = map.positions ?? []
        for part in parts.dropFirst() {
            map.rowids += part.rowids
            positions += part.positions ?? []
        }
        map.positions = positions.enumerated().allSatisfy { $0.offset == $0.element } ? nil : positions
        return map
    }

    /// Positions, ascending, of the posts among a set of rowids: a bit for each rowid from `low` on.
    func positions(of bits: [UInt64], from low: Int64) -> [Int] {
        var found: [Int] = []
        let span = Int64(bits.count) << 6
        bits.withUnsafeBufferPointer { bits in
            for (i, rowid) in rowids.enumerated() {
                let at = rowid &- low
                guard at >= 0, at < span, bits[Int(at >> 6)] & 1 << UInt64(at & 63) != 0 else { continue }
                found.append(positions?[i] ?? i)
            }
        }
        return found
    }
}
