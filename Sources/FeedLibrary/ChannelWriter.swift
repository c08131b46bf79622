import FeedModel
import Foundation
import GRDB

/// Takes the channels of one source as an importer reads them, each written by a `ChannelWriter`, and reconciles
/// them with the importer's final channels: a streamed channel (`PostStream.streamedAs`) is finished with the final
/// fields; a channel the importer did not stream (the page formats read all at once) is written from its final
/// posts; a streamed channel the importer dropped in the end (one without a title) is abandoned.
final class SourceImport: PostSink {
    let library: Library
    /// Where the channels come from: what names them in the library.
    let source: Source
    /// When the counters read are recorded as seen (a refresh), if they are.
    let samplesAt: Date?
    private let progress: (ImportProgress) -> Bool
    private(set) var failure: LibraryError?
    /// Streamed channels by their index in the source.
    private var writers: [Int: ChannelWriter] = [:]
    weak var stream: PostStream?
    private var bytesRead = 0

    init(library: Library, source: Source, samplesAt: Date?, progress: @escaping (ImportProgress) -> Bool) {
        self.library = library
        self.source = source
        self.samplesAt = samplesAt
        self.progress = progress
    }

    func begin(channel: Int, header: Channel) {
        guard failure == nil else { return }
        do throws(LibraryError) {
            // The channels before this one have all their posts: written and reported first, so that they are
            // shown in the source's order.
            for earlier in writers.keys.sorted() {
                try writers[earlier]?.flush()
                try writers[earlier]?.collect(wait: true)
            }
            writers[channel] = try writer(header, streamed: true, uniqueIDs: stream?.idsAreUnique ?? false)
        } catch {
            failure = error
        }
    }

    func add(_ post: Publication, channel: Int, bytesRead: Int) -> Bool {
        guard failure == nil, let writer = writers[channel] else { return false }
        self.bytesRead = bytesRead
        do throws(LibraryError) {
            try writer.add(post)
            try writer.collect(wait: false)
        } catch {
            failure = error
        }
        return failure == nil
    }

    /// A writer that says how far it got after each committed batch.
    private func writer(_ header: Channel, streamed: Bool, uniqueIDs: Bool = false) throws(LibraryError) -> ChannelWriter {
        let writer = try ChannelWriter(library, header: header, streamed: streamed, uniqueIDs: uniqueIDs)
        writer.committedBatch = { [unowned self, unowned writer] () throws(LibraryError) in try report(writer, total: writer.total) }
        return writer
    }

    /// Says how far `writer` got; a false from `progress` cancels.
    private func report(_ writer: ChannelWriter, total: Int?, ordered: Int? = nil) throws(LibraryError) {
        let p = ImportProgress(
            channel: writer.staging, imported: writer.committed, total: total, bytesRead: total == nil ? bytesRead : 0,
            byteCount: total == nil ? stream?.byteCount ?? 0 : 0, ordered: ordered)
        guard progress(p) else { throw LibraryError("import cancelled") }
    }

    /// Writes what is left of each channel, puts it in order, swaps it for the live copy; the live ids.
    func finish(_ channels: [Channel]) throws(LibraryError) -> [Int64] {
        var streamed = writers
        writers = [:]
        let streamedAs = stream?.streamedAs ?? []
        var ids: [Int64] = []
        // The channel being finished, abandoned with the streamed ones not finished yet on a failure or a cancel.
        var current: ChannelWriter?
        do throws(LibraryError) {
            for (i, channel) in channels.enumerated() {
                let writer: ChannelWriter
                var posts: [Publication]?
                if i < streamedAs.count, let index = streamedAs[i], let handedOver = streamed.removeValue(forKey: index) {
                    writer = handedOver
                    current = writer
                    writer.total = writer.count
                    try writer.flush()
                    try writer.collect(wait: true)
                } else {
                    let read = Library.onePerID(channel.publications)
                    posts = read
                    writer = try self.writer(channel, streamed: false)
                    current = writer
                    writer.total = read.count
                    try write(read, with: writer)
                }
                ids.append(
                    try writer.finish(channel, posts: posts, key: source.key(of: channel, among: channels.count), samplesAt: samplesAt) {
                        ordered throws(LibraryError) in
                        try report(writer, total: writer.count, ordered: ordered)
                    })
                current = nil
            }
        } catch {
            current?.abandon()
            for writer in streamed.values { writer.abandon() }
            throw error
        }
        for dropped in streamed.values { dropped.abandon() }
        return ids
    }

    /// Writes posts read all at once: newest first, with their final positions, so the first batch holds the
    /// first screenful of the default order.
    private func write(_ posts: [Publication], with writer: ChannelWriter) throws(LibraryError) {
        let dates = Publication.placeDates(posts)
        let positions = Positions.final(count: posts.count) { SortKey(date: dates[$0], views: posts[$0].views?.value, seq: $0) }
        // Newest first from the positions just computed, rather than sorting the posts once more.
        var newestFirst = [Int](repeating: 0, count: posts.count)
        for (i, p) in positions.enumerated() { newestFirst[p.newest] = i }
        for i in newestFirst {
            try writer.add(posts[i], seq: i, date: dates[i], positions: positions[i])
            try writer.collect(wait: false)
        }
        try writer.flush()
        try writer.collect(wait: true)
    }

    /// Deletes what was written for channels not finished (on a failure or a cancel).
    func abandon() {
        for writer in writers.values { writer.abandon() }
        writers = [:]
    }
}

/// A post's positions in the three display orders.
struct Positions: Equatable, Sendable {
    var newest: Int
    var oldest: Int
    var viewed: Int

    /// What is stored for a streamed post until every post is there: newest-first and most-viewed in the source's
    /// order, oldest-first in its reverse (below a base that moves down as posts come: `oldestBase`). A feed lists
    /// its newest posts first, so these are most often the final positions, and the end of the import rewrites none.
    init(provisional seq: Int) { (newest, oldest, viewed) = (seq, -seq, seq) }

    init(newest: Int, oldest: Int, viewed: Int) { (self.newest, self.oldest, self.viewed) = (newest, oldest, viewed) }

    /// Where position 0 of oldest-first is stored while `count` posts are streamed (`init(provisional:)`).
    static func oldestBase(streamed count: Int) -> Int { min(0, 1 - count) }

    /// The positions of each of `count` posts (`key(i).seq == i`) in the orders `PostOrder.arrange` gives.
    static func final(count: Int, key: (Int) -> SortKey) -> [Positions] {
        let (newest, oldest, viewed) = (PostOrder.newest.ranks(count: count, key: key), PostOrder.oldest.ranks(count: count, key: key),
            PostOrder.mostViewed.ranks(count: count, key: key))
        return (0..<count).map { Positions(newest: Int(newest[$0]), oldest: Int(oldest[$0]), viewed: Int(viewed[$0])) }
    }
}

/// One channel written into a copy of its own ('importing'), a batch per transaction on a thread of its own
/// while the next batch is read, then given its final order, statistics and fields and swapped for the live copy.
final class ChannelWriter {
    let library: Library
    let staging: Int64
    /// Posts come in the source's order as they are read (positions provisional until `finish`), rather than all
    /// at once with their final positions.
    let streamed: Bool
    /// The importer gives every post an id of its own (`PostStream.idsAreUnique`): none replaces an earlier one.
    private let uniqueIDs: Bool
    private let title: String
    /// Posts handed over (one per id) and posts committed.
    private(set) var count = 0
    private(set) var committed = 0
    /// How many posts the channel has, once known (a streamed one's when its source is read).
    var total: Int?
    /// Called after each committed batch is taken in; throws to cancel.
    var committedBatch: () throws(LibraryError) -> Void = {}
    private var pending: [PostRow] = []
    /// One written, one made ready and waiting its turn, one being made: with two, the reading waited while the
    /// second only waited for the first, and a core was idle (100 000 posts: 4.8 → 4.2 s; four: no faster).
    static let inFlightBatches = 3
    /// Batches handed to their threads, oldest first: at most `inFlightBatches`.
    private var inFlight: [Pending<Result<[Int64], LibraryError>>] = []
    /// Streamed posts are not held: by their place in the source, the date and views each gave (for its final
    /// place; NaN and `Int64.min` for none), the date it was written with where that is not the one it gave (an
    /// undated or replaced post), and its row (`RowRuns`). Of the ids only their hashes are kept (`earlierPlace`):
    /// a million ids would hold more memory than the rest of the import.
    private var idHashes = Set<Int>()
    private var given: [Double] = []
    /// Empty until a post gives its views (a feed's never do: a million posts held 8 MB of none), then as long as
    /// the last post that gave them.
    private var views: [Int64] = []
    private var writtenDates: [Int: Double] = [:]
    private var lastWritten: Double?
    private var rows = RowRuns()
    /// The statistics of the streamed posts, counted as they come; `replaced`: a post replaced an earlier one,
    /// so they are counted again from the library at the end.
    private var tally: ChannelStatistics.Tally
    private var replaced = false
    /// The terms of the posts written, until they are written as a run of the index (by the batches, in turn).
    private let index: SearchIndexWriter

    struct PostRow: Sendable {
        var seq: Int
        var post: Publication
        var date: Double
        var positions: Positions
        /// A later post with the id of one already handed over: it replaces that one's content.
        var replaces = false

        /// What is stored: the native-JSON record, and the terms of a replacing post's searchable text (those of the
        /// others are in their batch's `BatchTerms`).
        struct Stored {
            var record: Data
            var terms: [Int64]
        }
    }

    init(_ library: Library, header: Channel, streamed: Bool, uniqueIDs: Bool = false) throws(LibraryError) {
        self.library = library
        self.streamed = streamed
        self.uniqueIDs = uniqueIDs
        title = header.title
        tally = ChannelStatistics.Tally(clock: library.clock)
        let empty = ChannelStatistics(Channel(header: header), clock: library.clock)
        staging = try library.write("start importing \(header.title)") { db -> Int64 in
            try db.execute(
                sql: "INSERT INTO channel (status, record, statistics, topPosts, touchedAt, importer) VALUES ('importing', ?, ?, '[]', ?, ?)",
                arguments: [
                    NativeRecordCoder().record(channel: header), try? JSONEncoder().encode(empty), Date().timeIntervalSince1970,
                    ImporterProcess.current,
                ])
            return db.lastInsertedRowID
        }
        index = SearchIndexWriter(channel: staging)
    }

    /// A streamed post, in the source's order; one with the id of an earlier one replaces it.
    func add(_ post: Publication) throws(LibraryError) {
        // An undated post sorts by the date before it until `finish` places it (Publication.placeDates).
        let given = post.date?.timeIntervalSince1970
        let date = given ?? lastWritten ?? Date.distantPast.timeIntervalSince1970
        let hash = uniqueIDs ? 0 : post.id.hashValue
        if let seq = try earlierPlace(of: post.id, hash: hash) {
            writtenDates[seq] = date
            if seq == count - 1 { lastWritten = date }
            self.given[seq] = given ?? .nan
            note(views: post.views?.value, at: seq)
            replaced = true
            pending.append(PostRow(seq: seq, post: post, date: date, positions: Positions(provisional: seq), replaces: true))
        } else {
            if !uniqueIDs { idHashes.insert(hash) }
            if given == nil { writtenDates[count] = date }
            lastWritten = date
            self.given.append(given ?? .nan)
            note(views: post.views?.value, at: count)
            tally.add(post)
            pending.append(PostRow(seq: count, post: post, date: date, positions: Positions(provisional: count)))
            count += 1
        }
        try flushWhenFull()
    }

    /// The views a streamed post gave, at its place.
    private func note(views value: Int64?, at seq: Int) {
        guard let value else {
            if seq < views.count { views[seq] = .min }
            return
        }
        if seq >= views.count { views += repeatElement(.min, count: seq + 1 - views.count) }
        views[seq] = value
    }

    /// The place of an earlier streamed post with this id, if any. Only a post whose id's hash was seen before is
    /// looked up: in the batch not written yet, else in the library (the batches before it written first).
    private func earlierPlace(of id: String, hash: Int) throws(LibraryError) -> Int? {
        guard !uniqueIDs, idHashes.contains(hash) else { return nil }
        if let row = pending.last(where: { $0.post.id == id }) { return row.seq }
        try flush()
        try collect(wait: true)
        let staging = staging
        return try library.read("look up \(id)") { db in
            try Int.fetchOne(db, sql: "SELECT seq FROM post WHERE channel = ? AND id = ?", arguments: [staging, id])
        }
    }

    /// A post read all at once, with its final date and positions.
    func add(_ post: Publication, seq: Int, date: Double, positions: Positions) throws(LibraryError) {
        pending.append(PostRow(seq: seq, post: post, date: date, positions: positions))
        count += 1
        try flushWhenFull()
    }

    /// A batch is full: a small first one, so that the first screenful is in at once, then `Library.batch`.
    private func flushWhenFull() throws(LibraryError) {
        if pending.count >= (committed == 0 && inFlight.isEmpty ? Library.firstBatch : Library.batch) { try flush() }
    }

    /// Hands the pending posts to a thread of their own, which makes their records and search terms while the batch
    /// before them is written, then writes them after it.
    func flush() throws(LibraryError) {
        guard !pending.isEmpty else { return }
        while inFlight.count >= Self.inFlightBatches { try collectOldest() }
        let batch = pending
        pending = []
        let (library, staging, total, before, index) = (library, staging, count, inFlight.last, index)
        let oldestBase = streamed ? Positions.oldestBase(streamed: count) : 0
        inFlight.append(
            Pending {
                let coder = NativeRecordCoder()
                // The terms of the posts the batch adds, by their places among them (`Library.write` gives them
                // their rowids); a replacing post's terms on its own. Made beside the rows, not into them: a row
                // changed in the array the reading handed over copied every row (~2% of an import).
                var terms = index.batchTerms()
                defer { index.recycle(terms) }
                var made: [PostRow.Stored] = []
                made.reserveCapacity(batch.count)
                for i in batch.indices {
                    let text = batch[i].post.searchableText
                    made.append(PostRow.Stored(record: coder.record(batch[i].post), terms: batch[i].replaces ? terms.maker.terms(of: text) : []))
                    if !batch[i].replaces { terms.add(text) }
                }
                // Batches are written in their order: their rows make the runs of `RowRuns`.
                if case .failure(let error)? = before?.wait() { return .failure(error) }
                return library.write(batch, made, terms: terms, into: staging, count: total, oldestBase: oldestBase, index: index)
            })
    }

    /// Takes in the batches written so far (waiting for every one, or only those already committed).
    func collect(wait: Bool) throws(LibraryError) {
        while let oldest = inFlight.first, wait || oldest.isDone { try collectOldest() }
    }

    private func collectOldest() throws(LibraryError) {
        guard !inFlight.isEmpty else { return }
        let batch = inFlight.removeFirst()
        guard let written = batch.wait() else { return }
        let inserted = try written.get()
        if streamed { rows.append(inserted) }
        committed += inserted.count
        try committedBatch()
    }

    /// Places undated posts and puts every post in its final positions (a streamed channel), stores the final
    /// fields and statistics, keeps the old copy's posts the source no longer has, and swaps the copies in one
    /// transaction. `ordered` is told how many posts are in place, batch by batch, and may throw to cancel.
    /// `posts`: those written all at once (nil for a streamed channel); `samplesAt`: when their counters are seen.
    func finish(
        _ channel: Channel, posts: [Publication]?, key: String, samplesAt: Date?, ordered: (Int) throws(LibraryError) -> Void
    ) throws(LibraryError) -> Int64 {
        var statistics: ChannelStatistics?
        if let posts {
            var final = channel
            final.publications = posts
            statistics = ChannelStatistics(final, clock: library.clock)
        } else if !replaced {
            statistics = tally.statistics(of: channel)
        }
        tally = ChannelStatistics.Tally(clock: library.clock)
        let newest = streamed ? try order(progress: ordered) : []
        let (count, clock, rows, index) = (count, library.clock, rows, index)
        try library.write("finish importing \(title)") { db in
            try index.write(db)
            let statistics = try statistics ?? Library.statistics(db, channel: staging, header: channel, clock: clock)
            let update = try db.makeStatement(sql: "UPDATE post SET newest = ? WHERE rowid = ?")
            for (seq, position) in newest.enumerated() where Int(position) != seq {
                try update.execute(arguments: [Int(position), rows.rowid(of: seq)])
            }
            try db.execute(
                sql: """
                    UPDATE channel SET record = ?, statistics = ?, topPosts = ?, postCount = ?, skippedCount = ?, skippedLine = ?,
                        skippedReason = ?, notice = ?, touchedAt = ? WHERE id = ?
                    """,
                arguments: [
                    NativeRecordCoder().record(channel: channel), try? JSONEncoder().encode(statistics),
                    Library.list(statistics.topPosts.map(\.id)), count, channel.skipped.count, channel.skipped.firstLine,
                    channel.skipped.firstReason, channel.notice, Date().timeIntervalSince1970, staging,
                ])
            if let samplesAt { try Library.recordSamples(db, channel: staging, count: count, key: key, at: samplesAt) }
            if let old = try Library.liveChannel(db, key: key) {
                // Unread means new: a post the old copy lacked that is older than its newest is not news.
                try db.execute(
                    sql: """
                        INSERT INTO readMark (channelKey, postID, readAt) SELECT ?, n.id, ? FROM post n
                        WHERE n.channel = ? AND n.date < (SELECT date FROM post WHERE channel = ? ORDER BY newest LIMIT 1)
                            AND NOT EXISTS (SELECT 1 FROM post o WHERE o.channel = ? AND o.id = n.id)
                        ON CONFLICT DO NOTHING
                        """,
                    arguments: [key, Date(), staging, old, old])
                try library.carryOver(db, from: old, to: staging, after: count)
                try db.execute(sql: "UPDATE channel SET key = NULL, status = 'old' WHERE id = ?", arguments: [old])
            }
            try db.execute(sql: "UPDATE channel SET key = ?, status = 'live' WHERE id = ?", arguments: [key, staging])
            try OrderMap.keep(db, channel: staging, column: Library.column(.newest), base: try Library.base(db, channel: staging, .newest))
        }
        return staging
    }

    /// Rewrites the date and the oldest-first and most-viewed positions of every streamed post whose final ones
    /// differ, a batch per transaction; returns every post's newest-first position. Those are what the list shows
    /// while the channel is imported (the source's order until then): they change with the swap, in its
    /// transaction, so that the list never mixes two orders. A million posts take 8 bytes each here at most.
    private func order(progress: (Int) throws(LibraryError) -> Void) throws(LibraryError) -> [Int32] {
        // The reading is over: no more ids to tell apart.
        idHashes = []
        let (given, views) = (given, views)
        let final = Publication.placeDates(count: count) { given[$0].isNaN ? nil : given[$0] }
        let key = { (i: Int) in SortKey(date: final[i], views: i < views.count && views[i] != .min ? views[i] : nil, seq: i) }
        let oldest = PostOrder.oldest.ranks(count: count, key: key)
        let viewed = PostOrder.mostViewed.ranks(count: count, key: key)
        // As stored: oldest-first below the base the streamed posts left (`Positions.init(provisional:)`).
        let oldestBase = Positions.oldestBase(streamed: count)
        func changes(_ i: Int) -> Bool {
            final[i] != writtenDates[i] ?? given[i] || Int(oldest[i]) + oldestBase != -i || Int(viewed[i]) != i
        }
        var done = 0
        var next = 0
        while next < count {
            var part: [Int] = []
            while next < count, part.count < Library.batch {
                if changes(next) { part.append(next) } else { done += 1 }
                next += 1
            }
            if !part.isEmpty {
                try library.write("order \(title)") { db in
                    let update = try db.cachedStatement(sql: "UPDATE post SET date = ?, oldest = ?, viewed = ? WHERE rowid = ?")
                    for i in part {
                        try update.execute(arguments: [final[i], Int(oldest[i]) + oldestBase, Int(viewed[i]), rows.rowid(of: i)])
                    }
                    try db.execute(sql: "UPDATE channel SET touchedAt = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, staging])
                }
            }
            done += part.count
            try progress(done)
        }
        return PostOrder.newest.ranks(count: count, key: key)
    }

    /// Gives up this copy: marked for `collectGarbage`, never shown.
    func abandon() {
        for batch in inFlight { _ = batch.wait() }
        inFlight = []
        try? library.write("cancel the import of \(title)") { db in
            try db.execute(sql: "UPDATE channel SET status = 'old' WHERE id = ?", arguments: [staging])
        }
    }
}

/// The rows of a streamed channel's posts by their place in the source, as runs of consecutive rowids: a batch's
/// posts are inserted one after the other in one transaction, so a run is most often a batch, and a million rows
/// take a few kilobytes rather than 8 MB.
struct RowRuns: Sendable {
    /// Where each run starts: the place of its first post and that post's rowid.
    private var starts: [(seq: Int, rowid: Int64)] = []
    private(set) var count = 0

    /// The rowids of the next posts, in their order.
    mutating func append(_ rowids: [Int64]) {
        for rowid in rowids {
            if let last = starts.last, last.rowid + Int64(count - last.seq) == rowid {
                count += 1
                continue
            }
            starts.append((count, rowid))
            count += 1
        }
    }

    func rowid(of seq: Int) -> Int64 {
        // The last run starting at or before `seq`.
        var (low, high) = (0, starts.count)
        while high - low > 1 {
            let mid = (low + high) / 2
            if starts[mid].seq <= seq { low = mid } else { high = mid }
        }
        return starts[low].rowid + Int64(seq - starts[low].seq)
    }
}

extension Library {
    /// Writes one batch of posts into a channel being imported, in one transaction; the rowids of the posts it
    /// added (a replacing post adds none). Runs on the writing thread.
    fileprivate func write(
        _ rows: [ChannelWriter.PostRow], _ made: [ChannelWriter.PostRow.Stored], terms: BatchTerms, into staging: Int64, count: Int,
        oldestBase: Int, index: SearchIndexWriter
    ) -> Result<[Int64], LibraryError> {
        do throws(LibraryError) {
            return .success(
                try write("import posts") { db -> [Int64] in
                    let insertPost = try Insert(
                        db, sql: "INSERT INTO post (channel, id, date, views, seq, newest, oldest, viewed, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    insertPost.bind(staging, at: 1)
                    var added: [Int64] = []
                    added.reserveCapacity(rows.count)
                    // By index: a row taken out of the array is a copy of each of its fields.
                    for i in rows.indices {
                        if rows[i].replaces {
                            guard
                                let old = try Row.fetchOne(
                                    db, sql: "SELECT rowid FROM post WHERE channel = ? AND id = ?", arguments: [staging, rows[i].post.id])
                            else { continue }
                            let rowid: Int64 = old[0]
                            try db.execute(
                                sql: "UPDATE post SET date = ?, views = ?, record = ? WHERE rowid = ?",
                                arguments: [rows[i].date, rows[i].post.views?.value, made[i].record, rowid])
                            index.replace(rowid, made[i].terms)
                            continue
                        }
                        let ps = rows[i].positions
                        insertPost.bind(rows[i].post.id, at: 2)
                        insertPost.bind(rows[i].date, at: 3)
                        insertPost.bind(rows[i].post.views?.value, at: 4)
                        insertPost.bind(rows[i].seq, at: 5)
                        insertPost.bind(ps.newest, at: 6)
                        insertPost.bind(ps.oldest, at: 7)
                        insertPost.bind(ps.viewed, at: 8)
                        try insertPost.execute(blob: made[i].record, at: 9)
                        added.append(db.lastInsertedRowID)
                    }
                    try index.add(terms, rowids: added, db)
                    if index.isFull { try index.write(db) }
                    try db.execute(
                        sql: "UPDATE channel SET postCount = ?, oldestBase = ?, touchedAt = ? WHERE id = ?",
                        arguments: [count, oldestBase, Date().timeIntervalSince1970, staging])
                    return added
                })
        } catch {
            return .failure(error)
        }
    }
}
