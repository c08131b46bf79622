import FeedModel
import GRDB

extension Library {
    /// The user's marks on one channel with only the read marks of `posts` (the posts on screen): what the
    /// browser holds, whatever the channel's size.
    public func marks(channel key: String, readAmong posts: [String]) throws(LibraryError) -> UserMarks {
        try read("read the marks of \(key)") { db in
            let row = try Row.fetchOne(db, sql: "SELECT rating, lastSelected FROM userChannel WHERE key = ?", arguments: [key])
            return UserMarks(
                rating: row?["rating"], read: try Self.read(db, channel: key, among: posts), lastSelected: row?["lastSelected"],
                bookmarks: Set(try String.fetchAll(db, sql: "SELECT postID FROM bookmark WHERE channelKey = ?", arguments: [key])))
        }
    }

    /// Which of `posts` the user has read: a lookup per post in the read marks' primary key.
    public func read(channel key: String, among posts: [String]) throws(LibraryError) -> Set<String> {
        try read("read the marks of \(key)") { db in try Self.read(db, channel: key, among: posts) }
    }

    private static func read(_ db: Database, channel key: String, among posts: [String]) throws -> Set<String> {
        guard !posts.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: posts.count).joined(separator: ", ")
        return Set(try String.fetchAll(
            db, sql: "SELECT postID FROM readMark WHERE channelKey = ? AND postID IN (\(marks))",
            arguments: StatementArguments([key] + posts)))
    }
}
