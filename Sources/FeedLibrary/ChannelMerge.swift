import FeedModel
import Foundation
import GRDB

extension Library {
    /// Brings what a refresh read (a page of a t.me channel, a feed's latest items) into the source's channel already
    /// in the library, in place and in one transaction: a new post is added, a known one replaced by its new
    /// version; posts the source no longer lists stay. Only the posts read are written, then the display orders are
    /// brought up to date one post at a time (`Placement`), and so are the statistics (`ChannelStatistics.count`).
    ///
    /// Unread means new: a post added here is unread when `allNew` (the posts of a gap, all newer than what the
    /// channel held when the gap was left) or when it is at least as new as the newest post the channel holds; one
    /// older than that (an older page, a history walk) is marked read.
    ///
    /// Returns the channel and how many posts were new to it; nil when the library has no channel for `key` (the caller
    /// imports the source whole: its first refresh).
    func merge(_ channel: Channel, key: String, allNew: Bool) throws(LibraryError) -> (channel: Int64, added: Int)? {
        let posts = Self.onePerID(channel.publications)
        let dates = Publication.placeDates(posts)
        let coder = NativeRecordCoder()
        var maker = TermMaker()
        let rows = posts.map { (record: coder.record($0), terms: maker.terms(of: $0.searchableText)) }
        return try write("bring new posts into \(channel.title)") { db -> (Int64, Int)? in
            guard let id = try Self.liveChannel(db, key: key) else { return nil }
            // Its positions change: the order its import kept is no longer so.
            try db.execute(sql: "DELETE FROM keptOrder WHERE channel = ?", arguments: [id])
            var placement = try Placement(db, channel: id)
            let heldNewest = allNew ? nil : try Double.fetchOne(db, sql: "SELECT date FROM post WHERE channel = ? ORDER BY newest LIMIT 1", arguments: [id])
            // The place in the source the next new post takes (counted once for a channel imported whole).
            var seq =
                try Int.fetchOne(db, sql: "SELECT nextSeq FROM channel WHERE id = ?", arguments: [id])
                ?? (Int.fetchOne(db, sql: "SELECT max(seq) FROM post WHERE channel = ?", arguments: [id]) ?? -1) + 1
            let find = try db.makeStatement(sql: "SELECT rowid, date, views, seq, newest, oldest, viewed, record FROM post WHERE channel = ? AND id = ?")
            var statistics = try Data.fetchOne(db, sql: "SELECT statistics FROM channel WHERE id = ?", arguments: [id])
                .flatMap { try? JSONDecoder().decode(ChannelStatistics.self, from: $0) }
            // Counted again from every post instead, when a change cannot be counted in (see `ChannelStatistics.count`).
            var counted = statistics != nil
            let update = try db.makeStatement(sql: "UPDATE post SET date = ?, views = ?, record = ? WHERE rowid = ?")
            let insert = try db.makeStatement(
                sql: "INSERT INTO post (channel, id, date, views, seq, newest, oldest, viewed, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            let index = SearchIndexWriter(channel: id)
            let markRead = try db.makeStatement(
                sql: "INSERT INTO readMark (channelKey, postID, readAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            var added = 0
            let now = Date()
            for (i, p) in posts.enumerated() {
                if let old = try Row.fetchOne(find, arguments: [id, p.id]) {
                    let rowid: Int64 = old["rowid"]
                    try update.execute(arguments: [dates[i], p.views?.value, rows[i].record, rowid])
                    index.replace(rowid, rows[i].terms)
                    if counted, let previous = NativeRecordCoder.publication(old["record"]) {
                        counted = statistics?.count(previous, replacedBy: p, clock: clock) ?? false
                    } else {
                        counted = false
                    }
                    let before = SortKey(date: old["date"], views: old["views"], seq: old["seq"])
                    let after = SortKey(date: dates[i], views: p.views?.value, seq: before.seq)
                    for order in PostOrder.allCases where before.differs(from: after, in: order) {
                        try placement.remove(rowid, at: old[Self.column(order)], order)
                        try placement.insert(rowid, after, order)
                    }
                    continue
                }
                let sentinel = Placement.sentinel
                try insert.execute(arguments: [id, p.id, dates[i], p.views?.value, seq, sentinel, sentinel, sentinel, rows[i].record])
                let rowid = db.lastInsertedRowID
                index.add(rowid, rows[i].terms)
                for order in PostOrder.allCases {
                    try placement.insert(rowid, SortKey(date: dates[i], views: p.views?.value, seq: seq), order)
                }
                seq += 1
                added += 1
                if counted { counted = statistics?.count(p, clock: clock) ?? false }
                if let heldNewest, dates[i] < heldNewest { try markRead.execute(arguments: [key, p.id, now]) }
            }
            try index.write(db)
            try SearchIndex.compact(db, channel: id)
            var header = channel
            header.publications = []
            try placement.save(nextSeq: seq)
            if counted, var settled = statistics, try Self.settle(&settled, db, channel: id, subscribers: header.subscribers?.value) {
                statistics = settled
            } else {
                statistics = try Self.count(db, id: id, header: header, clock: clock)
            }
            try db.execute(
                sql: "UPDATE channel SET record = ?, statistics = ?, topPosts = ?, touchedAt = ? WHERE id = ?",
                arguments: [
                    coder.record(channel: header), try? JSONEncoder().encode(statistics), Self.list(statistics?.topPosts.map(\.id) ?? []),
                    now.timeIntervalSince1970, id,
                ])
            return (id, added)
        }
    }

    /// Sets the statistics only every post gives from the orders' indexes: the first and last dated posts, the
    /// median views, the most viewed posts. False when the posts at the ends are not dated (count them all again).
    private static func settle(_ statistics: inout ChannelStatistics, _ db: Database, channel id: Int64, subscribers: Int64?) throws -> Bool {
        func ends(_ order: PostOrder) throws -> [Publication] {
            try Data.fetchAll(db, sql: "SELECT record FROM post WHERE channel = ? ORDER BY \(column(order)) LIMIT 32", arguments: [id])
                .compactMap(NativeRecordCoder.publication).filter { !$0.isService }
        }
        let dated = statistics.postCount - statistics.undatedPosts
        let first = try ends(.oldest).lazy.compactMap(\.time).first
        let last = try ends(.newest).lazy.compactMap(\.time).first
        if dated > 0, first == nil || last == nil { return false }
        // The views, most first, of the posts that have them (they stand first in the most-viewed order).
        let count = statistics.postsWithViews
        let base = try Self.base(db, channel: id, .mostViewed)
        let views = { (d: Int) throws -> Double in
            Double(try Int64.fetchOne(db, sql: "SELECT views FROM post WHERE channel = ? AND viewed = ?", arguments: [id, base + d]) ?? 0)
        }
        let median: Double? =
            count == 0 ? nil : count % 2 == 1 ? try views(count / 2) : (try views(count / 2 - 1) + views(count / 2)) / 2
        let top = Array(try ends(.mostViewed).filter { $0.views != nil }.prefix(3))
        statistics.settle(first: first, last: last, median: median, top: top, subscribers: subscribers)
        return true
    }

    /// Puts a channel's posts in the three display orders of `PostOrder.arrange` (seq standing for the place in the
    /// source), writing only the rows whose position changed.
    static func rank(_ db: Database, channel id: Int64) throws {
        try db.execute(
            sql: """
                UPDATE post SET newest = r.n, oldest = r.o, viewed = r.v FROM (
                    SELECT rowid AS rid,
                        row_number() OVER (ORDER BY date DESC, seq ASC) - 1 AS n,
                        row_number() OVER (ORDER BY date ASC, seq ASC) - 1 AS o,
                        row_number() OVER (ORDER BY coalesce(views, -1) DESC, date DESC, seq ASC) - 1 AS v
                    FROM post WHERE channel = ?) AS r
                WHERE post.rowid = r.rid AND (post.newest != r.n OR post.oldest != r.o OR post.viewed != r.v)
                """,
            arguments: [id])
        try db.execute(sql: "UPDATE channel SET newestBase = 0, oldestBase = 0, viewedBase = 0 WHERE id = ?", arguments: [id])
    }

    /// The message numbers of a t.me channel's posts at one end of an order (a pinned or undated post may stand
    /// first, so a few are looked at): the newest one held is the largest at the start of newest-first, where a
    /// history walk starts the smallest at the start of oldest-first. Empty when the library has no such channel.
    func numbers(atStartOf order: PostOrder, key: String) throws(LibraryError) -> [Int] {
        try read("read the posts of \(key)") { db in
            guard let id = try Self.liveChannel(db, key: key) else { return [] }
            return try String.fetchAll(db, sql: "SELECT id FROM post WHERE channel = ? ORDER BY \(Self.column(order)) LIMIT 50", arguments: [id])
                .compactMap(Source.postNumber)
        }
    }

    /// The live channel filed under `key`.
    static func liveChannel(_ db: Database, key: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ? AND status = 'live'", arguments: [key])
    }
}

/// A channel's positions in the three orders, changed one post at a time: a post goes in (or out) at its place
/// found by a binary search over the order's index, and the posts on the shorter side of it move by one — at the
/// end an order grows from (the newest posts, an older page) none do, as where position 0 is stored moves instead.
struct Placement {
    /// The position a post has while it is being placed: outside every range.
    static let sentinel = Int64.min / 2
    let db: Database
    let channel: Int64
    private var base: [PostOrder: Int] = [:]
    /// Posts in each order (one being placed is in none until it is).
    private var count: [PostOrder: Int] = [:]

    init(_ db: Database, channel: Int64) throws {
        self.db = db
        self.channel = channel
        let posts = try Int.fetchOne(db, sql: "SELECT postCount FROM channel WHERE id = ?", arguments: [channel]) ?? 0
        for order in PostOrder.allCases {
            base[order] = try Library.base(db, channel: channel, order)
            count[order] = posts
        }
    }

    /// Takes the post out of an order (it was at stored position `value`).
    mutating func remove(_ rowid: Int64, at value: Int, _ order: PostOrder) throws {
        let (b, count) = (base[order] ?? 0, count[order] ?? 0)
        let position = value - b
        if position < count - 1 - position {
            try shift(order, from: b, to: value, by: 1)
            base[order] = b + 1
        } else {
            try shift(order, from: value + 1, to: b + count, by: -1)
        }
        try set(rowid, order, Self.sentinel)
        self.count[order] = count - 1
    }

    /// Puts the post (at the sentinel) in its place in an order.
    mutating func insert(_ rowid: Int64, _ key: SortKey, _ order: PostOrder) throws {
        let (b, count) = (base[order] ?? 0, count[order] ?? 0)
        let column = Library.column(order)
        let probe = try db.cachedStatement(sql: "SELECT date, views, seq FROM post WHERE channel = ? AND \(column) = ?")
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            guard let row = try Row.fetchOne(probe, arguments: [channel, b + middle]) else {
                throw LibraryError("the positions of the channel are damaged (none at \(middle) of \(count))")
            }
            if SortKey(date: row["date"], views: row["views"], seq: row["seq"]).precedes(key, in: order) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        if low < count - low {
            try shift(order, from: b, to: b + low, by: -1)
            base[order] = b - 1
            try set(rowid, order, Int64(b - 1 + low))
        } else {
            try shift(order, from: b + low, to: b + count, by: 1)
            try set(rowid, order, Int64(b + low))
        }
        self.count[order] = count + 1
    }

    /// Stores where each order starts, the post count and the next place in the source.
    func save(nextSeq: Int) throws {
        try db.execute(
            sql: "UPDATE channel SET newestBase = ?, oldestBase = ?, viewedBase = ?, postCount = ?, nextSeq = ? WHERE id = ?",
            arguments: [base[.newest], base[.oldest], base[.mostViewed], count[.newest], nextSeq, channel])
    }

    /// Moves the posts at stored positions from..<to by `delta`.
    private func shift(_ order: PostOrder, from: Int, to: Int, by delta: Int) throws {
        guard from < to else { return }
        let column = Library.column(order)
        try db.execute(
            sql: "UPDATE post SET \(column) = \(column) + ? WHERE channel = ? AND \(column) >= ? AND \(column) < ?",
            arguments: [delta, channel, from, to])
    }

    private func set(_ rowid: Int64, _ order: PostOrder, _ value: Int64) throws {
        try db.execute(sql: "UPDATE post SET \(Library.column(order)) = ? WHERE rowid = ?", arguments: [value, rowid])
    }
}
