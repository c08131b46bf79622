import FeedModel
import Foundation
import GRDB
import XCTest

@testable import FeedLibrary

/// The index's own parts on their own: its lists of posts, and a run written and read back from a real library.
final class SearchIndexTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "feedtui-search-index-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Sets of every density (a post in two, one in a thousand, gaps past 2^32) read back as written, each in the
    /// shorter of the two forms; and the posts of a candidate set one holds, found by looking up or reading along.
    func testAListReadsBackAsWrittenAndKeepsWhatItHolds() {
        var rng: UInt64 = 7
        func next(_ bound: Int) -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33) % bound
        }
        var forms: Set<UInt8> = []
        for spread in [1, 2, 3, 9, 70, 1_000, 100_000, 5_000_000_000] {
            for count in [1, 2, 17, 1_000] {
                var rowids: [Int64] = []
                var rowid = Int64(next(1_000_000))
                for _ in 0..<count {
                    rowids.append(rowid)
                    rowid += 1 + Int64(next(spread))
                }
                let list = rowids.withUnsafeBufferPointer(PostingList.encode)
                let bytes = [UInt8](list)
                XCTAssertEqual(PostingList.decode(list), rowids, "spread \(spread), \(count) posts")
                forms.insert(bytes[0])
                if spread == 1, count > 2 { XCTAssertLessThan(bytes.count, count / 2, "a post in two: a bit each") }
                // Candidates: some held, some between, some outside.
                let candidates = Set(rowids.filter { _ in next(2) == 0 } + (0..<50).map { _ in Int64(next(3_000_000)) }).sorted()
                var kept = candidates
                PostingList.keep(&kept, heldIn: list)
                XCTAssertEqual(kept, candidates.filter(Set(rowids).contains), "spread \(spread), \(count) posts")
            }
        }
        XCTAssertEqual(forms, [0, 1], "both forms met")
        // Gaps and starts at the edges of a varint's bytes (127 | 128, 16 383 | 16 384): each list exactly its size.
        for rowids: [Int64] in [[0, 127], [127, 255], [1, 16_384, 16_385], [16_383, 16_383 + 1 << 35], [128, 129, 130]] {
            XCTAssertEqual(PostingList.decode(rowids.withUnsafeBufferPointer(PostingList.encode)), rowids, "\(rowids)")
        }
        XCTAssertEqual(PostingList.decode(Data([0, 0x80, 0x80])), [], "a damaged list gives nothing past the damage")
    }

    /// A run written from posts far apart (gaps past a 16-bit word) and posts given again (their old terms void)
    /// is searched as the texts say, alone and beside the runs before it.
    /// The lists of a row's joins read back at their places; a damaged row gives none.
    func testAGroupOfListsReadsBackAtItsPlaces() {
        let lists: [(place: Int, list: Data)] = [0, 3, 7].map { place in
            let rowids = (0..<(place * 40 + 1)).map { Int64(1_000 + $0 * (place + 1)) }
            return (place, rowids.withUnsafeBufferPointer(PostingList.encode))
        }
        let group = PostingList.group(lists)
        for place in 0..<8 {
            XCTAssertEqual(PostingList.member(group, at: place), lists.first { $0.place == place }?.list, "place \(place)")
        }
        var seen: [Int] = []
        PostingList.forEachMember(group) { place, _ in seen.append(place) }
        XCTAssertEqual(seen, [0, 3, 7])
        for cut in [1, 5, group.count - 1] {
            var damaged: [Int] = []
            PostingList.forEachMember(group.prefix(cut)) { place, _ in damaged.append(place) }
            XCTAssertEqual(damaged, [], "cut at \(cut)")
        }
        XCTAssertNil(PostingList.member(lists[0].list, at: 0), "a list is not a group")
    }

    func testARunHoldsWhatItWasGivenAndAPostGivenAgainOnlyItsNewText() throws {
        let library = try Library(path: folder + "/l.sqlite")
        let texts: [Int64: String] = [
            1: "alpha beta", 2: "beta gamma", 70_000: "gamma delta", 70_001: "délta ünïcode 新闻", 5_000_000: "alpha 🎉",
        ]
        try library.pool.write { db in
            let writer = SearchIndexWriter(channel: 9)
            var maker = TermMaker()
            for rowid in texts.keys.sorted() { writer.add(rowid, text: texts[rowid] ?? "", maker: &maker) }
            try writer.write(db)
            // Post 2 says something else now, in a later run.
            writer.replace(2, maker.terms(of: "omega"))
            try writer.write(db)
        }
        try library.pool.read { db in
            func found(_ q: String) throws -> [Int64] { try SearchIndex.rowids(db, SearchIndex.query(SearchText.fold(q)), channel: 9) }
            XCTAssertEqual(try found("beta"), [1])
            XCTAssertEqual(try found("gamma"), [70_000])
            XCTAssertEqual(try found("omega"), [2])
            XCTAssertEqual(try found("delta"), [70_000, 70_001])
            XCTAssertEqual(try found("a"), [1, 2, 70_000, 70_001, 5_000_000], "omega has one")
            XCTAssertEqual(try found("o"), [2, 70_001])
            XCTAssertEqual(try found("al"), [1, 5_000_000])
            XCTAssertEqual(try found("🎉"), [5_000_000])
            XCTAssertEqual(try found("新闻"), [70_001])
            XCTAssertEqual(try found("x"), [])
            XCTAssertEqual(try SearchIndex.rowids(db, SearchIndex.query("beta"), channel: 8), [], "another channel's runs")
        }
    }

    /// A batch's terms, made by the posts' places in it, are found under the rowids the batch was given: one after
    /// the other (its gaps copied), apart (each entry mapped), past a 16-bit gap, below posts already in the run
    /// (a run of their own first), and not ascending (each post on its own) — beside a post with no text.
    func testABatchsTermsAreFoundUnderItsRowidsHoweverTheyCome() throws {
        let library = try Library(path: folder + "/l.sqlite")
        let texts = ["alpha beta", "", "beta gamma Ünïcode", "gamma 新闻 🎉", "alpha alpha alpha"]
        let cases: [(String, [Int64])] = [
            ("one after the other", [10, 11, 12, 13, 14]), ("apart", [20, 22, 90_000, 90_001, 200_000]),
            ("below the run's", [3, 4, 5, 6, 7]), ("not ascending", [300, 302, 301, 304, 303]),
        ]
        var maker = TermMaker()
        for (what, rowids) in cases {
            let channel = Int64(rowids[0])
            try library.pool.write { db in
                let writer = SearchIndexWriter(channel: channel)
                // A run holding a post above the third case's rowids already.
                writer.add(8, text: "zeta", maker: &maker)
                var batch = writer.batchTerms()
                for text in texts { batch.add(text) }
                try writer.add(batch, rowids: rowids, db)
                writer.recycle(batch)
                try writer.write(db)
            }
            try library.pool.read { db in
                func found(_ q: String) throws -> [Int64] {
                    try SearchIndex.rowids(db, SearchIndex.query(SearchText.fold(q)), channel: channel)
                }
                func at(_ places: Int...) -> [Int64] { places.map { rowids[$0] }.sorted() }
                XCTAssertEqual(try found("alpha"), at(0, 4), what)
                XCTAssertEqual(try found("beta"), at(0, 2), what)
                XCTAssertEqual(try found("gamma"), at(2, 3), what)
                XCTAssertEqual(try found("unicode"), at(2), what)
                XCTAssertEqual(try found("新闻"), at(3), what)
                XCTAssertEqual(try found("🎉"), at(3), what)
                XCTAssertEqual(try found("a"), (at(0, 2, 3, 4) + [8]).sorted(), what + ": zeta has one")
                XCTAssertEqual(try found("zeta"), [8], what)
                XCTAssertEqual(try found("ph"), at(0, 4), what)
            }
        }
    }

    /// Whatever piece of a text is looked for — cut anywhere, across words, spaces, lines, scripts, capitals and
    /// accents — the index gives every post holding it; a phrase's joins leave out posts holding its words apart;
    /// a run written when a row held its joins as one list gives them and maybe more; and a run written before joins
    /// (its flag off) is asked none, and gives those posts as before.
    func testAPiecesPostsAreAllGivenAndAPhrasesJoinsLeaveOutItsWordsApart() throws {
        let library = try Library(path: folder + "/l.sqlite")
        var rng: UInt64 = 11
        func next(_ bound: Int) -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33) % bound
        }
        let words = ["the", "Fast", "secure", "fást", "channel", "a", "ответ", "игра", "速報", "新闻", "🎉", "x", "of", "e", "data,", "(more:"]
        var texts: [Int64: String] = [:]
        for rowid in Int64(1)...400 {
            texts[rowid] = (0..<(1 + next(30))).map { _ in words[next(words.count)] + (next(9) == 0 ? "\n" : " ") }.joined()
        }
        texts[401] = "the fast secure channel"
        // Every trigram of the phrase, but neither of its joins ("the fas", "ast sec").
        texts[402] = "one fast, best seat; the secure"
        try library.pool.write { db in
            let writer = SearchIndexWriter(channel: 5)
            var maker = TermMaker()
            for rowid in texts.keys.sorted() { writer.add(rowid, text: texts[rowid] ?? "", maker: &maker) }
            try writer.write(db)
        }
        let folded = texts.mapValues { SearchText.fold($0) }
        func found(_ needle: String) throws -> [Int64] {
            try library.pool.read { db in try SearchIndex.rowids(db, SearchIndex.query(needle), channel: 5) }
        }
        var missed: [String] = []
        for _ in 0..<400 {
            let text = Array(folded[Int64(1 + next(402))] ?? "")
            guard !text.isEmpty else { continue }
            let start = next(text.count)
            let needle = String(text[start..<min(text.count, start + 1 + next(14))])
            guard !needle.contains("\n") || needle.count > 1 else { continue }
            let holding = Set(folded.filter { $0.value.contains(needle) }.keys)
            if !holding.isSubset(of: try found(needle)) { missed.append(needle) }
        }
        XCTAssertEqual(missed, [], "pieces whose posts the index did not all give")
        let phrase = SearchText.fold("the fast secure")
        let given = try found(phrase)
        XCTAssertTrue(given.contains(401))
        XCTAssertFalse(given.contains(402), "its words apart")
        // The same run as one written when each row held the posts of its joins as one list.
        try library.pool.write { db in try Self.wholeJoinRows(db) }
        let whole = try found(phrase)
        XCTAssertTrue(Set(given).isSubset(of: Set(whole)))
        XCTAssertFalse(whole.contains(402), "its words apart")
        for needle in ["the fast secure", "ast sec", "fást secure", "ответ игра", "of e"].map(SearchText.fold) {
            XCTAssertTrue(Set(folded.filter { $0.value.contains(needle) }.keys).isSubset(of: try found(needle)), needle)
        }
        // The same run as one written before joins: asked no joins, it gives the post holding the words apart too.
        try library.pool.write { db in try db.execute(sql: "UPDATE searchRun SET joins = 0") }
        let trigramsOnly = try found(phrase)
        XCTAssertTrue(trigramsOnly.contains(402))
        XCTAssertTrue(Set(given).isStrictSubset(of: Set(trigramsOnly)))
    }

    /// Small runs merged with one whose rows hold each row's joins as one list (`JoinRows.whole`) are merged the same
    /// way, and give every post holding a piece, as the runs did.
    func testRunsWithWholeJoinRowsMergeWithGroupedOnes() throws {
        let library = try Library(path: folder + "/l.sqlite")
        let words = ["the", "fast", "secure", "ответ", "игра", "channel", "of", "速報"]
        var texts: [Int64: String] = [:]
        try library.pool.write { db in
            var maker = TermMaker()
            for run in 0...SearchIndex.smallRuns {
                let writer = SearchIndexWriter(channel: 7)
                for k in 0..<10 {
                    let rowid = Int64(run * 10 + k + 1)
                    texts[rowid] = (0..<(3 + (run * 7 + k * 3) % 9)).map { words[($0 * 5 + k + run) % words.count] }.joined(separator: " ")
                    writer.add(rowid, text: texts[rowid] ?? "", maker: &maker)
                }
                try writer.write(db)
                if run == 0 { try Self.wholeJoinRows(db) }
            }
            XCTAssertEqual(try Int.fetchAll(db, sql: "SELECT joins FROM searchRun WHERE channel = 7 ORDER BY id"), [1] + Array(repeating: 2, count: SearchIndex.smallRuns))
            try SearchIndex.compact(db, channel: 7)
            XCTAssertEqual(try Int.fetchAll(db, sql: "SELECT joins FROM searchRun WHERE channel = 7"), [1], "merged as the runs that hold joins least")
        }
        let folded = texts.mapValues { SearchText.fold($0) }
        // Each word is followed by the one five places on: these are the pairs the texts hold.
        for needle in ["the channel", "fast of", "secure 速報", "ответ the", "игра fast", "channel secure", "of ответ", "速報 игра", "e"] {
            let given = try library.pool.read { db in try SearchIndex.rowids(db, SearchIndex.query(needle), channel: 7) }
            let holding = Set(folded.filter { $0.value.contains(needle) }.keys)
            XCTAssertFalse(holding.isEmpty, needle)
            XCTAssertTrue(holding.isSubset(of: Set(given)), needle)
        }
    }

    /// Rewrites the grouped join rows of every run as a release before wrote them: each row the posts of its joins
    /// as one list.
    static func wholeJoinRows(_ db: Database) throws {
        let rows = try Row.fetchAll(
            db, sql: "SELECT t.run, t.term, t.posts FROM searchTerm t JOIN searchRun r ON r.id = t.run WHERE r.joins = 2 AND t.term >= ? AND t.term < 0",
            arguments: [Int64(bitPattern: SearchTerms.firstJoin)])
        for row in rows {
            var rowids = Set<Int64>()
            for (_, list) in SearchIndex.lists(row: row[1], row[2], as: .grouped) { PostingList.forEach(list) { rowids.insert($0) } }
            let whole = rowids.sorted().withUnsafeBufferPointer(PostingList.encode)
            try db.execute(sql: "UPDATE searchTerm SET posts = ? WHERE run = ? AND term = ?", arguments: [whole, row[0], row[1]])
        }
        try db.execute(sql: "UPDATE searchRun SET joins = 1 WHERE joins = 2")
    }
}
