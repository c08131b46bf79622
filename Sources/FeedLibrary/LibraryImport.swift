import FeedModel
import Foundation
import GRDB

/// How a file looked when it was imported: enough to tell, without parsing it again, that it has not changed —
/// its size, its modification time, and a hash of its first and last 64 KiB.
public struct SourceStamp: Equatable, Sendable {
    public var path: String
    public var size: Int64
    public var modified: Double
    public var sample: Int64

    /// nil for standard input, pipes and anything else that is not a regular file (those are imported every time).
    public init?(path: String) {
        guard path != "-" else { return nil }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: absolute),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = (attributes[.size] as? NSNumber)?.int64Value,
            let modified = attributes[.modificationDate] as? Date,
            let handle = FileHandle(forReadingAtPath: absolute)
        else { return nil }
        defer { try? handle.close() }
        let part = 64 << 10
        var hash = FNV1a()
        hash.add((try? handle.read(upToCount: part)) ?? Data())
        if size > Int64(part) {
            try? handle.seek(toOffset: UInt64(max(Int64(part), size - Int64(part))))
            hash.add((try? handle.read(upToCount: part)) ?? Data())
        }
        self.path = absolute
        self.size = size
        self.modified = modified.timeIntervalSince1970
        sample = Int64(bitPattern: hash.value)
    }
}

/// 64-bit FNV-1a: a small, stable hash (Swift's own Hasher is seeded per process).
private struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ data: Data) {
        for byte in data {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
        }
    }
}

/// Where an import stands, after each committed batch.
public struct ImportProgress: Equatable, Sendable {
    /// Which of the source's channels is being imported, and how many there are.
    public var channelIndex: Int
    public var channelCount: Int
    /// The channel being filled: it can be shown (its first posts are there) before the import ends.
    public var channel: Int64
    public var imported: Int
    public var total: Int
}

extension Library {
    /// The library's channels for a file that has not changed since it was imported (same size, modification
    /// time and sampled hash, every channel still there); nil when it must be imported again.
    public func channels(unchanged stamp: SourceStamp) throws(LibraryError) -> [Int64]? {
        try read("look up \(stamp.path)") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT size, modified, sample, channels FROM source WHERE path = ?", arguments: [stamp.path]),
                row["size"] as Int64 == stamp.size, row["modified"] as Double == stamp.modified,
                row["sample"] as Int64 == stamp.sample,
                let keys = try? JSONDecoder().decode([String].self, from: Data((row["channels"] as String).utf8))
            else { return nil }
            var ids: [Int64] = []
            for key in keys {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ? AND status = 'live'", arguments: [key])
                else { return nil }
                ids.append(id)
            }
            return ids
        }
    }

    /// Imports the channels of one source: each is written into a channel of its own in batched transactions,
    /// then swapped for the live copy in one transaction, so that a crash or a cancel at any moment leaves every
    /// channel with its old or its new content. Posts of the old copy that the source no longer has are kept; a
    /// post with the same id is replaced by its new version (views, text, reactions), never duplicated.
    ///
    /// `progress` is called after each committed batch; returning false cancels: what was written for the
    /// unfinished channel is deleted and `LibraryError("import cancelled")` is thrown (channels already swapped stay).
    /// Returns the live channel ids, in the source's order. The replaced copies are deleted by `collectGarbage`
    /// (deleting a large one takes a while: the caller runs it once the new copies are shown).
    @discardableResult
    public func importChannels(
        _ channels: [Channel], from stamp: SourceStamp? = nil, progress: (ImportProgress) -> Bool = { _ in true }
    ) throws(LibraryError) -> [Int64] {
        collectGarbage()
        var ids: [Int64] = []
        var keys: [String] = []
        for (n, channel) in channels.enumerated() {
            let key = Self.key(of: channel)
            let id = try importChannel(channel, key: key) { imported, total, staging in
                progress(ImportProgress(channelIndex: n, channelCount: channels.count, channel: staging, imported: imported, total: total))
            }
            ids.append(id)
            keys.append(key)
        }
        if let stamp {
            let list = String(decoding: (try? JSONEncoder().encode(keys)) ?? Data("[]".utf8), as: UTF8.self)
            try write("record \(stamp.path)") { db in
                try db.execute(
                    sql: """
                        INSERT INTO source (path, size, modified, sample, channels) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified = excluded.modified,
                            sample = excluded.sample, channels = excluded.channels
                        """,
                    arguments: [stamp.path, stamp.size, stamp.modified, stamp.sample, list])
            }
        }
        return ids
    }

    /// The key the user's marks are filed under: "@handle", else the feed's URL, else its title.
    public static func key(of channel: Channel) -> String {
        if let handle = channel.handle { return "@" + handle }
        return channel.url ?? channel.title
    }

    /// Posts written per transaction: the first batch is small so the first screenful shows at once.
    static let firstBatch = 200
    static let batch = 5_000

    private func importChannel(_ source: Channel, key: String, progress: (Int, Int, Int64) -> Bool) throws(LibraryError) -> Int64 {
        let posts = Self.onePerID(source.publications)
        var channel = source
        channel.publications = posts
        let statistics = ChannelStatistics(channel)
        var position = (newest: [Int](repeating: 0, count: posts.count), oldest: [Int](repeating: 0, count: posts.count), viewed: [Int](repeating: 0, count: posts.count))
        let newestOrder = PostOrder.newest.arrange(posts)
        for (rank, i) in newestOrder.enumerated() { position.newest[i] = rank }
        for (rank, i) in PostOrder.oldest.arrange(posts).enumerated() { position.oldest[i] = rank }
        for (rank, i) in PostOrder.mostViewed.arrange(posts).enumerated() { position.viewed[i] = rank }
        let dates = Publication.placeDates(posts)
        let coder = NativeRecordCoder()
        let staging = try write("start importing \(channel.title)") { db -> Int64 in
            try db.execute(
                sql: """
                    INSERT INTO channel (status, record, statistics, topPosts, skippedCount, skippedLine, skippedReason, notice, touchedAt)
                    VALUES ('importing', ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    coder.record(channel: channel), try? JSONEncoder().encode(statistics),
                    Self.list(statistics.topPosts.map(\.id)), channel.skipped.count, channel.skipped.firstLine,
                    channel.skipped.firstReason, channel.notice, Date().timeIntervalSince1970,
                ])
            return db.lastInsertedRowID
        }
        // Newest first, so the first batch holds the first screenful of the default order. Each batch's records
        // and folded text are prepared on another thread while the batch before it is written.
        let batches = Self.batches(count: newestOrder.count)
        var next = batches.first.map { Self.prepare(posts, newestOrder[$0]) }
        for (n, range) in batches.enumerated() {
            guard let records = next?.wait() else { break }
            next = n + 1 < batches.count ? Self.prepare(posts, newestOrder[batches[n + 1]]) : nil
            try write("import \(channel.title)") { db in
                let insertPost = try db.cachedStatement(
                    sql: "INSERT INTO post (channel, id, date, views, seq, newest, oldest, viewed, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                let insertText = try db.cachedStatement(sql: "INSERT INTO postText (rowid, text) VALUES (?, ?)")
                for (i, record) in zip(newestOrder[range], records) {
                    let p = posts[i]
                    try insertPost.execute(arguments: [
                        staging, p.id, dates[i].timeIntervalSince1970, p.views?.value, i, position.newest[i], position.oldest[i],
                        position.viewed[i], record.json,
                    ])
                    try insertText.execute(arguments: [db.lastInsertedRowID, record.text])
                }
                try db.execute(
                    sql: "UPDATE channel SET postCount = ?, touchedAt = ? WHERE id = ?",
                    arguments: [range.upperBound, Date().timeIntervalSince1970, staging])
            }
            if !progress(range.upperBound, posts.count, staging) {
                _ = next?.wait()
                try? write("cancel the import of \(channel.title)") { db in
                    try db.execute(sql: "UPDATE channel SET status = 'old' WHERE id = ?", arguments: [staging])
                }
                collectGarbage()
                throw LibraryError("import cancelled")
            }
        }
        try write("finish importing \(channel.title)") { db in
            if let old = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE key = ? AND status = 'live'", arguments: [key]) {
                try carryOver(db, from: old, to: staging, after: posts.count)
                try db.execute(sql: "UPDATE channel SET key = NULL, status = 'old' WHERE id = ?", arguments: [old])
            }
            try db.execute(sql: "UPDATE channel SET key = ?, status = 'live' WHERE id = ?", arguments: [key, staging])
        }
        if posts.isEmpty { _ = progress(0, 0, staging) }
        return staging
    }

    /// Copies the old copy's posts that the new source no longer has (a feed keeps only its latest items) into
    /// the new copy, then re-ranks and recomputes the statistics over all of them.
    private func carryOver(_ db: Database, from old: Int64, to new: Int64, after count: Int) throws {
        let kept = try Row.fetchAll(
            db,
            sql: """
                SELECT p.id, p.date, p.views, p.seq, p.record, t.text FROM post p JOIN postText t ON t.rowid = p.rowid
                WHERE p.channel = ? AND NOT EXISTS (SELECT 1 FROM post n WHERE n.channel = ? AND n.id = p.id)
                """,
            arguments: [old, new])
        guard !kept.isEmpty else { return }
        for row in kept {
            let seq: Int = row["seq"]
            try db.execute(
                sql: "INSERT INTO post (channel, id, date, views, seq, newest, oldest, viewed, record) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)",
                arguments: [new, row["id"] as String, row["date"] as Double, row["views"] as Int64?, count + seq, row["record"] as Data])
            try db.execute(sql: "INSERT INTO postText (rowid, text) VALUES (?, ?)", arguments: [db.lastInsertedRowID, row["text"] as String])
        }
        // The same orders as PostOrder.arrange, with seq standing for the position in the source.
        try db.execute(
            sql: """
                UPDATE post SET newest = r.n, oldest = r.o, viewed = r.v FROM (
                    SELECT rowid AS rid,
                        row_number() OVER (ORDER BY date DESC, seq ASC) - 1 AS n,
                        row_number() OVER (ORDER BY date ASC, seq ASC) - 1 AS o,
                        row_number() OVER (ORDER BY coalesce(views, -1) DESC, date DESC, seq ASC) - 1 AS v
                    FROM post WHERE channel = ?) AS r
                WHERE post.rowid = r.rid
                """,
            arguments: [new])
        let header = try Data.fetchOne(db, sql: "SELECT record FROM channel WHERE id = ?", arguments: [new])
        var channel = header.flatMap(NativeRecordCoder.channel) ?? Channel(title: "")
        channel.publications = try Data.fetchAll(db, sql: "SELECT record FROM post WHERE channel = ? ORDER BY seq", arguments: [new])
            .compactMap(NativeRecordCoder.publication)
        let statistics = ChannelStatistics(channel)
        try db.execute(
            sql: "UPDATE channel SET statistics = ?, topPosts = ?, postCount = ? WHERE id = ?",
            arguments: [try? JSONEncoder().encode(statistics), Self.list(statistics.topPosts.map(\.id)), channel.publications.count, new])
    }

    /// One post per id, as the library stores them: a later duplicate in the source replaces the earlier one.
    static func onePerID(_ publications: [Publication]) -> [Publication] {
        var posts: [Publication] = []
        var at: [String: Int] = [:]
        for p in publications {
            if let i = at[p.id] { posts[i] = p } else {
                at[p.id] = posts.count
                posts.append(p)
            }
        }
        return posts
    }

    /// The ranges of positions each transaction writes: a small first one, then `batch` at a time.
    static func batches(count: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        while start < count {
            let end = min(count, start + (start == 0 ? firstBatch : batch))
            out.append(start..<end)
            start = end
        }
        return out
    }

    /// A post's stored record and its folded searchable text.
    struct PreparedPost: Sendable {
        var json: Data
        var text: String
    }

    /// Encodes and folds these posts on a thread of its own; `wait()` gives them in order.
    private static func prepare(_ posts: [Publication], _ indexes: ArraySlice<Int>) -> Pending<[PreparedPost]> {
        let slice = Array(indexes)
        return Pending {
            let coder = NativeRecordCoder()
            var folder = SearchText()
            return slice.map { PreparedPost(json: coder.record(posts[$0]), text: folder.fold(posts[$0].searchableText)) }
        }
    }

    static func list(_ ids: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Deletes replaced copies, cancelled imports and imports that stopped writing ten minutes ago (killed), a
    /// batch per transaction so that other readers and writers are never held up for long. Failures are left for
    /// the next time.
    public func collectGarbage() {
        let stale = Date().timeIntervalSince1970 - 600
        while true {
            let more = try? write("delete replaced posts") { db -> Bool in
                let channels = try Int64.fetchAll(
                    db, sql: "SELECT id FROM channel WHERE status = 'old' OR (status = 'importing' AND touchedAt < ?)",
                    arguments: [stale])
                guard let id = channels.first else { return false }
                let rows = try Int64.fetchAll(db, sql: "SELECT rowid FROM post WHERE channel = ? LIMIT 5000", arguments: [id])
                if rows.isEmpty {
                    try db.execute(sql: "DELETE FROM channel WHERE id = ?", arguments: [id])
                    return true
                }
                let list = rows.map(String.init).joined(separator: ",")
                try db.execute(sql: "DELETE FROM postText WHERE rowid IN (\(list))")
                try db.execute(sql: "DELETE FROM post WHERE rowid IN (\(list))")
                return true
            }
            if more != true { return }
        }
    }
}

/// Work started on a thread of its own whose result is waited for later.
final class Pending<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> T) {
        Thread.detachNewThread { [self] in
            result = work()
            done.signal()
        }
    }

    /// The result; the semaphore orders the write before this read.
    func wait() -> T? {
        done.wait()
        done.signal()
        return result
    }
}
