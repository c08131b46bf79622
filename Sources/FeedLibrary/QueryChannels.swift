import FeedModel
import Foundation
import GRDB

/// What a filter looks at besides the posts: each channel's tags (by key, from the channels file), the time ages
/// are measured from, the zone days are in, and config.toml's `ignore` rules (posts they match are hidden).
public struct FilterContext: Sendable {
    public var tags: [String: [String]]
    public var now: Date
    public var zone: TimeZone
    public var ignore: Filter?

    public init(tags: [String: [String]] = [:], now: Date = Date(), zone: TimeZone = .current, ignore: Filter? = nil) {
        self.tags = tags
        self.now = now
        self.zone = zone
        self.ignore = ignore
    }

    /// The tags of each followed source's channel (filed under the source's identity, as its channel is).
    public init(subscriptions: [Subscription], now: Date = Date(), zone: TimeZone = .current, ignore: Filter? = nil) {
        self.init(
            tags: Dictionary(subscriptions.map { ($0.source.identity, $0.tags) }, uniquingKeysWith: +), now: now, zone: zone, ignore: ignore)
    }

    /// The posts a query channel holds: those `filter` matches and no ignore rule does.
    func shown(_ filter: Filter) -> Filter {
        ignore.map { .and(filter, .not($0)) } ?? filter
    }
}

/// A filter as an SQL condition over `post p JOIN channel c ON c.id = p.channel`, with its arguments. Every leaf is
/// 0 or 1, never NULL (an unknown value matches nothing), so that `NOT` means what `Filter.matches` means.
struct FilterSQL {
    var sql = ""
    var arguments: [any DatabaseValueConvertible] = []

    init(_ filter: Filter, _ context: FilterContext) {
        add(filter, context)
    }

    /// The posts no ignore rule hides.
    init(keptBy context: FilterContext) {
        if let ignore = context.ignore { add(.not(ignore), context) } else { sql = "1" }
    }

    private mutating func add(_ filter: Filter, _ context: FilterContext) {
        switch filter {
        case .and(let a, let b), .or(let a, let b):
            sql += "("
            add(a, context)
            if case .and = filter { sql += " AND " } else { sql += " OR " }
            add(b, context)
            sql += ")"
        case .not(let a):
            sql += "(NOT "
            add(a, context)
            sql += ")"
        case .unread:
            sql += "(NOT EXISTS (SELECT 1 FROM readMark r WHERE r.channelKey = c.key AND r.postID = p.id))"
        case .bookmarked:
            sql += "(EXISTS (SELECT 1 FROM bookmark b WHERE b.channelKey = c.key AND b.postID = p.id))"
        case .string(.tag, let test, let value):
            // Tags live in the channels file: the channels that have a matching one, by key.
            let keys = context.tags.filter { $0.value.contains { Filter.string($0, test, value) } }.keys.sorted()
            sql += keys.isEmpty ? "0" : "(c.key IN (" + keys.map { _ in "?" }.joined(separator: ", ") + "))"
            arguments += keys
        case .string(_, _, let value) where value.unicodeScalars.contains("\0"):
            // No title, key or author holds a NUL (`Sanitize.imported`), and SQLite's lower() would end the value there.
            sql += "0"
        case .string(let field, let test, let value):
            let columns =
                field == .channel ? ["json_extract(CAST(c.record AS TEXT), '$.title')", "c.key"] : ["json_extract(CAST(p.record AS TEXT), '$.author')"]
            let tests = columns.map { column in
                test == .equal ? "lower(\(column)) = lower(?)" : "instr(lower(\(column)), lower(?)) > 0"
            }
            sql += "IFNULL(" + tests.joined(separator: " OR ") + ", 0)"
            arguments += columns.map { _ in value }
        case .text(let word):
            // Through the search's own condition on the search index (`Library.textCondition`).
            let (condition, values) = Library.textCondition(Library.needle(word))
            sql += "(\(condition))"
            arguments += values
        case .views(let c, let n):
            sql += "IFNULL(p.views \(c.rawValue) ?, 0)"
            arguments.append(n)
        case .date(let c, let day):
            let (start, end) = day.span(in: context.zone)
            let test: String
            switch c {
            case .equal:
                test = "p.date >= ? AND p.date < ?"
                arguments += [start, end]
            case .less, .greaterOrEqual:
                test = "p.date \(c.rawValue) ?"
                arguments.append(start)
            case .lessOrEqual, .greater:
                test = "p.date \(c == .greater ? ">=" : "<") ?"
                arguments.append(end)
            }
            sql += "(\(Self.dated) AND \(test))"
        case .age(let c, let seconds):
            sql += "(\(Self.dated) AND ? - p.date \(c.rawValue) ?)"
            arguments += [context.now.timeIntervalSince1970, Double(seconds)]
        }
    }

    /// `post.date` places an undated post among the others: only the record says whether the source gave a date.
    private static let dated = "json_extract(CAST(p.record AS TEXT), '$.date') IS NOT NULL"
}

extension Library {
    /// A query channel's key: `query:NAME` (`Source.query`'s identity).
    public static func isQueryKey(_ key: String) -> Bool { key.hasPrefix(Source.queryPrefix) }

    /// A query channel names each post `KEY␟ID` after the channel it belongs to, so that ids never clash and the
    /// user's marks are filed where they belong.
    static let separator: Character = "\u{1F}"

    /// The channel key and post id a post's marks are filed under.
    static func filed(_ key: String, _ postID: String) -> (key: String, postID: String) {
        guard isQueryKey(key) else { return (key, postID) }
        // A shown channel's post keeps its id: its channel is the only one.
        guard let cut = postID.firstIndex(of: separator) else { return ("", postID) }
        return (String(postID[..<cut]), String(postID[postID.index(after: cut)...]))
    }

    /// The key of the posts of a channel the ignore rules leave: `shown:KEY`.
    static let shownPrefix = "shown:"

    /// A query channel or a channel's shown posts: a selection of posts of the library, held in `queryPost`.
    static func isSelectionKey(_ key: String) -> Bool { isQueryKey(key) || key.hasPrefix(shownPrefix) }

    static func isSelection(_ db: Database, _ id: Int64) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT key FROM channel WHERE id = ?", arguments: [id]).map(isSelectionKey) ?? false
    }

    /// The key marks are filed under: a channel's own for its shown posts.
    static func userKey(_ key: String) -> String {
        key.hasPrefix(shownPrefix) ? String(key.dropFirst(shownPrefix.count)) : key
    }

    /// A query channel's posts with the columns of `post p` and `channel c`, positions in `q`.
    private static let members = "queryPost q CROSS JOIN post p ON p.rowid = q.post JOIN channel c ON c.id = p.channel"

    /// Fills the query channel `key` with the posts of every channel that match `filter` (and no ignore rule), placed in
    /// the three orders across channels (ties: the channel, then its own order), with its statistics. A scan: on the
    /// worker, as a refresh. Returns the channel's id.
    @discardableResult
    public func fillQuery(key: String, title: String, filter: Filter, context: FilterContext) throws(LibraryError) -> Int64 {
        let condition = FilterSQL(context.shown(filter), context)
        return try write("fill the query channel \(title)") { db in
            try Self.fill(db, key: key, record: NativeRecordCoder().record(channel: Channel(title: title)), condition: condition, clock: clock)
        }
    }

    /// The channel as the user sees it: when config.toml's ignore rules hide some of its posts, a selection of the
    /// others (`shown:KEY`, filled again here: a scan, on the worker), else the channel itself. A channel's marks
    /// stay filed under its own key either way.
    public func shown(_ id: Int64, context: FilterContext) throws(LibraryError) -> Int64 {
        try write("hide the ignored posts") { db in
            // The channel itself, also when `id` is what the rules left of it.
            guard let named = try String.fetchOne(db, sql: "SELECT key FROM channel WHERE id = ? AND status = 'live'", arguments: [id]),
                !Self.isQueryKey(named),
                let row = try Row.fetchOne(db, sql: "SELECT id, key, record FROM channel WHERE key = ? AND status = 'live'", arguments: [Self.userKey(named)])
            else { return id }
            let id: Int64 = row["id"]
            let key: String = row["key"]
            let view = Self.shownPrefix + key
            if let ignore = context.ignore {
                let hidden = FilterSQL(ignore, context)
                let ignored = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM post p JOIN channel c ON c.id = p.channel WHERE p.channel = ? AND \(hidden.sql)",
                    arguments: StatementArguments([id] + hidden.arguments)) ?? 0
                if ignored > 0 {
                    let kept = FilterSQL(.not(ignore), context)
                    var condition = kept
                    condition.sql = "p.channel = ? AND " + kept.sql
                    condition.arguments = [id] + kept.arguments
                    return try Self.fill(db, key: view, record: row["record"], condition: condition, clock: clock)
                }
            }
            try Self.drop(db, key: view)
            return id
        }
    }

    private static func drop(_ db: Database, key: String) throws {
        guard let held = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ?", arguments: [key]) else { return }
        try db.execute(sql: "DELETE FROM queryPost WHERE query = ?", arguments: [held])
        try db.execute(sql: "DELETE FROM channel WHERE id = ?", arguments: [held])
    }

    /// Fills the selection channel `key` (created when missing) with the posts `condition` picks.
    private static func fill(_ db: Database, key: String, record: Data, condition: FilterSQL, clock: Clock) throws -> Int64 {
        let now = Date().timeIntervalSince1970
        let id: Int64
        if let held = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ?", arguments: [key]) {
            id = held
            try db.execute(sql: "UPDATE channel SET record = ?, touchedAt = ? WHERE id = ?", arguments: [record, now, id])
            try db.execute(sql: "DELETE FROM queryPost WHERE query = ?", arguments: [id])
        } else {
            try db.execute(
                sql: "INSERT INTO channel (key, status, record, topPosts, touchedAt) VALUES (?, 'live', ?, '[]', ?)",
                arguments: [key, record, now])
            id = db.lastInsertedRowID
        }
        try db.execute(
            sql: """
                INSERT INTO queryPost (query, post, newest, oldest, viewed)
                SELECT ?, p.rowid,
                    row_number() OVER (ORDER BY p.date DESC, p.channel, p.newest) - 1,
                    row_number() OVER (ORDER BY p.date, p.channel, p.oldest) - 1,
                    row_number() OVER (ORDER BY IFNULL(p.views, -1) DESC, p.date DESC, p.channel, p.viewed) - 1
                FROM post p JOIN channel c ON c.id = p.channel
                WHERE c.status = 'live' AND \(condition.sql)
                """,
            arguments: StatementArguments([id] + condition.arguments))
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM queryPost WHERE query = ?", arguments: [id]) ?? 0
        let header = NativeRecordCoder.channel(record) ?? Channel(title: key)
        let statistics = try queryStatistics(db, id: id, header: header, clock: clock)
        try db.execute(
            sql: "UPDATE channel SET postCount = ?, statistics = ?, topPosts = ? WHERE id = ?",
            arguments: [count, try? JSONEncoder().encode(statistics), list(statistics.topPosts.map(\.id)), id])
        return id
    }

    /// The statistics of a query channel's posts, read in date order.
    static func queryStatistics(_ db: Database, id: Int64, header: Channel, clock: Clock) throws -> ChannelStatistics {
        var tally = ChannelStatistics.Tally(clock: clock)
        for p in try queryPosts(db, id: id, order: .oldest, from: 0, to: Int.max) { tally.add(p) }
        return tally.statistics(of: header)
    }

    /// The posts at positions from..<to of a selection in an order (a query channel's named `KEY␟ID`): a range on its index.
    static func queryPosts(_ db: Database, id: Int64, order: PostOrder, from: Int, to: Int) throws -> [Publication] {
        let column = "q." + column(order)
        let named = try String.fetchOne(db, sql: "SELECT key FROM channel WHERE id = ?", arguments: [id]).map(isQueryKey) ?? false
        return try Row.fetchAll(
            db, sql: "SELECT c.key, p.record FROM \(members) WHERE q.query = ? AND \(column) >= ? AND \(column) < ? ORDER BY \(column)",
            arguments: [id, from, to]
        ).compactMap { row in
            guard var p = NativeRecordCoder.publication(row["record"]) else { return nil }
            if named { p.id = (row["key"] as String) + String(separator) + p.id }
            return p
        }
    }

    /// One post of a query channel by its name `KEY␟ID`.
    static func queryPost(_ db: Database, id: Int64, named: String) throws -> Publication? {
        let (key, postID) = filed(Source.queryPrefix, named)
        guard
            let record = try Data.fetchOne(
                db, sql: "SELECT p.record FROM \(members) WHERE q.query = ? AND (c.key = ? OR ? = '') AND p.id = ?",
                arguments: [id, key, key, postID]),
            var p = NativeRecordCoder.publication(record)
        else { return nil }
        p.id = named
        return p
    }

    /// Positions of a query channel's posts (named `KEY␟ID`) in an order, ascending.
    static func queryPositions(_ db: Database, id: Int64, postIDs: Set<String>, order: PostOrder) throws -> [Int] {
        try postIDs.compactMap { named -> Int? in
            let (key, postID) = filed(Source.queryPrefix, named)
            return try Int.fetchOne(
                db, sql: "SELECT q.\(column(order)) FROM \(members) WHERE q.query = ? AND (c.key = ? OR ? = '') AND p.id = ?",
                arguments: [id, key, key, postID])
        }.sorted()
    }

    /// Positions, ascending, of a query channel's posts whose text holds the folded `needle` (as `search` finds it).
    static func querySearch(_ db: Database, id: Int64, needle: String, order: PostOrder) throws -> [Int] {
        let (condition, values) = textCondition(needle)
        let column = "q." + column(order)
        return try Int.fetchAll(
            db,
            sql: """
                SELECT \(column) FROM post p CROSS JOIN queryPost q ON q.post = p.rowid AND q.query = ? WHERE \(condition) ORDER BY \(column)
                """,
            arguments: StatementArguments([id] + values))
    }

    /// How many of a query channel's posts the user has read.
    static func queryReadCount(_ db: Database, id: Int64) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM \(members) JOIN readMark r ON r.channelKey = c.key AND r.postID = p.id WHERE q.query = ?",
            arguments: [id]) ?? 0
    }

    /// The first unread post of a query channel at or after `from` in an order.
    static func queryFirstUnread(_ db: Database, id: Int64, order: PostOrder, from: Int) throws -> Int? {
        let column = "q." + column(order)
        return try Int.fetchOne(
            db,
            sql: """
                SELECT \(column) FROM \(members) WHERE q.query = ? AND \(column) >= ?
                    AND NOT EXISTS (SELECT 1 FROM readMark r WHERE r.channelKey = c.key AND r.postID = p.id)
                ORDER BY \(column) LIMIT 1
                """,
            arguments: [id, from])
    }

    /// Marks every post of a query channel read, each in its own channel.
    static func queryMarkAllRead(_ db: Database, id: Int64, at time: Date) throws {
        try db.execute(
            sql: "INSERT INTO readMark (channelKey, postID, readAt) SELECT c.key, p.id, ? FROM \(members) WHERE q.query = ? ON CONFLICT DO NOTHING",
            arguments: [time, id])
    }

    /// Which of a query channel's posts (named `KEY␟ID`) the user has read.
    static func queryRead(_ db: Database, among posts: [String]) throws -> Set<String> {
        try Set(posts.filter { named in
            let (key, postID) = filed(Source.queryPrefix, named)
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM readMark WHERE channelKey = ? AND postID = ?", arguments: [key, postID]) ?? false
        })
    }

    /// The bookmarked posts of a query channel, named `KEY␟ID`.
    static func queryBookmarks(_ db: Database, key: String) throws -> Set<String> {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ?", arguments: [key]) else { return [] }
        return Set(try String.fetchAll(
            db, sql: "SELECT c.key || char(31) || p.id FROM \(members) JOIN bookmark b ON b.channelKey = c.key AND b.postID = p.id WHERE q.query = ?",
            arguments: [id]))
    }
}
