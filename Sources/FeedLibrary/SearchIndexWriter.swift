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

    /// What the batches make their terms with, given back once a batch is written: made anew by each batch's thread,
    /// they were left scattered over the allocator's per-thread arenas (a million posts peaked ~55 MiB higher), and
    /// each batch folded every character it met anew.
    private let batches = Mutex<[BatchTerms]>([])

    init(channel: Int64) { self.channel = channel }

    func batchTerms() -> BatchTerms { batches.withLock { $0.popLast() } ?? BatchTerms() }

    func recycle(_ batch: BatchTerms) {
        var batch = batch
        batch.clear()
        batches.withLock { $0.append(batch) }
    }

    deinit {
        table.free()
        batches.withLock { for batch in $0 { batch.table.free() } }
    }

    var isFull: Bool { table.entries + replacedEntries >= Self.runEntries }

    /// Where a post's entries go: its rowid must be above every rowid added since the last run, else nil (it is
    /// taken as `replace`).
    private func offset(of rowid: Int64) -> UInt32? {
        if base < 0 { base = rowid }
        guard rowid > lastAdded, rowid - base < Int64(UInt32.max) else { return nil }
        lastAdded = rowid
        added += 1
        return UInt32(rowid - base)
    }

    /// A post's terms (`TermMaker.terms(of:)`).
    func add(_ rowid: Int64, _ postTerms: [Int64]) {
        guard let offset = offset(of: rowid) else { return replace(rowid, postTerms) }
        for term in postTerms { table.append(term, offset) }
    }

    /// A post's searchable text.
    func add(_ rowid: Int64, text: String, maker: inout TermMaker) {
        guard let offset = offset(of: rowid) else { return replace(rowid, maker.terms(of: text)) }
        table.add(text, offset: offset, maker: &maker)
    }

    /// The posts of a batch (`BatchTerms`), their rowids by their places in it: written first as a run of their own
    /// when they would not fit in this one.
    func add(_ batch: BatchTerms, rowids: [Int64], _ db: Database) throws {
        guard let first = rowids.first, let last = rowids.last else { return }
        if first <= lastAdded || (base >= 0 && last - base >= Int64(UInt32.max)) { try write(db) }
        guard Int(batch.count) == rowids.count, last - first < Int64(UInt32.max), zip(rowids, rowids.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            // Rowids SQLite gave a batch's inserts one after the other are ascending, one a post: kept right all
            // the same.
            for (rowid, terms) in zip(rowids, batch.table.termsByOffset(count: rowids.count)) { add(rowid, terms) }
            return
        }
        if base < 0 { base = first }
        let offsets = rowids.map { UInt32($0 - base) }
        offsets.withUnsafeBufferPointer { table.append(batch.table, offsets: $0) }
        lastAdded = last
        added += rowids.count
    }

    /// The terms of a post whose text changed: its entries in earlier runs, and those given here before, are void.
    func replace(_ rowid: Int64, _ postTerms: [Int64]) {
        replacedEntries += postTerms.count - (replaced[rowid]?.count ?? 0)
        replaced[rowid] = postTerms
    }

    /// Writes what was given since the last run as a run of the channel (nothing when nothing was given).
    func write(_ db: Database) throws {
        guard table.count > 0 || !replaced.isEmpty else { return reset() }
        // The replaced posts' terms, by term; their entries among the others are void.
        var extra: [Int64: [Int64]] = [:]
        for (rowid, postTerms) in replaced {
            for term in postTerms where extra[term]?.last != rowid { extra[term, default: []].append(rowid) }
        }
        let first = min(base >= 0 ? base : .max, replaced.keys.min() ?? .max)
        let last = max(lastAdded, replaced.keys.max() ?? .min)
        let run = try SearchIndex.newRun(db, channel: channel, first: first, last: last, posts: added + replaced.count)
        // As locals: read at each entry, a class's stored properties are checked at each access.
        let (table, replaced, base) = (table, replaced, base)
        var order = Array(0..<table.count)
        order.sort { table.term($0) < table.term($1) }
        let extraTerms = extra.keys.sorted()
        var rows = try RunRows(db, run: run, joins: .grouped)
        var rowids: [Int64] = []
        var next = 0
        func put(_ term: Int64) throws {
            guard !rowids.isEmpty else { return }
            try rows.add(term, rowids.withUnsafeBufferPointer(PostingList.encode))
        }
        for number in order {
            let term = table.term(number)
            // The replaced posts' terms that sort before this one.
            while next < extraTerms.count, extraTerms[next] < term {
                rowids = extra[extraTerms[next]]?.sorted() ?? []
                try put(extraTerms[next])
                next += 1
            }
            // Without replaced posts (no extra terms either), the list is the table's as it is.
            guard !replaced.isEmpty else {
                if let list = table.postingList(of: number, base: base) { try rows.add(term, list) }
                continue
            }
            rowids.removeAll(keepingCapacity: true)
            table.forEach(of: number) { offset in
                if replaced[base + Int64(offset)] == nil { rowids.append(base + Int64(offset)) }
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
        try rows.finish()
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

/// What a batch's thread makes its posts' terms with: a table of them by the post's place in the batch, and the
/// maker, both kept from one batch to the next (`SearchIndexWriter.batchTerms`).
struct BatchTerms: @unchecked Sendable {
    var table = TermTable(flatJoins: true)
    var maker = TermMaker()
    /// Posts given so far: the place of the next.
    private(set) var count: UInt32 = 0

    /// The next post's searchable text.
    mutating func add(_ text: String) {
        table.add(text, offset: count, maker: &maker)
        count += 1
    }

    mutating func clear() {
        table.clear()
        count = 0
    }
}

/// Terms and, for each, the offsets of the posts holding it (ascending, each once), in raw buffers (a value,
/// copied freely; `free` once): a term found by open addressing, its offsets in chunks (`chunk`).
struct TermTable {
    /// A term, by its number: its key, first and last chunk, its last offset plus one (0: none yet) and how many
    /// offsets it has (in what would be padding).
    private struct Term {
        var key: Int64
        var head: Int32
        var tail: Int32
        var next: UInt32
        var count: UInt32
    }

    private var capacity = 1 << 12
    /// For each slot: the term's number plus one, 0 when empty.
    private var slots: UnsafeMutablePointer<Int32>
    /// Whether the joins given are kept as they come (`joinEntries`, a batch's table) or as terms (a run's table, which
    /// also numbers the joins of the batches it takes in).
    private let flatJoins: Bool
    /// For each join (`SearchTerms.joinIndex`): its number plus one, 0 when not met; not in `slots`.
    private var joinNumbers: UnsafeMutablePointer<Int32>
    /// The joins given to a batch's table, apart from its terms: each the join above `joinShift` bits and the offset
    /// below (a batch's offsets are its posts' places in it: a join at a larger one is kept as a term), in their order,
    /// sorted by join once the batch is taken in (`forEachJoin`). A post gives each of its joins once (`TermMaker`).
    /// As terms, 16 384 joins, each with its own chunk in each batch, were reached at random by every post (an import
    /// ~10% slower).
    private var joinEntries: UnsafeMutablePointer<UInt32>
    private static let joinShift = 32 - UInt32(SearchTerms.joinBits)
    private var joinCapacity = 1 << 12
    private(set) var joinCount = 0
    private var terms: UnsafeMutablePointer<Term>
    private var termCapacity = 1 << 11
    private(set) var count = 0
    private(set) var entries = 0
    /// A gap took three words (`put`).
    private var escaped = false
    /// Each chunk (a cache line) in 16-bit words: the next chunk's number (0: none) in two, how many of the rest are
    /// used, then the gaps from one offset plus one to the next (from 0 for the first), each in one word or, when
    /// larger, 0xFFFF and two words. In blocks of `blockChunks` that never move (an array doubling would hold twice the
    /// memory at once).
    private var blocks: UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>
    private var blockCapacity = 64
    private var blockCount = 0
    private var chunkCount = 1
    private static let chunk = 32
    private static let blockShift = 12
    private static let blockChunks = 1 << blockShift

    init(flatJoins: Bool = false) {
        self.flatJoins = flatJoins
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        joinNumbers = .allocate(capacity: SearchTerms.joins)
        joinNumbers.initialize(repeating: 0, count: SearchTerms.joins)
        joinEntries = .allocate(capacity: flatJoins ? joinCapacity : 0)
        terms = .allocate(capacity: termCapacity)
        blocks = .allocate(capacity: blockCapacity)
    }

    func free() {
        slots.deallocate()
        joinNumbers.deallocate()
        joinEntries.deallocate()
        terms.deallocate()
        for i in 0..<blockCount { blocks[i].deallocate() }
        blocks.deallocate()
    }

    /// Empties the table, keeping its blocks for the next run: freed and made again by the threads that write the
    /// batches, they scattered the allocator's memory (an import of a million posts peaked 48 MiB higher).
    mutating func clear() {
        slots.update(repeating: 0, count: capacity)
        joinNumbers.update(repeating: 0, count: SearchTerms.joins)
        joinCount = 0
        chunkCount = 1
        count = 0
        entries = 0
        escaped = false
    }

    func term(_ number: Int) -> Int64 { terms[number].key }

    /// A post's text, at `offset`: above every offset given before.
    mutating func add(_ text: String, offset: UInt32, maker: inout TermMaker) {
        var post = Post(table: self, offset: offset)
        maker.give(text, to: &post)
        self = post.table
    }

    /// A post's terms going into the table.
    private struct Post: TermSink {
        var table: TermTable
        let offset: UInt32
        mutating func take(_ term: Int64) { table.append(term, offset) }
    }

    /// A term of a post at `offset`: kept once however often the post gives it (a join: given once).
    @inline(__always)
    mutating func append(_ key: Int64, _ offset: UInt32) {
        if flatJoins, offset < 1 << Self.joinShift, let join = SearchTerms.joinIndex(key) {
            return appendJoin(UInt32(join) << Self.joinShift | offset)
        }
        let number = number(of: key)
        let next = terms[number].next
        guard offset >= next else { return }
        put(offset - next, into: number)
        terms[number].next = offset + 1
    }

    /// Appends the entries of another table, its offsets mapped by `offsets` (ascending).
    mutating func append(_ other: TermTable, offsets: UnsafeBufferPointer<UInt32>) {
        guard let low = offsets.first, let high = offsets.last else { return }
        // Offsets one after the other leave every gap but a term's first as it is: its words are copied.
        let copied = !other.escaped && Int(high - low) == offsets.count - 1
        for source in 0..<other.count {
            let number = number(of: other.term(source))
            guard copied else {
                put(into: number) { each in other.forEach(of: source) { each(offsets[Int($0)]) } }
                continue
            }
            var first = true
            other.forEachChunk(of: source) { words in
                var words = words
                if first, let gap = words.first {
                    put(low + UInt32(gap) - terms[number].next, into: number)
                    words = UnsafeBufferPointer(rebasing: words.dropFirst())
                    first = false
                }
                copy(words, into: number)
            }
            terms[number].next = low + other.terms[source].next
        }
        // A join at a time, numbered like a term here (a run's table).
        other.forEachJoin { join, posts in
            put(into: number(of: join)) { each in for at in posts { each(offsets[Int(at)]) } }
        }
    }

    /// Appends to a term the offsets `each` gives, ascending and above those it has.
    private mutating func put(into number: Int, _ each: ((UInt32) -> Void) -> Void) {
        var next = terms[number].next
        each { offset in
            put(offset - next, into: number)
            next = offset + 1
        }
        terms[number].next = next
    }

    @inline(__always)
    private mutating func appendJoin(_ entry: UInt32) {
        if joinCount == joinCapacity { Self.double(&joinEntries, count: joinCount, capacity: &joinCapacity) }
        joinEntries[joinCount] = entry
        joinCount += 1
        entries &+= 1
    }

    /// Each join given, ascending, with the offsets of its posts (ascending, as they came).
    func forEachJoin(_ body: (Int64, UnsafeBufferPointer<UInt32>) throws -> Void) rethrows {
        guard joinCount > 0 else { return }
        // Counted, then placed: a stable sort by join in two passes.
        var starts = [Int](repeating: 0, count: SearchTerms.joins + 1)
        for i in 0..<joinCount { starts[Int(joinEntries[i] >> Self.joinShift) + 1] += 1 }
        for join in 0..<SearchTerms.joins { starts[join + 1] += starts[join] }
        var offsets = [UInt32](repeating: 0, count: joinCount)
        var next = starts
        for i in 0..<joinCount {
            let join = Int(joinEntries[i] >> Self.joinShift)
            offsets[next[join]] = joinEntries[i] & (1 << Self.joinShift - 1)
            next[join] += 1
        }
        try offsets.withUnsafeBufferPointer { offsets in
            for join in 0..<SearchTerms.joins where starts[join + 1] > starts[join] {
                try body(
                    Int64(bitPattern: SearchTerms.firstJoin | UInt64(join)),
                    UnsafeBufferPointer(rebasing: offsets[starts[join]..<starts[join + 1]]))
            }
        }
    }

    /// Appends gaps of one word each to a term's chunks.
    private mutating func copy(_ words: UnsafeBufferPointer<UInt16>, into number: Int) {
        var (from, left) = (words.baseAddress, words.count)
        while left > 0, let source = from {
            var tail = chunk(Int(terms[number].tail))
            if Int(tail[2]) == Self.chunk - 3 { tail = extend(number) }
            let n = min(left, Self.chunk - 3 - Int(tail[2]))
            (tail + 3 + Int(tail[2])).update(from: source, count: n)
            tail[2] += UInt16(n)
            terms[number].count += UInt32(n)
            entries += n
            from = source + n
            left -= n
        }
    }

    /// The terms of each post, by offset, of the first `count`.
    func termsByOffset(count: Int) -> [[Int64]] {
        var terms = [[Int64]](repeating: [], count: count)
        for number in 0..<self.count {
            forEach(of: number) { if Int($0) < count { terms[Int($0)].append(term(number)) } }
        }
        forEachJoin { join, offsets in
            for offset in offsets where Int(offset) < count { terms[Int(offset)].append(join) }
        }
        return terms
    }

    /// A term's number, added with no entries when it is new.
    @inline(__always)
    private mutating func number(of key: Int64) -> Int {
        if let join = SearchTerms.joinIndex(key) {
            if joinNumbers[join] != 0 { return Int(joinNumbers[join]) &- 1 }
            let number = newTerm(key)
            joinNumbers[join] = Int32(number + 1)
            return number
        }
        var slot = firstSlot(of: key)
        while true {
            let found = slots[slot]
            if found == 0 { break }
            let number = Int(found) &- 1
            if terms[number].key == key { return number }
            slot = (slot + 1) & (capacity - 1)
        }
        let number = newTerm(key)
        slots[slot] = Int32(number + 1)
        if count * 2 > capacity { grow() }
        return number
    }

    /// The slot where the search for a term (not a join) starts.
    @inline(__always)
    private func firstSlot(of key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & (capacity - 1)
    }

    /// A new term with no entries; its number.
    private mutating func newTerm(_ key: Int64) -> Int {
        if count == termCapacity { Self.double(&terms, count: count, capacity: &termCapacity) }
        let chunk = newChunk()
        terms[count] = Term(key: key, head: chunk, tail: chunk, next: 0, count: 0)
        count += 1
        return count - 1
    }

    /// Appends a gap to a term's last chunk, or to a new one when it does not fit.
    @inline(__always)
    private mutating func put(_ gap: UInt32, into number: Int) {
        var tail = chunk(Int(terms[number].tail))
        let words = gap < 0xFFFF ? 1 : 3
        if Int(tail[2]) + words > Self.chunk - 3 { tail = extend(number) }
        let at = 3 + Int(tail[2])
        if words == 1 {
            tail[at] = UInt16(gap)
        } else {
            tail[at] = 0xFFFF
            tail[at + 1] = UInt16(gap >> 16)
            tail[at + 2] = UInt16(truncatingIfNeeded: gap)
            escaped = true
        }
        tail[2] += UInt16(words)
        terms[number].count &+= 1
        entries &+= 1
    }

    /// A new last chunk for a term, linked after its tail.
    private mutating func extend(_ number: Int) -> UnsafeMutablePointer<UInt16> {
        let next = newChunk()
        let tail = chunk(Int(terms[number].tail))
        tail[0] = UInt16(truncatingIfNeeded: next)
        tail[1] = UInt16(truncatingIfNeeded: next >> 16)
        terms[number].tail = next
        return chunk(Int(next))
    }

    /// An empty chunk; its number.
    @inline(__always)
    private mutating func newChunk() -> Int32 {
        let number = chunkCount
        if number >> Self.blockShift >= blockCount {
            if blockCount == blockCapacity { Self.double(&blocks, count: blockCount, capacity: &blockCapacity) }
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

    /// A buffer moved to one of twice its capacity.
    private static func double<Element>(_ buffer: inout UnsafeMutablePointer<Element>, count: Int, capacity: inout Int) {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: buffer, count: count)
        buffer.deallocate()
        buffer = larger
        capacity *= 2
    }

    @inline(__always)
    private func chunk(_ number: Int) -> UnsafeMutablePointer<UInt16> {
        // Shifts, not a division: a chunk's number is never negative, but the compiler cannot know it.
        blocks[number >> Self.blockShift] + (number & (Self.blockChunks - 1)) * Self.chunk
    }

    private mutating func grow() {
        slots.deallocate()
        capacity *= 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        for number in 0..<count where SearchTerms.joinIndex(terms[number].key) == nil {
            var slot = firstSlot(of: terms[number].key)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(number + 1)
        }
    }

    /// A term's posts as a run's list (`PostingList`), their rowids `base` plus their offsets: written from the
    /// chunks, not through an array of rowids (which was most of writing a run). Nil when it has none.
    func postingList(of number: Int, base: Int64) -> Data? {
        var gaps = Gaps(table: self, number: number)
        guard let first = gaps.next() else { return nil }
        let term = terms[number]
        return PostingList.encode(first: base + Int64(first), last: base + Int64(term.next) - 1, count: Int(term.count)) {
            Distances(gaps: gaps)
        }
    }

    /// The distances between a term's offsets: each gap after the first, plus one.
    private struct Distances: IteratorProtocol {
        var gaps: Gaps
        @inline(__always)
        mutating func next() -> UInt64? { gaps.next().map { UInt64($0) + 1 } }
    }

    /// A term's gaps as its chunks hold them, in order: its first offset, then each offset's distance from the one
    /// before less one.
    struct Gaps: IteratorProtocol {
        private let table: TermTable
        private var link: Int
        private var words: UnsafeMutablePointer<UInt16>?
        private var at = 0
        private var end = 0

        init(table: TermTable, number: Int) {
            self.table = table
            link = Int(table.terms[number].head)
        }

        @inline(__always)
        mutating func next() -> UInt32? {
            while true {
                if at < end, let words {
                    // 0xFFFF: a gap too large for a word, in the next two.
                    if words[at] == 0xFFFF {
                        at += 3
                        return UInt32(words[at - 2]) << 16 | UInt32(words[at - 1])
                    }
                    at += 1
                    return UInt32(words[at - 1])
                }
                guard link != 0 else { return nil }
                let chunk = table.chunk(link)
                (words, at, end) = (chunk, 3, 3 + Int(chunk[2]))
                link = Int(chunk[0]) | Int(chunk[1]) << 16
            }
        }
    }

    /// Each offset of a term's posts, ascending.
    func forEach(of number: Int, _ body: (UInt32) -> Void) {
        var next: UInt32 = 0
        var gaps = Gaps(table: self, number: number)
        while let gap = gaps.next() {
            body(next &+ gap)
            next = next &+ gap &+ 1
        }
    }

    /// The words of each of a term's chunks that hold its gaps, in order.
    private func forEachChunk(of number: Int, _ body: (UnsafeBufferPointer<UInt16>) -> Void) {
        var link = Int(terms[number].head)
        while link != 0 {
            let words = chunk(link)
            body(UnsafeBufferPointer(start: words + 3, count: Int(words[2])))
            link = Int(words[0]) | Int(words[1]) << 16
        }
    }
}
