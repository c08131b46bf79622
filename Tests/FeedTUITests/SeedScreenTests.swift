import FeedModel
import XCTest

@testable import FeedTUI

final class SeedScreenTests: XCTestCase {
    func testSeedAt80x24() throws {
        assertGolden(Screen.render(Fixture.state(try Fixture.seed(), 80, 24)), "seed-80x24")
    }

    func testSeedAt120x40() throws {
        assertGolden(Screen.render(Fixture.state(try Fixture.seed(), 120, 40)), "seed-120x40")
    }

    func testFullScreenPostAt120x40() throws {
        assertGolden(Screen.render(Fixture.state(try Fixture.seed(), 120, 40, keys: "j j Enter")), "seed-post-120x40")
    }

    func testFullScreenPostWithPreviewBoxAndLinks() throws {
        assertGolden(Screen.render(Fixture.state(try Fixture.seed(), 100, 30, keys: "6 j Enter")), "seed-post-preview-100x30")
    }

    func testHeaderShowsTitleViewsAndNoRating() throws {
        let top = Screen.render(Fixture.state(try Fixture.seed(), 120, 40)).lines[0]
        XCTAssertTrue(top.contains("Durov's Channel @durov"))
        XCTAssertTrue(top.contains("255 406 views/week"))
        XCTAssertTrue(top.contains("no rating yet — r to rate"))
    }

    func testWideGlyphsKeepTheirColumns() throws {
        // April 1 has 🤡: the body row holding it must still end with the frame at the last column.
        let grid = Screen.render(Fixture.state(try Fixture.seed(), 120, 40, keys: "j j j j"))
        let row = try XCTUnwrap(grid.lines.first { $0.contains("🤡") })
        XCTAssertEqual(row.displayWidth, 120)
        XCTAssertTrue(row.hasSuffix("│"))
    }
}

final class ReducerTests: XCTestCase {
    func testMoveFollowsWithBody() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        XCTAssertEqual(s.channel.selected, 0)
        Fixture.send(&s, .key(.char("j")))
        Fixture.send(&s, .key(.down))
        XCTAssertEqual(s.channel.selected, 2)
        XCTAssertTrue(s.channel.selectedPost?.text.hasPrefix("Some thoughts on Indonesia") == true)
        Fixture.send(&s, .key(.up))
        XCTAssertEqual(s.channel.selected, 1)
        Fixture.send(&s, .key(.char("k")))
        Fixture.send(&s, .key(.char("k")))
        XCTAssertEqual(s.channel.selected, 0, "clamped at the top")
        Fixture.send(&s, .key(.char("G")))
        XCTAssertEqual(s.channel.selected, 9)
        Fixture.send(&s, .key(.char("j")))
        XCTAssertEqual(s.channel.selected, 9, "clamped at the bottom")
    }

    func testCountPrefix() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        for k in ["5", "j"] { Fixture.send(&s, .key(Key(name: k)!)) }
        XCTAssertEqual(s.channel.selected, 5)
        for k in ["1", "2", "k"] { Fixture.send(&s, .key(Key(name: k)!)) }
        XCTAssertEqual(s.channel.selected, 0)
    }

    func testOpenBackQuit() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        Fixture.send(&s, .key(.enter))
        XCTAssertEqual(s.mode, .post)
        Fixture.send(&s, .key(.char("q")))
        XCTAssertEqual(s.mode, .browse)
        XCTAssertFalse(s.quit)
        Fixture.send(&s, .key(.enter))
        Fixture.send(&s, .key(.escape))
        XCTAssertEqual(s.mode, .browse)
        Fixture.send(&s, .key(.escape))
        XCTAssertFalse(s.quit, "only q quits from the list")
        Fixture.send(&s, .key(.char("q")))
        XCTAssertTrue(s.quit)
    }

    func testScrollingInFullScreenStaysInsideTheText() throws {
        var s = Fixture.state(try Fixture.seed(), 60, 12, keys: "j Enter")
        for _ in 0..<200 { Fixture.send(&s, .key(.char("j"))) }
        let lines = PostBodyPane.lines(for: try XCTUnwrap(s.channel.selectedPost), width: 56, full: true).count
        XCTAssertEqual(s.channel.bodyTop, lines - 10)
        Fixture.send(&s, .key(.char("g")))
        XCTAssertEqual(s.channel.bodyTop, 0)
    }

    func testListScrollsToKeepSelectionVisible() throws {
        var s = Fixture.state(try Fixture.seed(), 100, 12)
        Fixture.send(&s, .key(.char("G")))
        let rows = try XCTUnwrap(Layout(size: s.size, showStats: s.showStats, focus: s.focus, mode: s.mode).list).height
        XCTAssertEqual(s.channel.listTop, 10 - rows)
        let grid = Screen.render(s)
        XCTAssertTrue(grid.lines.contains { $0.contains("▶Oct  9 2016") })
    }
}
