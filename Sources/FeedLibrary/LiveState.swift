import FeedModel
import Foundation
import GRDB

/// Where a followed source stands: its last refresh, the validators for the next conditional GET, and how far
/// `refresh --history` walked back.
public struct RefreshState: Equatable, Sendable {
    public var source: Source
    /// The library channel the source fills ("@name", the feed's URL …); nil before its first successful refresh.
    public var channelKey: String?
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    /// One line, nil after a successful refresh.
    public var lastError: String?
    public var validators = Validators()
    /// The oldest post id the history walk has reached (it goes on before it); nil before the first walk.
    public var historyBefore: Int?
    public var historyComplete = false
    /// Runs of a t.me channel's posts a refresh could not reach (it was cut short); the next refresh fills them.
    public var gaps: [Gap] = []

    public init(source: Source) { self.source = source }

    /// What the user is told about the source: its last error and the posts still missing.
    public var problem: String? {
        let parts = [lastError, Gap.describe(gaps)].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// Posts missing from a t.me channel in the library: those numbered between `older` and `newer` (both held).
public struct Gap: Codable, Equatable, Sendable {
    public var older: Int
    public var newer: Int

    public init(older: Int, newer: Int) {
        self.older = older
        self.newer = newer
    }

    /// "posts missing between 1200 and 1350", for the home screen and `feedtui list`.
    public static func describe(_ gaps: [Gap]) -> String? {
        guard !gaps.isEmpty else { return nil }
        return "posts missing between " + gaps.map { "\($0.older) and \($0.newer)" }.joined(separator: ", ")
    }
}

extension Library {
    public func refreshState(_ source: Source) throws(LibraryError) -> RefreshState {
        try read("read the refresh state of \(source.text)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM refreshState WHERE source = ?", arguments: [source.text])
                .map { Self.refreshState($0) } ?? RefreshState(source: source)
        }
    }

    /// Every source's state, by source text.
    public func refreshStates() throws(LibraryError) -> [String: RefreshState] {
        try read("read the refresh states") { db in
            var out: [String: RefreshState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM refreshState") {
                let s = Self.refreshState(row)
                out[s.source.text] = s
            }
            return out
        }
    }

    private static func refreshState(_ row: Row) -> RefreshState {
        var s = RefreshState(source: Source(row["source"] as String))
        s.channelKey = row["channelKey"]
        s.lastAttempt = (row["lastAttempt"] as Double?).map(Date.init(timeIntervalSince1970:))
        s.lastSuccess = (row["lastSuccess"] as Double?).map(Date.init(timeIntervalSince1970:))
        s.lastError = row["lastError"]
        s.validators = Validators(etag: row["etag"], lastModified: row["lastModified"])
        s.historyBefore = row["historyBefore"]
        s.historyComplete = row["historyComplete"] as Bool
        s.gaps = (row["gaps"] as String?).flatMap { try? JSONDecoder().decode([Gap].self, from: Data($0.utf8)) } ?? []
        return s
    }

    public func saveRefreshState(_ s: RefreshState) throws(LibraryError) {
        try write("save the refresh state of \(s.source.text)") { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO refreshState (source, channelKey, lastAttempt, lastSuccess, lastError, etag,
                        lastModified, historyBefore, historyComplete, gaps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    s.source.text, s.channelKey, s.lastAttempt?.timeIntervalSince1970, s.lastSuccess?.timeIntervalSince1970,
                    s.lastError, s.validators.etag, s.validators.lastModified, s.historyBefore, s.historyComplete,
                    s.gaps.isEmpty ? nil : String(decoding: (try? JSONEncoder().encode(s.gaps)) ?? Data(), as: UTF8.self),
                ])
        }
    }

    /// Records, in an import's transaction, the counters of the first `count` posts of copy `channel` that report
    /// views (those its source gave, before any kept from the old copy), as seen at `time`, under `key`: from the
    /// rows, since an import streamed from its source holds none of its posts.
    static func recordSamples(_ db: Database, channel: Int64, count: Int, key: String, at time: Date) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO viewSample (channelKey, postID, at, posted, views, forwards, reactions)
                SELECT ?, id, ?, CASE WHEN json_type(r, '$.date') IS NULL THEN NULL ELSE date END, views,
                    coalesce(json_extract(r, '$.forwards.value'), json_extract(r, '$.forwards')),
                    coalesce(json_extract(r, '$.reactions.value'), json_extract(r, '$.reactions'))
                FROM (SELECT id, date, views, CAST(record AS TEXT) AS r FROM post WHERE channel = ? AND seq < ? AND views IS NOT NULL)
                """,
            arguments: [key, time.timeIntervalSince1970, channel, count])
    }

    /// Records the counters of every post that reports views, as seen at `time`.
    public func recordSamples(channel key: String, posts: [Publication], at time: Date) throws(LibraryError) {
        try write("record view counts of \(key)") { db in
            for p in posts {
                guard let views = p.views?.value else { continue }
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO viewSample (channelKey, postID, at, posted, views, forwards, reactions)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        key, p.id, time.timeIntervalSince1970, p.date?.timeIntervalSince1970, views, p.forwards?.value,
                        p.reactions?.value,
                    ])
            }
        }
    }

    /// One post's samples, oldest first.
    public func samples(channel key: String, post id: String) throws(LibraryError) -> [ViewSample] {
        let (key, id) = Self.filed(key, id)
        return try read("read the view history of \(key)") { db in
            try Row.fetchAll(
                db, sql: "SELECT at, views, forwards, reactions FROM viewSample WHERE channelKey = ? AND postID = ? ORDER BY at",
                arguments: [key, id]
            ).map(Self.sample)
        }
    }

    /// Reach at 24 h and 48 h and ERR from every sample of the channel.
    public func reach(channel key: String, subscribers: Int64?) throws(LibraryError) -> ViewReach {
        try read("read the view history of \(key)") { db in
            var posts: [String: (date: Date?, samples: [ViewSample])] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT postID, posted, at, views, forwards, reactions FROM viewSample WHERE channelKey = ? ORDER BY at",
                arguments: [key])
            while let row = try rows.next() {
                let id: String = row["postID"]
                posts[id, default: ((row["posted"] as Double?).map(Date.init(timeIntervalSince1970:)), [])].samples.append(Self.sample(row))
            }
            return ViewReach(posts: Array(posts.values), subscribers: subscribers)
        }
    }

    private static func sample(_ row: Row) -> ViewSample {
        ViewSample(
            at: Date(timeIntervalSince1970: row["at"]), views: row["views"], forwards: row["forwards"], reactions: row["reactions"])
    }

    /// The library's channel of a followed source, with the source's refresh state; nil before it was refreshed.
    public func followedChannel(_ source: Source) throws(LibraryError) -> (LibraryChannel, RefreshState)? {
        let state = try refreshState(source)
        let key = state.channelKey ?? source.identity
        guard let ch = try channels().first(where: { $0.key == key }) else { return nil }
        return (ch, state)
    }
}
