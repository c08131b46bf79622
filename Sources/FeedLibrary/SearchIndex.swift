import FeedModel
import Foundation
import GRDB

/// feedtui's search index, in place of SQLite's FTS5 (whose own floor was ~9 s of one core for 100 000 posts: the
/// import's critical path). A post's terms are the trigrams of its folded searchable text and each character it
/// holds (`SearchTerms`). They are written in runs: a run holds, for each term, the ascending rowids of the posts of
/// one copy of a channel that hold it (`PostingList`), a row a term (`searchTerm`). Deleting a copy deletes its
/// runs; a post whose text changes has its new terms in a later run and a mark (`searchGone`) that voids its entries
/// in the runs before.
enum SearchIndex {
    /// How a run holds the joins of its posts (`searchRun.joins`): not at all (written before joins), each row the
    /// posts of eight joins as one list (written before rows held them apart), or each row the eight lists
    /// (`SearchTerms.joinRow`, `PostingList.group`). The row of a join is the same in both.
    enum JoinRows: Int, Comparable {
        case none = 0
        case whole = 1
        case grouped = 2

        init(_ stored: Int) { self = JoinRows(rawValue: stored) ?? .none }

        static func < (a: JoinRows, b: JoinRows) -> Bool { a.rawValue < b.rawValue }
    }

    /// What a folded needle asks the index: posts holding every one of `terms`, or any term in `range`, and every
    /// one of `joins` in the runs that hold joins; `checked` when what the index gives must be checked against the
    /// post's text (a needle longer than one trigram).
    struct Query {
        enum Terms {
            case all([Int64])
            case range(Range<Int64>)
        }
        var terms: Terms
        var joins: [Int64] = []
        var checked: Bool
    }

    /// Trigrams of a long needle asked for: enough to leave few posts to check, few enough that any query (a pasted
    /// page of 5 000 characters) is answered at once.
    static let queriedTrigrams = 12
    /// Joins of a long needle asked for, spread the same way: two already leave a phrase's posts, and few others.
    static let queriedJoins = 4

    /// The query for a non-empty folded needle: one character is its own term; two are the trigrams they start
    /// (every piece of a text starts one: `SearchTerms.padding`); three or more are their trigrams and joins, checked
    /// unless exactly one trigram.
    static func query(_ needle: String) -> Query {
        let scalars = needle.unicodeScalars.map { UInt64($0.value) }
        switch scalars.count {
        case 0, 1: return Query(terms: .all(scalars.map(SearchTerms.character)), checked: false)
        case 2: return Query(terms: .range(SearchTerms.pair(scalars[0], scalars[1])), checked: false)
        default:
            let picked = spread(Array(0...(scalars.count - 3)), queriedTrigrams)
            let terms = Set(picked.map { SearchTerms.trigram(scalars[$0], scalars[$0 + 1], scalars[$0 + 2]) })
            let all = SearchTerms.joinPlaces(scalars.count).compactMap { SearchTerms.join(scalars, at: $0) }
            let joins = Set(spread(all, queriedJoins))
            return Query(terms: .all(terms.sorted()), joins: joins.sorted(), checked: scalars.count > 3)
        }
    }

    /// At most `count` of `all`, spread evenly from its first to its last.
    private static func spread<Element>(_ all: [Element], _ count: Int) -> [Element] {
        all.count <= count ? all : (0..<count).map { all[$0 * (all.count - 1) / (count - 1)] }
    }

    /// The rowids, ascending, of the posts of `channel` (nil: of every channel) the index gives for `query`.
    static func rowids(_ db: Database, _ query: Query, channel: Int64?) throws -> [Int64] {
        let runs = try Row.fetchAll(
            db, sql: "SELECT id, first, last, joins FROM searchRun \(channel == nil ? "" : "WHERE channel = ?") ORDER BY id",
            arguments: channel.map { [$0] } ?? [])
        guard !runs.isEmpty else { return [] }
        let gone = try marks(db, channel: channel)
        var found: [Int64] = []
        var sorted = true
        for run in runs {
            let (id, first, last, joins): (Int64, Int64, Int64, JoinRows) = (run[0], run[1], run[2], JoinRows(run[3]))
            var part: [Int64]
            switch query.terms {
            case .all(let terms):
                guard let given = try allOf(db, run: id, terms, joins: query.joins, as: joins) else { continue }
                part = given
            case .range(let range):
                part = try anyOf(db, run: id, range, first: first, last: last)
            }
            if !gone.isEmpty { part.removeAll { gone[$0].map { id < $0 } ?? false } }
            guard let head = part.first else { continue }
            if let tail = found.last, tail >= head { sorted = false }
            found += part
        }
        if !sorted { found.sortOnce() }
        return found
    }

    /// The posts of a run holding every term and every join (as the run holds them), ascending; nil when one is held
    /// by none.
    private static func allOf(_ db: Database, run: Int64, _ terms: [Int64], joins: [Int64], as rows: JoinRows) throws -> [Int64]? {
        let statement = try db.cachedStatement(sql: "SELECT posts FROM searchTerm WHERE run = ? AND term = ?")
        var lists: [Data] = []
        for term in terms {
            guard let list = try Data.fetchOne(statement, arguments: [run, term]) else { return nil }
            lists.append(list)
        }
        for join in rows == .none ? [] : joins {
            guard let row = try Data.fetchOne(statement, arguments: [run, SearchTerms.joinRow(join)]) else { return nil }
            guard rows == .grouped else {
                lists.append(row)
                continue
            }
            guard let list = PostingList.member(row, at: SearchTerms.joinInRow(join)) else { return nil }
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
            db, sql: "SELECT id, first, last, posts, joins FROM searchRun WHERE channel = ? AND posts < ? ORDER BY id",
            arguments: [channel, smallRun])
        guard small.count > smallRuns else { return }
        let gone = try marks(db, channel: channel)
        // The merged run holds joins as the run that holds them least does.
        let joins = small.map { JoinRows($0[4] as Int) }.min() ?? .none
        var entries: [(term: Int64, rowid: Int64)] = []
        for run in small {
            let (id, runJoins): (Int64, JoinRows) = (run[0], JoinRows(run[4] as Int))
            let rows = try Row.fetchCursor(db, sql: "SELECT term, posts FROM searchTerm WHERE run = ?", arguments: [id])
            while let row = try rows.next() {
                for (term, list) in lists(row: row[0], row[1], as: runJoins) {
                    let kept: Int64
                    if SearchTerms.joinIndex(term) == nil {
                        kept = term
                    } else if joins == .none {
                        continue
                    } else {
                        kept = joins == .whole && runJoins == .grouped ? SearchTerms.joinRow(term) : term
                    }
                    PostingList.forEach(list) { rowid in
                        if gone[rowid].map({ id < $0 }) != true { entries.append((kept, rowid)) }
                    }
                }
            }
        }
        entries.sort { $0.term != $1.term ? $0.term < $1.term : $0.rowid < $1.rowid }
        let run = try newRun(
            db, channel: channel, first: small.map { $0[1] as Int64 }.min() ?? 0, last: small.map { $0[2] as Int64 }.max() ?? 0,
            posts: small.reduce(0) { $0 + ($1[3] as Int) }, joins: joins)
        var rows = try RunRows(db, run: run, joins: joins)
        var rowids: [Int64] = []
        var start = 0
        while start < entries.count {
            let term = entries[start].term
            rowids.removeAll(keepingCapacity: true)
            var end = start
            while end < entries.count, entries[end].term == term {
                if rowids.last != entries[end].rowid { rowids.append(entries[end].rowid) }
                end += 1
            }
            try rows.add(term, rowids.withUnsafeBufferPointer(PostingList.encode))
            start = end
        }
        try rows.finish()
        for old in small { try delete(db, run: old[0]) }
    }

    /// A row of a run as the terms and lists it holds: a grouped row's joins each with its own list.
    static func lists(row term: Int64, _ posts: Data, as joins: JoinRows) -> [(term: Int64, list: Data)] {
        guard joins == .grouped, SearchTerms.joinIndex(term) != nil else { return [(term, posts)] }
        var lists: [(Int64, Data)] = []
        PostingList.forEachMember(posts) { place, list in lists.append((SearchTerms.join(row: term, place: place), list)) }
        return lists
    }

    /// The marks of a channel's posts (nil: of every channel) whose text changed: by post, the run before which
    /// its entries are those of an older text.
    private static func marks(_ db: Database, channel: Int64?) throws -> [Int64: Int64] {
        var gone: [Int64: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT post, run FROM searchGone \(channel == nil ? "" : "WHERE channel = ?")", arguments: channel.map { [$0] } ?? [])
        {
            gone[row[0]] = row[1]
        }
        return gone
    }

    /// A new run of a channel, its posts' rowids within first…last, holding their joins as `joins` says; its id.
    static func newRun(_ db: Database, channel: Int64, first: Int64, last: Int64, posts: Int, joins: JoinRows = .grouped) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO searchRun (channel, first, last, posts, joins) VALUES (?, ?, ?, ?, ?)",
            arguments: [channel, first, last, posts, joins.rawValue])
        return db.lastInsertedRowID
    }

    /// Deletes a run and its entries.
    static func delete(_ db: Database, run: Int64) throws {
        try db.execute(sql: "DELETE FROM searchTerm WHERE run = ?", arguments: [run])
        try db.execute(sql: "DELETE FROM searchRun WHERE id = ?", arguments: [run])
    }

    /// `feedtui_search(needle)`: the rowids of every channel's posts the index gives for a folded needle, as a JSON
    /// array (`Library.textCondition`). It reads the index on the connection that calls it.
    static func function(_ db: Database) -> DatabaseFunction {
        let connection = Connection(db)
        return DatabaseFunction("feedtui_search", argumentCount: 1, pure: false) { values in
            guard let needle = String.fromDatabaseValue(values[0]), !needle.isEmpty else { return "[]" }
            let rowids = try rowids(connection.db, query(needle), channel: nil)
            return list(rowids)
        }
    }

    /// Rowids as a JSON array, which SQL reads back with `json_each`.
    static func list(_ rowids: [Int64]) -> String { "[" + rowids.map(String.init).joined(separator: ",") + "]" }
}

/// Writes the rows of a run, its terms' lists given in ascending order of the terms: in a run whose rows group joins
/// (`SearchIndex.JoinRows.grouped`), the lists of the joins of one row go into it together.
struct RunRows {
    private let insert: Insert
    private let grouped: Bool
    private var row: Int64?
    private var members: [(place: Int, list: Data)] = []

    init(_ db: Database, run: Int64, joins: SearchIndex.JoinRows) throws {
        insert = try Insert(db, sql: "INSERT INTO searchTerm (run, term, posts) VALUES (?, ?, ?)")
        insert.bind(run, at: 1)
        grouped = joins == .grouped
    }

    mutating func add(_ term: Int64, _ list: Data) throws {
        guard grouped, SearchTerms.joinIndex(term) != nil else {
            try finish()
            insert.bind(term, at: 2)
            return try insert.execute(blob: list, at: 3)
        }
        let row = SearchTerms.joinRow(term)
        if row != self.row { try finish() }
        self.row = row
        members.append((SearchTerms.joinInRow(term), list))
    }

    /// Writes the row of the joins given last.
    mutating func finish() throws {
        guard let row, !members.isEmpty else { return }
        insert.bind(row, at: 2)
        try insert.execute(blob: PostingList.group(members), at: 3)
        members.removeAll(keepingCapacity: true)
        self.row = nil
    }
}

/// The connection `feedtui_search` reads: SQLite calls it on that connection, inside one of its statements.
private final class Connection: @unchecked Sendable {
    unowned let db: Database
    init(_ db: Database) { self.db = db }
}

extension [Int64] {
    /// Sorted, each value once.
    mutating func sortOnce() {
        sort()
        var kept = 0
        for value in self where kept == 0 || self[kept - 1] != value {
            self[kept] = value
            kept += 1
        }
        removeLast(count - kept)
    }
}
