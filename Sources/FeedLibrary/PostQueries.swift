import FeedModel
import Foundation
import GRDB

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
    public func search(channel: Int64, query: String, order: PostOrder) throws(LibraryError) -> [Int] {
        let needle = SearchText.fold(query)
        guard !needle.isEmpty else { return [] }
        let (condition, pattern) = Self.textCondition(needle)
        let column = Self.column(order)
        return try read("search") { db in
            if try Self.isSelection(db, channel) { return try Self.querySearch(db, id: channel, needle: needle, order: order) }
            let base = try Self.base(db, channel: channel, order)
            return try Int.fetchAll(
                db,
                sql: """
                    SELECT p.\(column) - ? FROM postText t CROSS JOIN post p ON p.rowid = t.rowid
                    WHERE \(condition) AND p.channel = ? ORDER BY p.\(column)
                    """,
                arguments: [base, pattern, channel])
        }
    }

    /// Posts of every channel that contain `query` (as `search` matches), newest first: the first `limit`, and how
    /// many there are in all.
    public func searchAll(query: String, limit: Int, hiding context: FilterContext = FilterContext()) throws(LibraryError) -> (matches: [LibraryMatch], total: Int) {
        let needle = SearchText.fold(query)
        guard !needle.isEmpty else { return ([], 0) }
        let (condition, pattern) = Self.textCondition(needle)
        // Posts config.toml's ignore rules hide are found by no search.
        let kept = FilterSQL(keptBy: context)
        return try read("search the library") { db in
            let total =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM postText t CROSS JOIN post p ON p.rowid = t.rowid JOIN channel c ON c.id = p.channel
                        WHERE \(condition) AND c.status = 'live' AND \(kept.sql)
                        """,
                    arguments: StatementArguments([pattern] + kept.arguments)) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.channel, c.record AS channelRecord, p.record FROM postText t CROSS JOIN post p ON p.rowid = t.rowid
                    JOIN channel c ON c.id = p.channel
                    WHERE \(condition) AND c.status = 'live' AND \(kept.sql) ORDER BY p.date DESC, p.channel, p.newest LIMIT ?
                    """,
                arguments: StatementArguments([pattern] + kept.arguments + [limit]))
            let matches = rows.compactMap { row -> LibraryMatch? in
                guard let post = NativeRecordCoder.publication(row["record"]),
                    let channel = NativeRecordCoder.channel(row["channelRecord"])
                else { return nil }
                return LibraryMatch(channel: row["channel"], channelTitle: channel.title, post: post)
            }
            return (matches, total)
        }
    }

    /// The trigram index answers queries of three characters or more; shorter ones (two-character CJK words are
    /// common) are looked for in the stored folded text, which the index cannot do for them.
    static func textCondition(_ needle: String) -> (String, String) {
        if needle.unicodeScalars.count < 3 { return ("instr(t.text, ?) > 0", needle) }
        // GLOB is case-sensitive (the text is folded already); its wildcards are matched literally in brackets.
        var pattern = "*"
        for c in needle.unicodeScalars {
            switch c {
            case "*", "?", "[": pattern += "[\(c)]"
            default: pattern.unicodeScalars.append(c)
            }
        }
        return ("t.text GLOB ?", pattern + "*")
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
