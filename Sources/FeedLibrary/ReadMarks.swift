import FeedModel
import Foundation
import GRDB

/// Read marks: the posts of a channel the user opened, filed under the channel's key and the post's id, so that they
/// outlive re-imports. An import or a refresh that brings in posts older than the newest one held marks them read in
/// its own transaction (`ChannelWriter.finish`, `Library.merge`): unread means new.
extension Library {
    /// Marks a post as read; marking it again keeps the first time it was read.
    public func markRead(_ postID: String, channel key: String, at time: Date = Date()) throws(LibraryError) {
        let (key, postID) = Self.filed(key, postID)
        try write("save a read mark in \(key)") { db in
            try db.execute(
                sql: "INSERT INTO readMark (channelKey, postID, readAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [key, postID, time])
        }
    }

    /// Marks every post of a channel read.
    public func markAllRead(channel key: String, channelID: Int64, at time: Date = Date()) throws(LibraryError) {
        try write("mark \(key) read") { db in
            try db.execute(
                sql: "INSERT INTO readMark (channelKey, postID, readAt) SELECT ?, id, ? FROM post WHERE channel = ? ON CONFLICT DO NOTHING",
                arguments: [key, time, channelID])
            if try Self.isSelection(db, channelID) { try Self.queryMarkAllRead(db, id: channelID, at: time) }
        }
    }

    /// Takes a post's read mark away: it is unread again.
    public func markUnread(_ postID: String, channel key: String) throws(LibraryError) {
        let (key, postID) = Self.filed(key, postID)
        try write("mark a post unread in \(key)") { db in
            try db.execute(sql: "DELETE FROM readMark WHERE channelKey = ? AND postID = ?", arguments: [key, postID])
        }
    }

    /// The user's marks on one channel with only the read marks of `posts` (the posts on screen): what the
    /// browser holds, whatever the channel's size.
    public func marks(channel key: String, readAmong posts: [String]) throws(LibraryError) -> UserMarks {
        try read("read the marks of \(key)") { db in
            let row = try Row.fetchOne(db, sql: "SELECT rating, lastSelected FROM userChannel WHERE key = ?", arguments: [key])
            return UserMarks(
                rating: row?["rating"], read: try Self.read(db, channel: key, among: posts), lastSelected: row?["lastSelected"],
                bookmarks: Self.isQueryKey(key)
                    ? try Self.queryBookmarks(db, key: key)
                    : Set(try String.fetchAll(db, sql: "SELECT postID FROM bookmark WHERE channelKey = ?", arguments: [key])))
        }
    }

    /// Which of `posts` the user has read: a lookup per post in the read marks' primary key.
    public func read(channel key: String, among posts: [String]) throws(LibraryError) -> Set<String> {
        try read("read the marks of \(key)") { db in try Self.read(db, channel: key, among: posts) }
    }

    private static func read(_ db: Database, channel key: String, among posts: [String]) throws -> Set<String> {
        guard !posts.isEmpty else { return [] }
        if isQueryKey(key) { return try queryRead(db, among: posts) }
        let marks = Array(repeating: "?", count: posts.count).joined(separator: ", ")
        return Set(try String.fetchAll(
            db, sql: "SELECT postID FROM readMark WHERE channelKey = ? AND postID IN (\(marks))",
            arguments: StatementArguments([key] + posts)))
    }

    /// How many of a channel's posts the user has read, counted from the marks (CROSS JOIN keeps that order): left
    /// to choose, SQLite walked a million posts' index to find the few read ones, 60 of the 100 ms a reopen took at
    /// 1 000 000 posts.
    static func readCount(_ db: Database, channel id: Int64, key: String) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM readMark r CROSS JOIN post p ON p.channel = ? AND p.id = r.postID WHERE r.channelKey = ?",
            arguments: [id, key]) ?? 0
    }

    /// The position of the first post the user has not read after `position` in an order (round to the first),
    /// and how many are unread. Both stop early: the walk along the order's index at the first unread post, the
    /// count at the read marks — a channel of a million posts answers as fast as one of ten.
    public func nextUnread(channel id: Int64, key: String, order: PostOrder, after position: Int) throws(LibraryError) -> (position: Int?, unread: Int) {
        let column = Self.column(order)
        return try read("find unread posts") { db in
            if try Self.isSelection(db, id) {
                let total = try Int.fetchOne(db, sql: "SELECT postCount FROM channel WHERE id = ?", arguments: [id]) ?? 0
                let first = try Self.queryFirstUnread(db, id: id, order: order, from: position + 1) ?? Self.queryFirstUnread(db, id: id, order: order, from: 0)
                return (first, total - (try Self.queryReadCount(db, id: id)))
            }
            let base = try Self.base(db, channel: id, order)
            let first = { (from: Int) throws -> Int? in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT p.\(column) - ? FROM post p
                        WHERE p.channel = ? AND p.\(column) >= ?
                            AND NOT EXISTS (SELECT 1 FROM readMark r WHERE r.channelKey = ? AND r.postID = p.id)
                        ORDER BY p.\(column) LIMIT 1
                        """,
                    arguments: [base, id, base + from, key])
            }
            let total = try Int.fetchOne(db, sql: "SELECT postCount FROM channel WHERE id = ?", arguments: [id]) ?? 0
            return (try first(position + 1) ?? first(0), total - (try Self.readCount(db, channel: id, key: key)))
        }
    }
}
