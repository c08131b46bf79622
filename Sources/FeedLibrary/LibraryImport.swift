import FeedModel
import Foundation
import GRDB
import Synchronization

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
    /// The channel being filled: it can be shown (its first posts are there) before the import ends.
    public var channel: Int64
    /// Posts written so far.
    public var imported: Int
    /// How many posts the channel has: nil while its source is still being read.
    public var total: Int?
    /// Bytes of the source read so far, of `byteCount` (0 when the importer read it all before handing posts over).
    public var bytesRead: Int
    public var byteCount: Int
    /// Posts put in their final places so far, once the source is read: a streamed channel comes in the source's
    /// order, and its three display orders are known only when every post is there.
    public var ordered: Int?

    public init(channel: Int64, imported: Int, total: Int? = nil, bytesRead: Int = 0, byteCount: Int = 0, ordered: Int? = nil) {
        self.channel = channel
        self.imported = imported
        self.total = total
        self.bytesRead = bytesRead
        self.byteCount = byteCount
        self.ordered = ordered
    }

    /// How far the import is, 0…1: the share of the source read while it is read, then of the posts written,
    /// then of the posts put in order.
    public var share: Double {
        func part(_ a: Int, _ b: Int) -> Double { b > 0 ? min(1, Double(a) / Double(b)) : 0 }
        guard let total else { return part(bytesRead, byteCount) }
        return ordered.map { part($0, total) } ?? part(imported, total)
    }
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
                guard let id = try Self.liveChannel(db, key: key) else { return nil }
                ids.append(id)
            }
            return ids
        }
    }

    /// Imports the channels of one source while it is read: `read` parses it, handing each post to the stream as
    /// it goes (`FeedLoader.load(…, stream:)`), and returns the final channels (those streamed without their posts,
    /// which only the library then holds: `PostStream.streamedAs`). Each channel is written into a
    /// copy of its own in batched transactions — its first screenful is in the library while the rest is still
    /// being read — then put in its display orders, given its statistics and swapped for the live copy in one
    /// transaction, so that a crash or a cancel at any moment leaves every channel with its old or its new content.
    /// Posts of the old copy that the source no longer has are kept; a post with the same id is replaced by its
    /// new version (views, text, reactions), never duplicated.
    ///
    /// `samplesAt`: the counters of the source's posts are recorded as seen then (a refresh), in the transaction that
    /// swaps the copies.
    ///
    /// `progress` is called after each committed batch (on the calling thread); returning false cancels: what was
    /// written for unfinished channels is deleted and `LibraryError("import cancelled")` is thrown (channels
    /// already swapped stay). Returns the live channel ids, in the source's order. The replaced copies, and those
    /// of imports killed before, are deleted by `collectGarbage`, which the caller runs once its work is done:
    /// deleting a large copy takes seconds, which an import started at once (a refresh's next source, a history
    /// walk) should not wait for.
    @discardableResult
    public func importSource(
        _ source: Source, from stamp: SourceStamp? = nil, samplesAt: Date? = nil, read: (PostStream) throws(FeedError) -> [Channel],
        progress: (ImportProgress) -> Bool = { _ in true }
    ) throws(LibraryError) -> [Int64] {
        let (ids, keys) = try withoutActuallyEscaping(progress) { progress throws(LibraryError) in
            let sink = SourceImport(library: self, source: source, samplesAt: samplesAt, progress: progress)
            let stream = PostStream(sink)
            sink.stream = stream
            do throws(LibraryError) {
                let channels: [Channel]
                do throws(FeedError) {
                    channels = try read(stream)
                } catch {
                    throw sink.failure ?? LibraryError(error.description)
                }
                if let failure = sink.failure { throw failure }
                return (try sink.finish(channels), channels.map { source.key(of: $0, among: channels.count) })
            } catch {
                // What the failed or cancelled import wrote goes at once.
                sink.abandon()
                collectGarbage()
                throw error
            }
        }
        if let stamp {
            let list = Self.list(keys)
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

    /// Imports channels already read (see `importSource`).
    @discardableResult
    public func importChannels(
        _ channels: [Channel], from source: Source, stamp: SourceStamp? = nil, samplesAt: Date? = nil,
        progress: (ImportProgress) -> Bool = { _ in true }
    ) throws(LibraryError) -> [Int64] {
        try importSource(source, from: stamp, samplesAt: samplesAt, read: { _ in channels }, progress: progress)
    }

    /// Posts written per transaction: the first batch is small so the first screenful shows at once. Four
    /// batches are held at a time (read, and `ChannelWriter.inFlightBatches`); 1 000 imported 100 000 posts faster
    /// than 2 000 or 500 and holds 18 MiB less than 2 000 (BENCHMARKS.md).
    static let firstBatch = 200
    static let batch = 1_000

    /// Copies the old copy's posts that the new source no longer has (a feed keeps only its latest items) into
    /// the new copy, then re-ranks and recomputes the statistics over all of them.
    func carryOver(_ db: Database, from old: Int64, to new: Int64, after count: Int) throws {
        let kept = try Row.fetchAll(
            db,
            sql: """
                SELECT p.id, p.date, p.views, p.seq, p.record FROM post p
                WHERE p.channel = ? AND NOT EXISTS (SELECT 1 FROM post n WHERE n.channel = ? AND n.id = p.id)
                """,
            arguments: [old, new])
        guard !kept.isEmpty else { return }
        var maker = TermMaker()
        let index = SearchIndexWriter(channel: new)
        for row in kept {
            let seq: Int = row["seq"]
            try db.execute(
                sql: "INSERT INTO post (channel, id, date, views, seq, newest, oldest, viewed, record) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)",
                arguments: [new, row["id"] as String, row["date"] as Double, row["views"] as Int64?, count + seq, row["record"] as Data])
            guard let post = NativeRecordCoder.publication(row["record"]) else { continue }
            index.add(db.lastInsertedRowID, text: post.searchableText, maker: &maker)
        }
        try index.write(db)
        try Self.rank(db, channel: new)
        let header = try Data.fetchOne(db, sql: "SELECT record FROM channel WHERE id = ?", arguments: [new])
        let statistics = try Self.statistics(db, channel: new, header: header.flatMap(NativeRecordCoder.channel) ?? Channel(title: ""), clock: clock)
        try db.execute(
            sql: "UPDATE channel SET statistics = ?, topPosts = ?, postCount = ? WHERE id = ?",
            arguments: [
                try? JSONEncoder().encode(statistics), Self.list(statistics.topPosts.map(\.id)),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM post WHERE channel = ?", arguments: [new]), new,
            ])
    }

    /// The statistics of a channel's posts as stored, counted one record at a time in the source's order (the
    /// posts are not held: a channel can have a million).
    static func statistics(_ db: Database, channel id: Int64, header: Channel, clock: Clock) throws -> ChannelStatistics {
        var tally = ChannelStatistics.Tally(clock: clock)
        let records = try Data.fetchCursor(db, sql: "SELECT record FROM post WHERE channel = ? ORDER BY seq", arguments: [id])
        while let record = try records.next() {
            if let post = NativeRecordCoder.publication(record) { tally.add(post) }
        }
        return tally.statistics(of: header)
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

    static func list(_ ids: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Deletes replaced copies, cancelled imports and those of processes that are gone (killed; a copy an older
    /// feedtui left without saying whose it is: once it stopped writing ten minutes ago), a batch per transaction
    /// so that other readers and writers are never held up for long, then gives the space back. Failures are left
    /// for the next time.
    public func collectGarbage() {
        let stale = Date().timeIntervalSince1970 - 600
        // Free pages left by a collection cut short (the process quit or was killed while giving space back) are
        // given back too, even when nothing is deleted now.
        defer { releaseSpace() }
        while true {
            let more = try? write("delete replaced posts") { db -> Bool in
                let channels = try Row.fetchAll(
                    db, sql: "SELECT id, status, importer, touchedAt FROM channel WHERE status IN ('old', 'importing')"
                ).filter { row in
                    guard row["status"] as String == "importing" else { return true }
                    let importer: String? = row["importer"]
                    return importer.map(ImporterProcess.isGone) ?? ((row["touchedAt"] as Double) < stale)
                }
                guard let id: Int64 = channels.first?["id"] else { return false }
                // The copy's index first: a run at a time.
                if let run = try Int64.fetchOne(db, sql: "SELECT id FROM searchRun WHERE channel = ? LIMIT 1", arguments: [id]) {
                    try SearchIndex.delete(db, run: run)
                    return true
                }
                try db.execute(sql: "DELETE FROM searchGone WHERE channel = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM keptOrder WHERE channel = ?", arguments: [id])
                let rows = try Row.fetchAll(db, sql: "SELECT rowid FROM post WHERE channel = ? LIMIT 5000", arguments: [id])
                if rows.isEmpty {
                    try db.execute(sql: "DELETE FROM channel WHERE id = ?", arguments: [id])
                    return true
                }
                try db.execute(sql: "DELETE FROM post WHERE rowid IN (\(rows.map { String($0[0] as Int64) }.joined(separator: ",")))")
                return true
            }
            if more != true { return }
        }
    }

    /// Gives the space of deleted posts back, a step per transaction: the file is truncated by its free pages (a
    /// library created with incremental auto-vacuum; an older one keeps them for the next imports: converting it
    /// would rewrite the whole file), at the next WAL checkpoint.
    private func releaseSpace() {
        let free = (try? read("count free pages") { db in try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0 }) ?? 0
        guard free > 0 else { return }
        while (try? write("give free space back", { db -> Bool in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return false }
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            try db.execute(sql: "PRAGMA incremental_vacuum(2048)")
            let left = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            return left > 0 && left < free
        })) == true {}
    }
}

/// The process that fills a copy of a channel, told apart from any later one given the same pid: its pid, when it
/// started (clock ticks after boot) and the boot's id (Linux's /proc).
enum ImporterProcess {
    /// This process; nil where /proc cannot tell (its copies are then collected by age).
    static let current: String? = identity(of: getpid())

    /// Whether the process that filled a copy has ended (killed, or the machine restarted since).
    static func isGone(_ importer: String) -> Bool {
        let parts = importer.split(separator: " ")
        guard parts.count == 3, let pid = pid_t(parts[1]) else { return false }
        return identity(of: pid) != importer
    }

    /// nil for a process that does not run (a zombie has ended).
    private static func identity(of pid: pid_t) -> String? {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let name = stat.lastIndex(of: ")")
        else { return nil }
        // After the command's name: the state (field 3 of stat) … the start time (field 22).
        let fields = stat[stat.index(after: name)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return "\(boot.trimmingCharacters(in: .whitespacesAndNewlines)) \(pid) \(fields[19])"
    }
}

/// Work started on a thread of its own whose result is waited for later.
final class Pending<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)
    private let finished = Atomic<Bool>(false)

    init(_ work: @escaping @Sendable () -> T) {
        Thread.detachNewThread { [self] in
            result = work()
            finished.store(true, ordering: .releasing)
            done.signal()
        }
    }

    /// Whether the result is there (`wait` would not block).
    var isDone: Bool { finished.load(ordering: .acquiring) }

    /// The result; the semaphore orders the write before this read.
    func wait() -> T? {
        done.wait()
        done.signal()
        return result
    }
}
