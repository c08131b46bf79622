import FeedModel
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// A channel as the library holds it: its own fields, the statistics computed on import (or counted again on
/// another clock), how many posts it has.
public struct LibraryChannel: Equatable, Sendable {
    public var id: Int64
    /// What the user's marks are filed under: the identity of the source it was read from (`Source.key(of:among:)`).
    public var key: String
    /// The channel's fields, what its import skipped and its notice; `publications` is empty (they are read by window).
    public var channel: Channel
    public var statistics: ChannelStatistics
    /// Every stored post, service messages included (the list shows them; the statistics do not count them).
    public var postCount: Int
    /// Posts the user has not opened.
    public var unread: Int
    /// Posts config.toml's ignore rules hide (`Library.shown`): left out of `postCount`, `unread` and the statistics.
    public var ignored = 0
    /// False while the channel is still being imported: the numbers are not final.
    public var complete: Bool
}

/// A run of consecutive posts of one channel in one display order: what the list shows.
public struct PostWindow: Equatable, Sendable {
    public var order: PostOrder
    /// Position of `posts[0]` in the order.
    public var offset: Int
    public var posts: [Publication]

    public init(order: PostOrder, offset: Int, posts: [Publication]) {
        self.order = order
        self.offset = offset
        self.posts = posts
    }

    public func post(at position: Int) -> Publication? {
        posts.indices.contains(position - offset) ? posts[position - offset] : nil
    }
}

/// A post found by a search over the whole library.
public struct LibraryMatch: Equatable, Sendable {
    public var channel: Int64
    public var channelTitle: String
    public var post: Publication
}

extension Library {
    /// Every channel of the library (complete ones), by title.
    public func channels() throws(LibraryError) -> [LibraryChannel] {
        try read("list the channels") { db in
            // A channel whose posts the ignore rules thin out is listed as what they leave (`Library.shown`).
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT coalesce(v.id, c.id) FROM channel c LEFT JOIN channel v ON v.key = '\(Self.shownPrefix)' || c.key
                    WHERE c.status = 'live' AND c.key NOT LIKE '\(Self.shownPrefix)%'
                    """
            ).compactMap { try Self.channel(db, id: $0, clock: clock) }
                .sorted { $0.channel.title.localizedStandardCompare($1.channel.title) == .orderedAscending }
        }
    }

    /// One channel, also while it is being imported; nil when there is no such channel.
    public func channel(_ id: Int64) throws(LibraryError) -> LibraryChannel? {
        try read("read a channel") { db in try Self.channel(db, id: id, clock: clock) }
    }

    /// Counts a channel's statistics again on `clock` and keeps them in place of those counted on another, so that
    /// the next open on this clock has them at once. Reads every post of the channel: run it beside the event loop.
    public func countStatistics(channel id: Int64, clock: Clock) throws(LibraryError) -> ChannelStatistics {
        let counted = try read("count the statistics") { db -> ChannelStatistics? in
            try Data.fetchOne(db, sql: "SELECT record FROM channel WHERE id = ?", arguments: [id]).flatMap(NativeRecordCoder.channel)
                .map { header in try Self.count(db, id: id, header: header, clock: clock) }
        }
        guard let counted else { throw LibraryError("the channel is no longer in the library") }
        try write("keep the statistics") { db in
            try db.execute(
                sql: "UPDATE channel SET statistics = ?, topPosts = ? WHERE id = ?",
                arguments: [try? JSONEncoder().encode(counted), Self.list(counted.topPosts.map(\.id)), id])
        }
        return counted
    }

    /// The statistics of every post a channel holds, read one at a time in date order (an index's: no sort, and
    /// posts of one date come in the source's order, as in `ChannelStatistics(channel, clock:)`).
    static func count(_ db: Database, id: Int64, header: Channel, clock: Clock) throws -> ChannelStatistics {
        if try isSelection(db, id) { return try queryStatistics(db, id: id, header: header, clock: clock) }
        var tally = ChannelStatistics.Tally(clock: clock)
        let records = try Data.fetchCursor(db, sql: "SELECT record FROM post WHERE channel = ? ORDER BY oldest", arguments: [id])
        while let record = try records.next() {
            if let p = NativeRecordCoder.publication(record) { tally.add(p) }
        }
        return tally.statistics(of: header)
    }

    private static func channel(_ db: Database, id: Int64, clock: Clock) throws -> LibraryChannel? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT key, status, record, statistics, topPosts, postCount, skippedCount, skippedLine, skippedReason, notice
                    FROM channel WHERE id = ?
                    """,
                arguments: [id]),
            var channel = NativeRecordCoder.channel(row["record"])
        else { return nil }
        let storedKey: String? = row["key"]
        let key = storedKey.map(userKey)
        channel.skipped.count = row["skippedCount"]
        channel.skipped.firstLine = row["skippedLine"]
        channel.skipped.firstReason = row["skippedReason"]
        channel.notice = row["notice"]
        var statistics: ChannelStatistics
        if let data: Data = row["statistics"], let stored = try? JSONDecoder().decode(ChannelStatistics.self, from: data) {
            statistics = stored
            let ids = (try? JSONDecoder().decode([String].self, from: Data(((row["topPosts"] as String?) ?? "[]").utf8))) ?? []
            let query = storedKey.map(isSelectionKey) == true
            statistics.topPosts = try ids.compactMap { postID in
                if query { return try queryPost(db, id: id, named: postID) }
                return try Data.fetchOne(db, sql: "SELECT record FROM post WHERE channel = ? AND id = ?", arguments: [id, postID])
                    .flatMap(NativeRecordCoder.publication)
            }
        } else {
            // Statistics another version of feedtui stored in a form this one cannot read: counted again, once per open.
            statistics = try count(db, id: id, header: channel, clock: clock)
        }
        let postCount: Int = row["postCount"]
        let selection = storedKey.map(isSelectionKey) == true
        var lc = LibraryChannel(
            id: id, key: key ?? "", channel: channel, statistics: statistics, postCount: postCount,
            unread: postCount - (try key.map { selection ? try queryReadCount(db, id: id) : try readCount(db, channel: id, key: $0) } ?? 0),
            complete: (row["status"] as String) == "live")
        if storedKey != key, let key {
            lc.ignored = (try Int.fetchOne(db, sql: "SELECT postCount FROM channel WHERE key = ?", arguments: [key]) ?? postCount) - postCount
        }
        return lc
    }

    /// The posts at positions offset..<offset+limit of a channel in an order: a range lookup on an index, as
    /// fast at the end of a million posts as at the start.
    public func window(channel: Int64, order: PostOrder, offset: Int, limit: Int) throws(LibraryError) -> PostWindow {
        let column = Self.column(order)
        let start = max(0, offset)
        let posts = try read("read posts") { db in
            if try Self.isSelection(db, channel) { return try Self.queryPosts(db, id: channel, order: order, from: start, to: start + max(0, limit)) }
            let base = try Self.base(db, channel: channel, order)
            return try Data.fetchAll(
                db,
                sql: "SELECT record FROM post WHERE channel = ? AND \(column) >= ? AND \(column) < ? ORDER BY \(column)",
                arguments: [channel, base + start, base + start + max(0, limit)]
            ).compactMap(NativeRecordCoder.publication)
        }
        return PostWindow(order: order, offset: start, posts: posts)
    }

    /// Positions of these posts in an order (those the channel does not have are left out), ascending.
    public func positions(of postIDs: Set<String>, channel: Int64, order: PostOrder) throws(LibraryError) -> [Int] {
        guard !postIDs.isEmpty else { return [] }
        let column = Self.column(order)
        return try read("find posts") { db in
            if try Self.isSelection(db, channel) { return try Self.queryPositions(db, id: channel, postIDs: postIDs, order: order) }
            let base = try Self.base(db, channel: channel, order)
            return try postIDs.compactMap { id in
                try Int.fetchOne(db, sql: "SELECT \(column) - ? FROM post WHERE channel = ? AND id = ?", arguments: [base, channel, id])
            }.sorted()
        }
    }

    /// Positions, ascending, of the posts whose text, link preview, links or forwarded-from contain `query`,
    /// ignoring case and diacritics: the same posts, in the same order, as folding every post and looking in it.
    /// Abandoned, with an error, as soon as `wanted` says it no longer is (asked every few thousand steps).
    public func search(channel: Int64, query: String, order: PostOrder, while wanted: @escaping () -> Bool = { true }) throws(LibraryError) -> [Int] {
        guard let needle = Self.needle(query), !needle.isEmpty else { return [] }
        return try read("search") { db in
            try Self.whileWanted(db, wanted) { try Self.search(db, channel: channel, needle: needle, order: order, apart: (self, wanted)) }
        }
    }

    /// Runs `body`, SQLite interrupting it (SQLITE_INTERRUPT, this connection only) once `wanted` says no, asked
    /// every `steps` steps of SQLite's program.
    private static func whileWanted<T>(_ db: Database, every steps: Int32 = 10_000, _ wanted: @escaping () -> Bool, _ body: () throws -> T) throws -> T {
        let box = Unmanaged.passRetained(Wanted(wanted))
        sqlite3_progress_handler(
            db.sqliteConnection, steps,
            { context in context.map { Unmanaged<Wanted>.fromOpaque($0).takeUnretainedValue().ask() ? 0 : 1 } ?? 0 }, box.toOpaque())
        defer {
            sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil)
            box.release()
        }
        return try body()
    }

    /// The first answer to a search, given at once whatever the channel's size: every match (`complete`) when the
    /// index gives few posts to look at; otherwise the first matches at or after position `from` found by reading
    /// the posts from there for `nearTime` (up to `nearMatches`), and `search` gives the rest: every match of a
    /// letter in a million posts, or every post holding a phrase's trigrams checked, takes up to seconds.
    public func firstMatches(channel: Int64, query: String, order: PostOrder, from: Int) throws(LibraryError) -> (matches: [Int], complete: Bool) {
        try firstMatches(channel: channel, query: query, order: order, from: from, few: nil)
    }

    /// `few`: at most how many posts the index gives for every match to be found at once (the tests make it small).
    func firstMatches(channel: Int64, query: String, order: PostOrder, from: Int, few: Int?) throws(LibraryError) -> (matches: [Int], complete: Bool) {
        guard let needle = Self.needle(query), !needle.isEmpty else { return ([], true) }
        let query = SearchIndex.query(needle)
        // Looking a post up by rowid takes ~2 µs; checking one against its record, ~20.
        let few = few ?? (query.checked ? 2_000 : 10_000)
        let column = Self.column(order)
        return try read("search") { db in
            // A query channel's posts are found through its own table: searched whole on the worker.
            if try Self.isSelection(db, channel) { return ([], false) }
            let base = try Self.base(db, channel: channel, order)
            let given = try SearchIndex.rowids(db, query, channel: channel)
            let writes = try Library.writes(db)
            lastGiven.withLock { $0 = GivenPosts(channel: channel, needle: needle, writes: writes, rowids: given) }
            if given.count < few {
                // Every match, from the posts the index gave (not asked of it twice).
                return (try Self.positions(db, of: given, channel: channel, column: column, base: base, holding: query.checked ? needle : nil), true)
            }
            // The channel's order walked from `from` for as long as allowed, each post the index gave checked against
            // its record where the index alone cannot tell; the others are passed over on the order's index alone
            // (`feedtui_given` asks the rowid, and SQLite reads a post only for its record). Sorting the index's posts
            // by position instead would cost more than that in a million posts (300 ms for a phrase of common words).
            let list = given.withUnsafeBytes { Data($0) }
            let near = try Int.fetchCursor(
                db,
                sql: """
                    SELECT p.\(column) - ? FROM post p WHERE p.channel = ? AND p.\(column) >= ? AND feedtui_given(p.rowid, ?)
                        \(query.checked ? "AND feedtui_holds(p.record, ?)" : "") ORDER BY p.\(column) LIMIT ?
                    """,
                arguments: StatementArguments(
                    [base, channel, base + max(0, from), list] + (query.checked ? [needle] : []) + [Self.nearMatches]
                        as [any DatabaseValueConvertible]))
            var found: [Int] = []
            let deadline = DispatchTime.now().uptimeNanoseconds + Self.nearTime
            do {
                try Self.whileWanted(db, every: 1_000, { DispatchTime.now().uptimeNanoseconds < deadline }) {
                    while let position = try near.next() { found.append(position) }
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
                // The time is up: the matches found so far.
            }
            return (found, false)
        }
    }

    /// Adds `feedtui_given(rowid, rowids)` to a connection: whether `rowids` — ascending Int64s as a blob, in this
    /// machine's byte order — hold `rowid`, found by halving. Through SQLite's own interface: the blob is read where
    /// the statement holds it, not copied for each post (a million rowids are 8 MB).
    static func addGivenFunction(_ db: Database) throws {
        let code = sqlite3_create_function_v2(
            db.sqliteConnection, "feedtui_given", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, arguments in
                guard let rowidValue = arguments?[0], let listValue = arguments?[1] else { return sqlite3_result_int(context, 0) }
                let rowid = sqlite3_value_int64(rowidValue)
                // The blob first, then its size: SQLite's order.
                guard let list = sqlite3_value_blob(listValue) else { return sqlite3_result_int(context, 0) }
                let count = Int(sqlite3_value_bytes(listValue)) / 8
                var (low, high) = (0, count)
                while low < high {
                    let mid = (low + high) / 2
                    if list.loadUnaligned(fromByteOffset: mid * 8, as: Int64.self) < rowid { low = mid + 1 } else { high = mid }
                }
                sqlite3_result_int(context, low < count && list.loadUnaligned(fromByteOffset: low * 8, as: Int64.self) == rowid ? 1 : 0)
            }, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot add feedtui_given") }
    }

    /// How long a search's first answer reads posts after where the search began (a post takes ~20 µs: ~700
    /// posts), and how many matches it gives at most.
    static let nearTime: UInt64 = 15_000_000
    static let nearMatches = 100

    /// Positions, ascending, of the posts of a channel among `rowids` (those holding `needle`, when given).
    private static func positions(_ db: Database, of rowids: [Int64], channel: Int64, column: String, base: Int, holding needle: String?) throws -> [Int] {
        let list = SearchIndex.list(rowids)
        return try Int.fetchAll(
            db,
            sql: """
                SELECT p.\(column) - ? FROM post p WHERE p.rowid IN (SELECT value FROM json_each(?)) AND +p.channel = ?
                    \(needle == nil ? "" : "AND feedtui_holds(p.record, ?)") ORDER BY p.\(column)
                """,
            arguments: StatementArguments([base, list, channel] as [any DatabaseValueConvertible] + (needle.map { [$0] } ?? [])))
    }

    /// `apart`: the library (its other readers, for half of a long walk or check, and the order it keeps) and when to
    /// abandon the search.
    private static func search(
        _ db: Database, channel: Int64, needle: String, order: PostOrder, apart: (library: Library, wanted: () -> Bool)
    ) throws -> [Int] {
        if try isSelection(db, channel) { return try querySearch(db, id: channel, needle: needle, order: order) }
        let column = column(order)
        let base = try base(db, channel: channel, order)
        let query = SearchIndex.query(needle)
        // As this reader sees the library: what the library keeps from earlier reads holds only at the same count.
        let writes = try Library.writes(db)
        let given: [Int64]
        if let kept = apart.library.lastGiven.withLock({ $0 }), kept.isCurrent(channel: channel, needle: needle, writes: writes) {
            given = kept.rowids
        } else {
            given = try SearchIndex.rowids(db, query, channel: channel)
        }
        if !query.checked {
            // What the index gives is every match: its rowids as a bitset, looked up along the channel's order
            // (`OrderMap`) — or, when they are few against the channel and its order is not at hand, looked up one by
            // one. SQLite's own plan (an ephemeral index of the rowids probed at each step of the walk) took twice as
            // long for a letter in most posts.
            guard let low = given.first, let high = given.last else { return [] }
            let size = try Int.fetchOne(db, sql: "SELECT postCount FROM channel WHERE id = ?", arguments: [channel]) ?? 0
            guard high - low < 1 << 32,
                let map = try orderMap(db, apart, writes: writes, channel: channel, order: order, base: base, size: given.count * 8 >= size ? size : nil)
            else { return try positions(db, of: given, channel: channel, column: column, base: base, holding: nil) }
            var bits = [UInt64](repeating: 0, count: Int((high - low) >> 6) + 1)
            for rowid in given {
                let at = Int(rowid - low)
                bits[at >> 6] |= 1 << UInt64(at & 63)
            }
            return map.positions(of: bits, from: low)
        }
        // The posts the index gives, each checked against its record, looked up by rowid and sorted; the later half
        // on another reader at the same time when they are many (a phrase of common words leaves tens of thousands).
        guard given.count >= checkedApart else { return try positions(db, of: given, channel: channel, column: column, base: base, holding: needle) }
        let halves = [Array(given[..<(given.count / 2)]), Array(given[(given.count / 2)...])]
        return try inTwo(db, writes: writes, apart) { db, half in
            try positions(db, of: halves[half], channel: channel, column: column, base: base, holding: needle)
        }.joined().sorted()
    }

    /// A channel's order as `OrderMap`: the library's (`orderMap`) while no transaction has written since it was
    /// walked (`writes`: the count `db` sees); else, given the channel's `size`, the one its import kept, or walked
    /// (its halves on two readers at once when long), and kept. Not
    /// walked ahead, beside the loop: on two cores, a walk of a million posts while the screen is used slowed every key
    /// (BENCHMARKS, tenth stop).
    private static func orderMap(
        _ db: Database, _ apart: (library: Library, wanted: () -> Bool), writes: Int64, channel: Int64, order: PostOrder, base: Int, size: Int?
    ) throws -> OrderMap? {
        let column = column(order)
        if let map = apart.library.orderMap.withLock({ $0 }), map.isCurrent(channel: channel, column: column, writes: writes) { return map }
        guard let size else { return nil }
        if let map = try OrderMap.kept(db, channel: channel, column: column, base: base, count: size, writes: writes) {
            apart.library.orderMap.withLock { $0 = map }
            return map
        }
        let mid = base + size / 2
        let walk: @Sendable (Database, Int) throws -> OrderMap = { db, half in
            try OrderMap.walk(
                db, channel: channel, column: column, base: base, from: half == 0 ? Int.min : mid, to: half == 0 ? mid : Int.max, writes: writes)
        }
        // A letter in a million posts: a million steps.
        let parts = size >= walkedApart ? try inTwo(db, writes: writes, apart, walk) : [try walk(db, 0), try walk(db, 1)]
        guard let map = OrderMap.joined(parts) else { return nil }
        apart.library.orderMap.withLock { $0 = map }
        return map
    }

    /// `part(db, 0)` here and `part(db, 1)` on another reader of the library at the same time. Each reader reads a
    /// snapshot of its own: the other's part is done again here when the library was written between the two
    /// (`writes`: the count `db` sees).
    private static func inTwo<Part: Sendable>(
        _ db: Database, writes: Int64, _ apart: (library: Library, wanted: () -> Bool), _ part: @escaping @Sendable (Database, Int) throws -> Part
    ) throws -> [Part] {
        let wanted = Wanted(apart.wanted)
        let other = Pending { [pool = apart.library.pool] in
            Result { try pool.read { db in try whileWanted(db, wanted.ask) { (try Library.writes(db), try part(db, 1)) } } }
        }
        let first = try part(db, 0)
        if let (otherWrites, later) = try other.wait()?.get(), otherWrites == writes { return [first, later] }
        return [first, try part(db, 1)]
    }

    /// How many posts in a channel make a search walk half of its order on another reader.
    static let walkedApart = 20_000

    /// How many posts to check make a search check half of them on another reader (~5 µs a post).
    static let checkedApart = 2_000

    /// Posts of every channel that contain `query` (as `search` matches), newest first: the first `limit`, and how
    /// many there are in all.
    public func searchAll(query: String, limit: Int, hiding context: FilterContext = FilterContext()) throws(LibraryError) -> (matches: [LibraryMatch], total: Int) {
        guard let needle = Self.needle(query), !needle.isEmpty else { return ([], 0) }
        let (condition, arguments) = Self.textCondition(needle)
        // Posts config.toml's ignore rules hide are found by no search.
        let kept = FilterSQL(keptBy: context)
        return try read("search the library") { db in
            // The matches found once, counted as they are sorted (`count(*) OVER ()`), and the records of the first
            // `limit` read after: counting and listing apart checked every candidate twice.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.channel, c.record AS channelRecord, p.record, m.total FROM (
                        SELECT p.rowid AS post, count(*) OVER () AS total, p.date, p.channel, p.newest
                        FROM post p JOIN channel c ON c.id = p.channel
                        WHERE \(condition) AND c.status = 'live' AND \(kept.sql) ORDER BY p.date DESC, p.channel, p.newest LIMIT ?) m
                    JOIN post p ON p.rowid = m.post JOIN channel c ON c.id = p.channel
                    ORDER BY m.date DESC, m.channel, m.newest
                    """,
                arguments: StatementArguments(arguments + kept.arguments + [limit]))
            let total: Int = rows.first?["total"] ?? 0
            let matches = rows.compactMap { row -> LibraryMatch? in
                guard let post = NativeRecordCoder.publication(row["record"]),
                    let channel = NativeRecordCoder.channel(row["channelRecord"])
                else { return nil }
                return LibraryMatch(channel: row["channel"], channelTitle: channel.title, post: post)
            }
            return (matches, total)
        }
    }

    /// The folded query as it is looked for; nil when it holds a control character, which no imported text holds
    /// (the index's padding among them; SQLite would end the query at a NUL): nothing matches it.
    static func needle(_ query: String) -> String? {
        let folded = SearchText.fold(query)
        return folded.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } ? nil : folded
    }

    /// Adds `feedtui_holds(record, needle)` to a connection: whether a stored post holds the folded needle, its text
    /// folded again from its record, with a matcher of the connection's own (which keeps its foldings). Through
    /// SQLite's own interface, like `feedtui_given`: the record is read where SQLite holds it, not copied for each
    /// post checked (tens of thousands for a phrase of common words).
    static func addHoldsFunction(_ db: Database) throws {
        let matcher = Unmanaged.passRetained(Matcher())
        let code = sqlite3_create_function_v2(
            db.sqliteConnection, "feedtui_holds", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, matcher.toOpaque(),
            { context, _, arguments in
                guard let recordValue = arguments?[0], let needleValue = arguments?[1], let context, let user = sqlite3_user_data(context),
                    sqlite3_value_type(recordValue) == SQLITE_BLOB, sqlite3_value_type(needleValue) == SQLITE_TEXT,
                    let record = sqlite3_value_blob(recordValue), let needle = sqlite3_value_text(needleValue)
                else { return sqlite3_result_int(context, 0) }
                // The pointers first, then their sizes: SQLite's order.
                let (recordBytes, needleBytes) = (Int(sqlite3_value_bytes(recordValue)), Int(sqlite3_value_bytes(needleValue)))
                let own = Unmanaged<Matcher>.fromOpaque(user).takeUnretainedValue()
                let holds = own.matcher.holds(
                    UnsafeRawBufferPointer(start: record, count: recordBytes), UnsafeRawBufferPointer(start: needle, count: needleBytes))
                sqlite3_result_int(context, holds ? 1 : 0)
            }, nil, nil, { own in own.map { Unmanaged<Matcher>.fromOpaque($0).release() } })
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot add feedtui_holds") }
    }

    /// The posts (`p`) whose folded text holds a folded needle, as an SQL condition and its arguments: those the
    /// index gives (`SearchIndex`), each checked against its record where the index alone cannot tell.
    static func textCondition(_ needle: String?) -> (String, [any DatabaseValueConvertible]) {
        // Held by no post (`needle`); held by every one, as the empty string.
        guard let needle else { return ("0", []) }
        guard !needle.isEmpty else { return ("1", []) }
        let given = "p.rowid IN (SELECT value FROM json_each(feedtui_search(?)))"
        return SearchIndex.query(needle).checked ? (given + " AND feedtui_holds(p.record, ?)", [needle, needle]) : (given, [needle])
    }

    /// Where position 0 of an order is stored: a refresh that adds posts at one end of an order moves this rather
    /// than every post's position (`Library.place`); 0 until one does.
    static func base(_ db: Database, channel id: Int64, _ order: PostOrder) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT \(column(order))Base FROM channel WHERE id = ?", arguments: [id]) ?? 0
    }

    static func column(_ order: PostOrder) -> String {
        switch order {
        case .newest: "newest"
        case .oldest: "oldest"
        case .mostViewed: "viewed"
        }
    }
}

/// The posts the index gave for a needle in a channel, as the library was after `writes` transactions.
struct GivenPosts: Sendable {
    let channel: Int64
    let needle: String
    let writes: Int64
    let rowids: [Int64]

    func isCurrent(channel: Int64, needle: String, writes: Int64) -> Bool {
        self.channel == channel && self.needle == needle && self.writes == writes
    }
}

/// What SQLite's progress handler asks (`Library.whileWanted`); asked from the readers of one search at once.
private final class Wanted: @unchecked Sendable {
    let ask: () -> Bool
    init(_ ask: @escaping () -> Bool) { self.ask = ask }
}

/// The matcher of one connection's `feedtui_holds`: SQLite calls the function on that connection only, one call at a
/// time (GRDB serializes each connection's use).
private final class Matcher: @unchecked Sendable {
    var matcher = RecordMatcher()
}
