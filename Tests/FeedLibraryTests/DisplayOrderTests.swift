import FeedModel
import Foundation
import XCTest

@testable import FeedLibrary

/// One display order: the library's windows equal `PostOrder.arrange` on generated channels where most posts tie
/// on date or on views, whichever way the positions were written — by an import (`Positions.final`), by the SQL
/// ranking of a re-import that keeps vanished posts (`Library.rank`), by a refresh placing posts one by one
/// (`SortKey`, `Placement`).
final class DisplayOrderTests: XCTestCase {
    private var generator = SplitMix(seed: 29)

    /// A post with one of 12 dates (1 in 10 undated) and views 0…3 or none.
    private func post(_ id: String, round: Int) -> Publication {
        let hour = Double(Int.random(in: 0..<12, using: &generator))
        var p = Publication(
            id: id, date: Int.random(in: 0..<10, using: &generator) == 0 ? nil : Date(timeIntervalSince1970: 1_600_000_000 + 3600 * hour),
            text: "round \(round)")
        p.views = Bool.random(using: &generator) && Bool.random(using: &generator) ? nil : Count(Int64(Int.random(in: 0...3, using: &generator)))
        return p
    }

    /// The posts as the library holds them, in the source's order (seq): undated ones with the dates they were placed at.
    private func placed(_ posts: [Publication]) -> [Publication] {
        zip(posts, Publication.placeDates(posts)).map { p, date in
            var p = p
            p.date = Date(timeIntervalSince1970: date)
            return p
        }
    }

    func testEveryWindowOfEveryOrderIsTheOrderOfArrangeAfterImportsAndRefreshes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("order-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let library = try Library(path: dir.appendingPathComponent("library.sqlite").path)
        let source = Source.feed("https://example.org/ties")

        // An import of 400 posts.
        var ch = Channel(title: "Ties", url: "https://example.org/ties", publications: (0..<400).map { post("p\($0)", round: 0) })
        try library.importChannels([ch], from: source)
        try assertWindows(library, ch.publications, "import")
        var held = placed(ch.publications)

        // A re-import of 150 posts, 100 of them known with new dates and views: the 300 it lacks are kept after them.
        let known = Array(held.indices.shuffled(using: &generator).prefix(100)).map { held[$0].id }
        ch.publications = (known + (0..<50).map { "n\($0)" }).shuffled(using: &generator).map { post($0, round: 1) }
        try library.importChannels([ch], from: source)
        let kept = held.filter { old in !ch.publications.contains { $0.id == old.id } }
        XCTAssertEqual(kept.count, 300)
        held = placed(ch.publications) + kept
        try assertWindows(library, held, "re-import")

        // Refreshes bringing pages of 15 posts, known and new, into it.
        let key = try XCTUnwrap(try library.channels().first?.key)
        var next = 0
        for round in 2..<22 {
            let ids = (0..<15).map { _ in
                if Bool.random(using: &generator) { return held[Int.random(in: 0..<held.count, using: &generator)].id }
                next += 1
                return "r\(next)"
            }
            ch.publications = Array(Set(ids)).sorted().shuffled(using: &generator).map { post($0, round: round) }
            XCTAssertNotNil(try library.merge(ch, key: key, allNew: false))
            for p in placed(ch.publications) {
                if let i = held.firstIndex(where: { $0.id == p.id }) { held[i] = p } else { held.append(p) }
            }
            // Every offset after the last one; in between, windows end to end.
            try assertWindows(library, held, "refresh \(round)", everyOffset: round == 21)
        }
        XCTAssertGreaterThan(held.count, 500)
    }

    /// Every window of 9 posts at every offset (or end to end), and one past the end, in every order, equals
    /// `arrange`'s order of `posts` (the channel's posts in the source's order).
    private func assertWindows(
        _ library: Library, _ posts: [Publication], _ what: String, everyOffset: Bool = true, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let ch = try XCTUnwrap(try library.channels().first, file: file, line: line)
        XCTAssertEqual(ch.postCount, posts.count, what, file: file, line: line)
        for order in PostOrder.allCases {
            let expected = order.arrange(posts).map { posts[$0].id }
            for offset in stride(from: 0, through: expected.count, by: everyOffset ? 1 : 9) {
                let got = try library.window(channel: ch.id, order: order, offset: offset, limit: 9).posts.map(\.id)
                let want = Array(expected[offset..<min(expected.count, offset + 9)])
                if got != want {
                    return XCTFail("\(what), \(order) at \(offset): \(got) instead of \(want)", file: file, line: line)
                }
            }
        }
    }
}
