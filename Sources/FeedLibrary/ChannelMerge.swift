import FeedModel
import Foundation
import GRDB

extension Library {
    /// Brings what a refresh read (a page of a t.me channel, a feed's latest items) into the source's channel already
    /// in the library, in place and in one transaction: a new post is added, a known one replaced by its new
    /// version; posts the source no longer lists stay. Only the posts read are written, then the display orders are
    /// brought up to date (rows whose position did not change are not written). The statistics are counted again
    /// by the caller (`countStatistics`), once after every page of a refresh is in.
    ///
    /// Unread means new: a post added here is unread when `allNew` (the posts of a gap, all newer than what the
    /// channel held when the gap was left) or when it is at least as new as the newest post the channel holds; one
    /// older than that (an older page, a history walk) is marked read.
    ///
    /// Returns the channel and how many posts were new to it; nil when the library has no channel for `key` (the caller
    /// imports the source whole: its first refresh).
    func merge(_ channel: Channel, key: String, allNew: Bool) throws(LibraryError) -> (channel: Int64, added: Int)? {
        let posts = Self.onePerID(channel.publications)
        let dates = Publication.placeDates(posts).map(\.timeIntervalSince1970)
        let coder = NativeRecordCoder()
        var folder = SearchText()
        let rows = posts.map { (record: coder.record($0), text: folder.fold($0.searchableText)) }
        return try write("bring new posts into \(channel.title)") { db -> (Int64, Int)? in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ? AND status = 'live'", arguments: [key])
            else { return nil }
            let heldNewest = allNew ? nil : try Double.fetchOne(db, sql: "SELECT date FROM post WHERE channel = ? AND newest = 0", arguments: [id])
            var nextSeq = (try Int.fetchOne(db, sql: "SELECT max(seq) FROM post WHERE channel = ?", arguments: [id]) ?? -1) + 1
            let find = try db.makeStatement(sql: "SELECT rowid FROM post WHERE channel = ? AND id = ?")
            let update = try db.makeStatement(sql: "UPDATE post SET date = ?, views = ?, record = ? WHERE rowid = ?")
            let insert = try db.makeStatement(
                sql: "INSERT INTO post (channel, id, date, views, seq, newest, oldest, viewed, record) VALUES (?, ?, ?, ?, ?, -1, -1, -1, ?)")
            let deleteText = try db.makeStatement(sql: "DELETE FROM postText WHERE rowid = ?")
            let insertText = try db.makeStatement(sql: "INSERT INTO postText (rowid, text) VALUES (?, ?)")
            let markRead = try db.makeStatement(
                sql: "INSERT INTO readMark (channelKey, postID, readAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            var added = 0
            let now = Date()
            for (i, p) in posts.enumerated() {
                if let rowid = try Int64.fetchOne(find, arguments: [id, p.id]) {
                    try update.execute(arguments: [dates[i], p.views?.value, rows[i].record, rowid])
                    try deleteText.execute(arguments: [rowid])
                    try insertText.execute(arguments: [rowid, rows[i].text])
                    continue
                }
                try insert.execute(arguments: [id, p.id, dates[i], p.views?.value, nextSeq, rows[i].record])
                try insertText.execute(arguments: [db.lastInsertedRowID, rows[i].text])
                nextSeq += 1
                added += 1
                if let heldNewest, dates[i] < heldNewest { try markRead.execute(arguments: [key, p.id, now]) }
            }
            try Self.rank(db, channel: id)
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM post WHERE channel = ?", arguments: [id]) ?? 0
            var header = channel
            header.publications = []
            try db.execute(
                sql: "UPDATE channel SET record = ?, postCount = ?, touchedAt = ? WHERE id = ?",
                arguments: [coder.record(channel: header), count, now.timeIntervalSince1970, id])
            return (id, added)
        }
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
    }

    /// The largest message number a t.me channel holds among its newest posts (nil when it holds none).
    func newestNumber(key: String) throws(LibraryError) -> Int? {
        try read("read the newest post of \(key)") { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ? AND status = 'live'", arguments: [key])
            else { return nil }
            // A pinned or undated post may stand first: the newest few are looked at.
            return try String.fetchAll(db, sql: "SELECT id FROM post WHERE channel = ? AND newest < 50", arguments: [id])
                .compactMap(Source.postNumber).max()
        }
    }

    /// The smallest message number a t.me channel holds (where a history walk starts).
    func oldestNumber(key: String) throws(LibraryError) -> Int? {
        try read("read the oldest post of \(key)") { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ? AND status = 'live'", arguments: [key])
            else { return nil }
            return try String.fetchAll(db, sql: "SELECT id FROM post WHERE channel = ? AND oldest < 50", arguments: [id])
                .compactMap(Source.postNumber).min()
        }
    }
}
