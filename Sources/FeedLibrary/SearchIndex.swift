import FeedModel
import Foundation
import GRDB
import Synchronization

/// feedtui's search index, in place of SQLite's FTS5 (whose own floor was ~9 s of one core for 100 000 posts: the
/// import's critical path). A post's terms are the trigrams of its folded searchable text and each character it
/// holds (`SearchTerms`). They are written in runs: a run holds, for each term, the ascending rowids of the posts of
/// one copy of a channel that hold it (`PostingList`), a row a term (`searchTerm`). Deleting a copy deletes its
/// runs; a post whose text changes has its new terms in a later run and a mark (`searchGone`) that voids its entries
/// in the runs before.
enum SearchIndex {
    /// What a folded needle asks the index: posts holding every one of `terms`, or any term in `range`; `checked`
    /// when what the index gives must be checked against the post's text (a needle longer than one trigram).
    struct Query {
        enum Terms {
            case all([Int64])
            case range(Range<Int64>)
        }
        var terms: Terms
        var checked: Bool
    }

    /// Trigrams of a long needle asked for: enough to leave few posts to check, few enough that any query (a pasted
    /// page of 5 000 characters) is answered at once.
    static let queriedTrigrams = 12

    /// The query for a non-empty folded needle: one character is its own term; two are the trigrams they start
    /// (every piece of a text starts one: `SearchTerms.padding`); three or more are their trigrams, checked unless
    /// exactly one.
    static func query(_ needle: String) -> Query {
        let scalars = needle.unicodeScalars.map { UInt64($0.value) }
        switch scalars.count {
        case 0, 1: return Query(terms: .all(scalars.map(SearchTerms.character)), checked: false)
        case 2: return Query(terms: .range(SearchTerms.pair(scalars[0], scalars[1])), checked: false)
        default:
            let starts = 0...(scalars.count - 3)
            let picked: [Int] =
                starts.count <= queriedTrigrams
                ? Array(starts) : (0..<queriedTrigrams).map { $0 * (starts.count - 1) / (queriedTrigrams - 1) }
            let terms = Set(picked.map { SearchTerms.trigram(scalars[$0], scalars[$0 + 1], scalars[$0 + 2]) })
            return Query(terms: .all(terms.sorted()), checked: scalars.count > 3)
        }
    }

    /// The rowids, ascending, of the posts of `channel` (nil: of every channel) the index gives for `query`.
    static func rowids(_ db: Database, _ query: Query, channel: Int64?) throws -> [Int64] {
        let runs = try Row.fetchAll(
            db, sql: "SELECT id, first, last FROM searchRun \(channel == nil ? "" : "WHERE channel = ?") ORDER BY id",
            arguments: channel.map { [$0] } ?? [])
        guard !runs.isEmpty else { return [] }
        // Entries of a post in runs before its mark are those of an older text.
        var gone: [Int64: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT post, run FROM searchGone \(channel == nil ? "" : "WHERE channel = ?")", arguments: channel.map { [$0] } ?? [])
        {
            gone[row[0]] = row[1]
        }
        var found: [Int64] = []
        var sorted = true
        for run in runs {
            let (id, first, last): (Int64, Int64, Int64) = (run[0], run[1], run[2])
            var part: [Int64]
            switch query.terms {
            case .all(let terms):
                guard let given = try allOf(db, run: id, terms) else { continue }
                part = given
            case .range(let range):
                part = try anyOf(db, run: id, range, first: first, last: last)
            }
            if !gone.isEmpty { part.removeAll { gone[$0].map { id < $0 } ?? false } }
            guard let head = part.first else { continue }
            if let tail = found.last, tail >= head { sorted = false }
            found += part
        }
        if !sorted {
            found.sort()
            var kept = 0
            for rowid in found where kept == 0 || found[kept - 1] != rowid {
                found[kept] = rowid
                kept += 1
            }
            found.removeLast(found.count - kept)
        }
        return found
    }

    /// The posts of a run holding every term, ascending; nil when one term is held by none.
    private static func allOf(_ db: Database, run: Int64, _ terms: [Int64]) throws -> [Int64]? {
        let statement = try db.cachedStatement(sql: "SELECT posts FROM searchTerm WHERE run = ? AND term = ?")
        var lists: [Data] = []
        for term in terms {
            guard let list = try Data.fetchOne(statement, arguments: [run, term]) else { return nil }
            lists.append(list)
        }
        lists.sort { $0.count < $1.count }
        var given = PostingList.decode(lists[0])
        for list in lists.dropFirst() where !given.isEmpty { PostingList.keep(&given, heldIn: list) }
        return given
    }

    /// The posts of a run (its rowids within `first...last`) holding any term in `range`, ascending.
    private static func anyOf(_ db: Database, run: Int64, _ range: Range<Int64>, first: Int64, last: Int64) throws -> [Int64] {
        var bits = [UInt64](repeating: 0, count: Int((last - first) >> 6) + 1)
        let lists = try Data.fetchCursor(
            db, sql: "SELECT posts FROM searchTerm WHERE run = ? AND term >= ? AND term < ?", arguments: [run, range.lowerBound, range.upperBound])
        var any = false
        while let list = try lists.next() {
            any = true
            bits.withUnsafeMutableBufferPointer { bits in
                PostingList.forEach(list) { rowid in
                    let at = Int(rowid - first)
                    guard at >= 0, at >> 6 < bits.count else { return }
                    bits[at >> 6] |= 1 << UInt64(at & 63)
                }
            }
        }
        guard any else { return [] }
        var given: [Int64] = []
        for (w, word) in bits.enumerated() where word != 0 {
            var word = word
            while word != 0 {
                given.append(first + Int64(w << 6 + word.trailingZeroBitCount))
                word &= word - 1
            }
        }
        return given
    }

    /// Runs of fewer posts than this are merged into one once a channel has more than `smallRuns` of them: each
    /// refresh that brings posts writes a run of its own, and a search asks every run of the channel.
    static let smallRun = 200
    static let smallRuns = 8

    /// Merges a channel's small runs into one when there are too many (`smallRun`), leaving out void entries.
    static func compact(_ db: Database, channel: Int64) throws {
        let small = try Row.fetchAll(
            db, sql: "SELECT id, first, last, posts FROM searchRun WHERE channel = ? AND posts < ? ORDER BY id", arguments: [channel, smallRun])
        guard small.count > smallRuns else { return }
        var gone: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT post, run FROM searchGone WHERE channel = ?", arguments: [channel]) { gone[row[0]] = row[1] }
        var entries: [(term: Int64, rowid: Int64)] = []
        for run in small {
            let id: Int64 = run[0]
            let terms = try Row.fetchCursor(db, sql: "SELECT term, posts FROM searchTerm WHERE run = ?", arguments: [id])
            while let row = try terms.next() {
                let term: Int64 = row[0]
                PostingList.forEach(row[1]) { rowid in
                    if gone[rowid].map({ id < $0 }) != true { entries.append((term, rowid)) }
                }
            }
        }
        entries.sort { $0.term != $1.term ? $0.term < $1.term : $0.rowid < $1.rowid }
        try db.execute(
            sql: "INSERT INTO searchRun (channel, first, last, posts) VALUES (?, ?, ?, ?)",
            arguments: [
                channel, small.map { $0[1] as Int64 }.min(), small.map { $0[2] as Int64 }.max(), small.reduce(0) { $0 + ($1[3] as Int) },
            ])
        let run = db.lastInsertedRowID
        let insert = try db.cachedStatement(sql: "INSERT INTO searchTerm (run, term, posts) VALUES (?, ?, ?)")
        var rowids: [Int64] = []
        var bytes: [UInt8] = []
        var start = 0
        while start < entries.count {
            let term = entries[start].term
            rowids.removeAll(keepingCapacity: true)
            var end = start
            while end < entries.count, entries[end].term == term {
                if rowids.last != entries[end].rowid { rowids.append(entries[end].rowid) }
                end += 1
            }
            rowids.withUnsafeBufferPointer { PostingList.encode($0, into: &bytes) }
            try insert.execute(arguments: [run, term, Data(bytes)])
            start = end
        }
        for old in small {
            try db.execute(sql: "DELETE FROM searchTerm WHERE run = ?", arguments: [old[0]])
            try db.execute(sql: "DELETE FROM searchRun WHERE id = ?", arguments: [old[0]])
        }
    }

    /// `feedtui_search(needle)`: the rowids of every channel's posts the index gives for a folded needle, as a JSON
    /// array (`Library.textCondition`). It reads the index on the connection that calls it.
    static func function(_ db: Database) -> DatabaseFunction {
        let connection = Connection(db)
        return DatabaseFunction("feedtui_search", argumentCount: 1, pure: false) { values in
            guard let needle = String.fromDatabaseValue(values[0]), !needle.isEmpty else { return "[]" }
            let rowids = try rowids(connection.db, query(needle), channel: nil)
            return "[" + rowids.map(String.init).joined(separator: ",") + "]"
        }
    }
}

/// The connection `feedtui_search` reads: SQLite calls it on that connection, inside one of its statements.
private final class Connection: @unchecked Sendable {
    unowned let db: Database
    init(_ db: Database) { self.db = db }
}

/// The terms of a folded text: each trigram, and each character as a term of its own, each once. A term is one
/// Int64: a trigram's three scalars (21 bits each) from the top, or a character's scalar with the top bit set.
enum SearchTerms {
    /// Two of these follow each text, so that every piece of two characters starts a trigram: a control no post's
    /// text holds (`Sanitize.imported`).
    static let padding: UInt64 = 1

    @inline(__always)
    static func trigram(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> Int64 { Int64(bitPattern: a << 42 | b << 21 | c) }

    @inline(__always)
    static func character(_ c: UInt64) -> Int64 { Int64(bitPattern: c | 1 << 63) }

    /// The trigrams two characters start.
    static func pair(_ a: UInt64, _ b: UInt64) -> Range<Int64> {
        let low = trigram(a, b, 0)
        return low..<(low + 1 << 21)
    }

    /// The terms of a post's searchable text.
    static func of(_ post: Publication, _ folder: inout SearchText, _ given: TermsGiven) -> [Int64] {
        var terms: [Int64] = []
        append(folder.fold(post.searchableText), to: &terms, given: given)
        return terms
    }

    /// Appends each term of a folded text, once (`given` remembers those of this text).
    static func append(_ folded: String, to terms: inout [Int64], given: TermsGiven) {
        var text = folded
        text.withUTF8 { bytes in
            given.startText()
            // The last two characters, and how many of them there are.
            var (first, second): (UInt64, UInt64) = (0, 0)
            var seen = 0
            // The ASCII characters given so far, as bits: most characters of most texts are looked up here.
            var ascii: (UInt64, UInt64) = (0, 0)
            var at = 0
            let count = bytes.count
            func add(_ key: UInt64) {
                if seen >= 2 {
                    let trigram = first << 42 | second << 21 | key
                    if given.isNew(trigram) { terms.append(Int64(bitPattern: trigram)) }
                }
                (first, second) = (second, key)
                seen += 1
            }
            while at < count {
                let lead = bytes[at]
                let key: UInt64
                switch lead {
                case ..<0x80:
                    key = UInt64(lead)
                    at += 1
                case ..<0xE0:
                    key = UInt64(lead & 0x1F) << 6 | UInt64(bytes[at + 1] & 0x3F)
                    at += 2
                case ..<0xF0:
                    key = UInt64(lead & 0x0F) << 12 | UInt64(bytes[at + 1] & 0x3F) << 6 | UInt64(bytes[at + 2] & 0x3F)
                    at += 3
                default:
                    key = UInt64(lead & 0x07) << 18 | UInt64(bytes[at + 1] & 0x3F) << 12 | UInt64(bytes[at + 2] & 0x3F) << 6
                        | UInt64(bytes[at + 3] & 0x3F)
                    at += 4
                }
                add(key)
                let new: Bool
                if key < 0x40 {
                    new = ascii.0 & 1 << key == 0
                    ascii.0 |= 1 << key
                } else if key < 0x80 {
                    new = ascii.1 & 1 << (key - 0x40) == 0
                    ascii.1 |= 1 << (key - 0x40)
                } else {
                    new = given.isNew(key | 1 << 63)
                }
                if new { terms.append(character(key)) }
            }
            add(padding)
            add(padding)
        }
    }
}

/// The terms of one text given so far. 42% of a feed post's trigrams repeat an earlier one. The table grows with a
/// text of many distinct terms (a post of several MB) and is made small again for the next.
final class TermsGiven {
    private static let initialSize = 8_192
    private var size = initialSize
    private var keys: UnsafeMutablePointer<UInt64>
    /// The text each slot was filled for: a slot of an earlier text is empty, so no text clears the table.
    private var filledFor: UnsafeMutablePointer<UInt32>
    private var text: UInt32 = 0
    private var count = 0

    init() {
        keys = .allocate(capacity: size)
        filledFor = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        filledFor.initialize(repeating: 0, count: size)
    }

    deinit {
        keys.deallocate()
        filledFor.deallocate()
    }

    func startText() {
        if size > Self.initialSize { resize(Self.initialSize, keeping: false) }
        text &+= 1
        if text == 0 {
            filledFor.update(repeating: 0, count: size)
            text = 1
        }
        count = 0
    }

    /// Whether the term was not given before in this text; remembered if it was not.
    @inline(__always)
    func isNew(_ key: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & (size - 1)
        while filledFor[slot] == text {
            if keys[slot] == key { return false }
            slot = (slot + 1) & (size - 1)
        }
        filledFor[slot] = text
        keys[slot] = key
        count += 1
        if count * 2 > size { resize(size * 2, keeping: true) }
        return true
    }

    /// A table of `newSize` slots, holding this text's terms when `keeping`.
    private func resize(_ newSize: Int, keeping: Bool) {
        let (oldKeys, oldFilled, oldSize) = (keys, filledFor, size)
        size = newSize
        keys = .allocate(capacity: size)
        filledFor = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        filledFor.initialize(repeating: 0, count: size)
        if keeping {
            for old in 0..<oldSize where oldFilled[old] == text {
                var slot = Int(truncatingIfNeeded: (oldKeys[old] &* 0x9E37_79B9_7F4A_7C15) >> 32) & (size - 1)
                while filledFor[slot] == text { slot = (slot + 1) & (size - 1) }
                filledFor[slot] = text
                keys[slot] = oldKeys[old]
            }
        } else {
            text = 0
        }
        oldKeys.deallocate()
        oldFilled.deallocate()
    }
}

/// A run's list of the posts holding one term: ascending rowids, either as the first and the gaps after it (varints)
/// or, when shorter, the first and a bitmap of the rowids after it (a term most posts hold: a bit a post).
enum PostingList {
    private static let gaps: UInt8 = 0
    private static let bitmap: UInt8 = 1

    /// `rowids` ascending, without repeats, not empty.
    static func encode(_ rowids: UnsafeBufferPointer<Int64>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        guard let first = rowids.first, let last = rowids.last else { return }
        var gapBytes = 0
        var previous = first
        for rowid in rowids.dropFirst() {
            gapBytes += varintLength(UInt64(rowid - previous))
            previous = rowid
        }
        let span = UInt64(last - first)
        if span / 8 + 1 < gapBytes {
            out.append(bitmap)
            appendVarint(UInt64(first), to: &out)
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: Int(span / 8) + 1))
            for rowid in rowids.dropFirst() {
                let at = Int(rowid - first)
                out[start + at >> 3] |= 1 << UInt8(at & 7)
            }
        } else {
            out.append(gaps)
            appendVarint(UInt64(first), to: &out)
            previous = first
            for rowid in rowids.dropFirst() {
                appendVarint(UInt64(rowid - previous), to: &out)
                previous = rowid
            }
        }
    }

    /// Calls `body` with each rowid of a list, ascending; a damaged list gives what it holds up to the damage.
    static func forEach(_ list: Data, _ body: (Int64) -> Void) {
        list.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard bytes.count > 1 else { return }
            var at = 1
            guard var rowid = varint(bytes, &at).map(Int64.init(bitPattern:)) else { return }
            body(rowid)
            if bytes[0] == bitmap {
                let first = rowid
                for i in at..<bytes.count where bytes[i] != 0 {
                    var byte = bytes[i]
                    while byte != 0 {
                        body(first + Int64((i - at) << 3 + byte.trailingZeroBitCount))
                        byte &= byte - 1
                    }
                }
                return
            }
            while at < bytes.count, let gap = varint(bytes, &at) {
                rowid &+= Int64(bitPattern: gap)
                body(rowid)
            }
        }
    }

    /// Keeps of `rowids` (ascending) those the list holds: a bitmap is looked up, not read whole.
    static func keep(_ rowids: inout [Int64], heldIn list: Data) {
        var kept = 0
        if list.count > 1, list[list.startIndex] == bitmap {
            list.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var at = 1
                guard let first = varint(bytes, &at).map(Int64.init(bitPattern:)) else { return }
                for rowid in rowids {
                    // Bit 0 stands for the first rowid, which is always held.
                    let bit = rowid - first
                    let byte = at + Int(bit >> 3)
                    if bit == 0 || (bit > 0 && byte < bytes.count && bytes[byte] & 1 << UInt8(bit & 7) != 0) {
                        rowids[kept] = rowid
                        kept += 1
                    }
                }
            }
        } else {
            var i = 0
            forEach(list) { held in
                while i < rowids.count, rowids[i] < held { i += 1 }
                if i < rowids.count, rowids[i] == held {
                    rowids[kept] = held
                    kept += 1
                    i += 1
                }
            }
        }
        rowids.removeLast(rowids.count - kept)
    }

    static func decode(_ list: Data) -> [Int64] {
        var rowids: [Int64] = []
        forEach(list) { rowids.append($0) }
        return rowids
    }

    @inline(__always)
    private static func varintLength(_ value: UInt64) -> Int { (64 - value.leadingZeroBitCount) / 7 + 1 }

    @inline(__always)
    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    @inline(__always)
    private static func varint(_ bytes: UnsafeRawBufferPointer, _ at: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count, shift < 64 {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}

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
        try db.execute(
            sql: "INSERT INTO searchRun (channel, first, last, posts) VALUES (?, ?, ?, ?)",
            arguments: [channel, first, last, added + replaced.count])
        let run = db.lastInsertedRowID
        let table = table
        var order = Array(0..<table.count)
        order.sort { table.term($0) < table.term($1) }
        let extraTerms = extra.keys.sorted()
        let insert = try db.cachedStatement(sql: "INSERT INTO searchTerm (run, term, posts) VALUES (?, ?, ?)")
        var rowids: [Int64] = []
        var bytes: [UInt8] = []
        var next = 0
        func put(_ term: Int64) throws {
            guard !rowids.isEmpty else { return }
            rowids.withUnsafeBufferPointer { PostingList.encode($0, into: &bytes) }
            try insert.execute(arguments: [run, term, Data(bytes)])
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
