import Foundation
import GRDB
import Synchronization

/// The terms of the posts written into one copy of a channel since its last run, by term, until they are written
/// as a run (`write`): in memory (`TermTable`). Posts come with ascending rowids (`add`); a post given again (its
/// text changed) is kept apart (`replace`) and voids its earlier entries.
final class SearchIndexWriter: @unchecked Sendable {
    let channel: Int64
    /// A run is written once it holds this many entries (~2.2 bytes each here: ~9 MB).
    static let runEntries = 4_000_000

    private var table = TermTable()
    private var base: Int64 = -1
    private var lastAdded: Int64 = -1
    private var replaced: [Int64: [Int64]] = [:]
    private var replacedEntries = 0
    /// Posts given with `add` since the last run.
    private var added = 0

    /// Arrays the batches make their terms in, given back once a batch is written: made anew by each batch's thread
    /// (3–4 MB each), they were left scattered over the allocator's per-thread arenas (a million posts peaked ~55 MiB
    /// higher).
    private let buffers = Mutex<[[Int64]]>([])

    init(channel: Int64) { self.channel = channel }

    func termBuffer() -> [Int64] { buffers.withLock { $0.popLast() } ?? [] }

    func recycle(_ buffer: inout [Int64]) {
        buffer.removeAll(keepingCapacity: true)
        let kept = buffer
        buffer = []
        buffers.withLock { $0.append(kept) }
    }

    deinit { table.free() }

    var isFull: Bool { table.entries + replacedEntries >= Self.runEntries }

    /// A post's terms; its rowid above every rowid added since the last run (otherwise it is taken as `replace`).
    func add(_ rowid: Int64, _ postTerms: ArraySlice<Int64>) {
        if base < 0 { base = rowid }
        guard rowid > lastAdded, rowid - base < Int64(UInt32.max) else { return replace(rowid, Array(postTerms)) }
        lastAdded = rowid
        added += 1
        let offset = UInt32(rowid - base)
        // The table is a value of raw buffers: worked on as a local, without the checks a class's stored property
        // takes at each access.
        var table = table
        for term in postTerms { table.append(term, offset) }
        self.table = table
    }

    /// The terms of a post whose text changed: its entries in earlier runs, and those given here before, are void.
    func replace(_ rowid: Int64, _ postTerms: [Int64]) {
        replacedEntries += postTerms.count - (replaced[rowid]?.count ?? 0)
        replaced[rowid] = postTerms
    }

    /// Writes what was given since the last run as a run of the channel (nothing when nothing was given).
    func write(_ db: Database) throws {
        guard table.count > 0 || !replaced.isEmpty else { return }
        // The replaced posts' terms, by term; their entries among the others are void.
        var extra: [Int64: [Int64]] = [:]
        for (rowid, postTerms) in replaced {
            for term in postTerms where extra[term]?.last != rowid { extra[term, default: []].append(rowid) }
        }
        let first = min(base >= 0 ? base : .max, replaced.keys.min() ?? .max)
        let last = max(lastAdded, replaced.keys.max() ?? .min)
        let run = try SearchIndex.newRun(db, channel: channel, first: first, last: last, posts: added + replaced.count)
        let table = table
        var order = Array(0..<table.count)
        order.sort { table.term($0) < table.term($1) }
        let extraTerms = extra.keys.sorted()
        let insert = try db.cachedStatement(sql: "INSERT INTO searchTerm (run, term, posts) VALUES (?, ?, ?)")
        var rowids: [Int64] = []
        var next = 0
        func put(_ term: Int64) throws {
            guard !rowids.isEmpty else { return }
            try insert.execute(arguments: [run, term, rowids.withUnsafeBufferPointer(PostingList.encode)])
        }
        for number in order {
            let term = table.term(number)
            // The replaced posts' terms that sort before this one.
            while next < extraTerms.count, extraTerms[next] < term {
                rowids = extra[extraTerms[next]]?.sorted() ?? []
                try put(extraTerms[next])
                next += 1
            }
            rowids.removeAll(keepingCapacity: true)
            table.forEach(of: number) { offset in
                let rowid = base + Int64(offset)
                if replaced.isEmpty || replaced[rowid] == nil { rowids.append(rowid) }
            }
            if next < extraTerms.count, extraTerms[next] == term {
                rowids = (rowids + (extra[term] ?? [])).sorted()
                next += 1
            }
            try put(term)
        }
        while next < extraTerms.count {
            rowids = extra[extraTerms[next]]?.sorted() ?? []
            try put(extraTerms[next])
            next += 1
        }
        for rowid in replaced.keys {
            try db.execute(
                sql: "INSERT INTO searchGone (channel, post, run) VALUES (?, ?, ?) ON CONFLICT (channel, post) DO UPDATE SET run = excluded.run",
                arguments: [channel, rowid, run])
        }
        reset()
    }

    private func reset() {
        table.clear()
        base = -1
        lastAdded = -1
        replaced = [:]
        replacedEntries = 0
        added = 0
    }
}

/// Terms and, for each, the offsets of the posts holding it, in raw buffers (a value, copied freely; `free` once):
/// a term found by open addressing, its offsets in chunks (`chunk`).
private struct TermTable {
    /// A term's number: its key, first and last chunk, last offset.
    private struct Term {
        var key: Int64
        var head: Int32
        var tail: Int32
        var last: UInt32
    }

    private var capacity = 1 << 16
    /// For each slot: the term's number plus one, 0 when empty.
    private var slots: UnsafeMutablePointer<Int32>
    private var terms: UnsafeMutablePointer<Term>
    private var termCapacity = 1 << 15
    private(set) var count = 0
    private(set) var entries = 0
    /// Each chunk (a cache line) in 16-bit words: the next chunk's number (0: none) in two, how many of the rest are
    /// used, then the gaps from one offset to the next (from 0 for the first), each in one word or, when larger,
    /// 0xFFFF and two words. In blocks of `blockChunks` that never move (an array doubling would hold twice the
    /// memory at once).
    private var blocks: UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>
    private var blockCapacity = 64
    private var blockCount = 0
    private var chunkCount = 1
    private static let chunk = 32
    private static let blockChunks = 4_096

    init() {
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        terms = .allocate(capacity: termCapacity)
        blocks = .allocate(capacity: blockCapacity)
    }

    func free() {
        slots.deallocate()
        terms.deallocate()
        for i in 0..<blockCount { blocks[i].deallocate() }
        blocks.deallocate()
    }

    /// Empties the table, keeping its blocks for the next run: freed and made again by the threads that write the
    /// batches, they scattered the allocator's memory (an import of a million posts peaked 48 MiB higher).
    mutating func clear() {
        slots.update(repeating: 0, count: capacity)
        chunkCount = 1
        count = 0
        entries = 0
    }

    func term(_ number: Int) -> Int64 { terms[number].key }

    @inline(__always)
    mutating func append(_ key: Int64, _ offset: UInt32) {
        var slot = Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & (capacity - 1)
        while true {
            let found = slots[slot]
            if found == 0 {
                if count == termCapacity {
                    let larger = UnsafeMutablePointer<Term>.allocate(capacity: termCapacity * 2)
                    larger.moveInitialize(from: terms, count: count)
                    terms.deallocate()
                    terms = larger
                    termCapacity *= 2
                }
                let chunk = newChunk()
                terms[count] = Term(key: key, head: chunk, tail: chunk, last: offset)
                slots[slot] = Int32(count + 1)
                put(offset, into: count)
                count += 1
                if count * 2 > capacity { grow() }
                return
            }
            let number = Int(found - 1)
            if terms[number].key == key {
                let last = terms[number].last
                guard last != offset else { return }
                terms[number].last = offset
                put(offset - last, into: number)
                return
            }
            slot = (slot + 1) & (capacity - 1)
        }
    }

    /// Appends a gap to a term's last chunk, or to a new one when it does not fit.
    @inline(__always)
    private mutating func put(_ gap: UInt32, into number: Int) {
        var tail = chunk(Int(terms[number].tail))
        let words = gap < 0xFFFF ? 1 : 3
        if Int(tail[2]) + words > Self.chunk - 3 {
            let next = newChunk()
            tail[0] = UInt16(truncatingIfNeeded: next)
            tail[1] = UInt16(truncatingIfNeeded: next >> 16)
            terms[number].tail = next
            tail = chunk(Int(next))
        }
        let at = 3 + Int(tail[2])
        if words == 1 {
            tail[at] = UInt16(gap)
        } else {
            tail[at] = 0xFFFF
            tail[at + 1] = UInt16(gap >> 16)
            tail[at + 2] = UInt16(truncatingIfNeeded: gap)
        }
        tail[2] += UInt16(words)
        entries += 1
    }

    /// An empty chunk; its number.
    @inline(__always)
    private mutating func newChunk() -> Int32 {
        let number = chunkCount
        if number / Self.blockChunks >= blockCount {
            if blockCount == blockCapacity {
                let larger = UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>.allocate(capacity: blockCapacity * 2)
                larger.moveInitialize(from: blocks, count: blockCount)
                blocks.deallocate()
                blocks = larger
                blockCapacity *= 2
            }
            blocks[blockCount] = .allocate(capacity: Self.blockChunks * Self.chunk)
            blockCount += 1
        }
        chunkCount += 1
        let new = chunk(number)
        new[0] = 0
        new[1] = 0
        new[2] = 0
        return Int32(number)
    }

    @inline(__always)
    private func chunk(_ number: Int) -> UnsafeMutablePointer<UInt16> {
        blocks[number / Self.blockChunks] + (number % Self.blockChunks) * Self.chunk
    }

    private mutating func grow() {
        slots.deallocate()
        capacity *= 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        for number in 0..<count {
            var slot = Int(truncatingIfNeeded: (UInt64(bitPattern: terms[number].key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(number + 1)
        }
    }

    /// Each offset of a term's posts, ascending.
    func forEach(of number: Int, _ body: (UInt32) -> Void) {
        var link = Int(terms[number].head)
        var offset: UInt32 = 0
        while link != 0 {
            let words = chunk(link)
            var at = 3
            let end = 3 + Int(words[2])
            while at < end {
                if words[at] == 0xFFFF {
                    offset &+= UInt32(words[at + 1]) << 16 | UInt32(words[at + 2])
                    at += 3
                } else {
                    offset &+= UInt32(words[at])
                    at += 1
                }
                body(offset)
            }
            link = Int(words[0]) | Int(words[1]) << 16
        }
    }
}
