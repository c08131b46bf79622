import FeedModel
import Foundation
import GRDB

/// What the user keeps about one channel: their rating, the posts they opened and bookmarked, where they left off.
/// Filed under the channel's key, so it outlives re-imports of the channel.
public struct UserMarks: Equatable, Sendable {
    /// 1...5, nil = not rated.
    public var rating: Int?
    /// Ids of the publications the user opened.
    public var read: Set<String>
    /// Id of the publication selected when the user left.
    public var lastSelected: String?
    /// Ids of the publications the user bookmarked.
    public var bookmarks: Set<String>

    public init(rating: Int? = nil, read: Set<String> = [], lastSelected: String? = nil, bookmarks: Set<String> = []) {
        self.rating = rating
        self.read = read
        self.lastSelected = lastSelected
        self.bookmarks = bookmarks
    }
}

extension Library {
    /// The user's marks on one channel (empty when nothing is stored).
    public func marks(channel key: String) throws(LibraryError) -> UserMarks {
        try read("read the marks of \(key)") { db in
            let row = try Row.fetchOne(db, sql: "SELECT rating, lastSelected FROM userChannel WHERE key = ?", arguments: [key])
            return UserMarks(
                rating: row?["rating"],
                read: Set(try String.fetchAll(db, sql: "SELECT postID FROM readMark WHERE channelKey = ?", arguments: [key])),
                lastSelected: row?["lastSelected"],
                bookmarks: Set(try String.fetchAll(db, sql: "SELECT postID FROM bookmark WHERE channelKey = ?", arguments: [key])))
        }
    }

    /// Rates the channel 1...5 stars, or withdraws the rating with nil.
    public func setRating(_ stars: Int?, channel key: String) throws(LibraryError) {
        if let stars, !(1...5).contains(stars) {
            throw LibraryError("a rating is 1 to 5 stars, not \(stars)")
        }
        try setUserChannel("rating", stars, key: key, what: "save the rating of \(key)")
    }

    /// One column of the user's row for a channel, created when missing.
    private func setUserChannel(_ column: String, _ value: (any DatabaseValueConvertible)?, key: String, what: String) throws(LibraryError) {
        try write(what) { db in
            try db.execute(
                sql: "INSERT INTO userChannel (key, \(column)) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET \(column) = excluded.\(column)",
                arguments: [key, value])
        }
    }

    /// Adds or removes a bookmark on a post.
    public func setBookmark(_ postID: String, marked: Bool, channel key: String) throws(LibraryError) {
        let (key, postID) = Self.filed(key, postID)
        try write("save a bookmark in \(key)") { db in
            if marked {
                try db.execute(
                    sql: "INSERT INTO bookmark (channelKey, postID, markedAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [key, postID, Date()])
            } else {
                try db.execute(sql: "DELETE FROM bookmark WHERE channelKey = ? AND postID = ?", arguments: [key, postID])
            }
        }
    }

    public func setLastSelected(_ postID: String, channel key: String) throws(LibraryError) {
        try setUserChannel("lastSelected", postID, key: key, what: "save the position in \(key)")
    }

    /// Copies every vote, read mark, bookmark and last position from a state database of feedtui 0.1 (read only,
    /// never changed), once per file: returns a line saying what was imported, or nil when there was nothing to do.
    /// Marks already in the library win over the old file's.
    public func importState(from statePath: String) throws(LibraryError) -> String? {
        guard FileManager.default.fileExists(atPath: statePath) else { return nil }
        let done = try read("check the imported state databases") { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM importedState WHERE path = ?", arguments: [statePath]) ?? false
        }
        if done { return nil }
        var config = Configuration()
        config.readonly = true
        let old: DatabaseQueue
        do {
            old = try DatabaseQueue(path: statePath, configuration: config)
        } catch {
            throw LibraryError("cannot read the old state database \(statePath): \(Self.reason(error))")
        }
        defer { try? old.close() }
        struct Mark { var key: String, post: String, at: Date }
        let channels: [Row]
        let readMarks: [Mark]
        var bookmarks: [Mark] = []
        do {
            (channels, readMarks, bookmarks) = try old.read { db in
                let channels = try Row.fetchAll(db, sql: "SELECT key, rating, lastSelected FROM channel")
                let marks = try Row.fetchAll(db, sql: "SELECT channelKey, postID, readAt FROM readPost").map {
                    Mark(key: $0[0], post: $0[1], at: $0[2])
                }
                // Bookmarks came with the state database's second migration.
                let books =
                    try db.tableExists("bookmark")
                    ? try Row.fetchAll(db, sql: "SELECT channelKey, postID, markedAt FROM bookmark").map {
                        Mark(key: $0[0], post: $0[1], at: $0[2])
                    } : []
                return (channels, marks, books)
            }
        } catch {
            throw LibraryError("cannot read the old state database \(statePath): \(Self.reason(error))")
        }
        try write("import the old state database \(statePath)") { db in
            for row in channels {
                let key: String = row["key"]
                let rating: Int? = row["rating"]
                try db.execute(
                    sql: """
                        INSERT INTO userChannel (key, rating, lastSelected) VALUES (?, ?, ?)
                        ON CONFLICT (key) DO UPDATE SET rating = coalesce(rating, excluded.rating),
                            lastSelected = coalesce(lastSelected, excluded.lastSelected)
                        """,
                    arguments: [key, rating.flatMap { (1...5).contains($0) ? $0 : nil }, row["lastSelected"] as String?])
            }
            for m in readMarks {
                try db.execute(
                    sql: "INSERT INTO readMark (channelKey, postID, readAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [m.key, m.post, m.at])
            }
            for m in bookmarks {
                try db.execute(
                    sql: "INSERT INTO bookmark (channelKey, postID, markedAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [m.key, m.post, m.at])
            }
            try db.execute(sql: "INSERT INTO importedState (path, importedAt) VALUES (?, ?)", arguments: [statePath, Date()])
        }
        let votes = channels.filter { ($0["rating"] as Int?) != nil }.count
        return "imported \(votes) rating\(votes == 1 ? "" : "s"), \(readMarks.count) read mark\(readMarks.count == 1 ? "" : "s") and \(bookmarks.count) bookmark\(bookmarks.count == 1 ? "" : "s") from \(statePath)"
    }
}
