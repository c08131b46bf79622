import FeedModel
import XCTest

@testable import FeedTUI

/// Samples/many-scripts.json: Persian, Arabic and Hebrew posts in visual order, right-aligned, beside and among
/// left-to-right scripts.
final class ScriptsScreenTests: XCTestCase {
    private func scripts() throws -> [Channel] {
        try FeedLoader.load(path: Fixture.root.appendingPathComponent("Samples/many-scripts.json").path)
    }

    func testPersianPostBesideTheList() throws {
        assertGolden(Screen.render(Fixture.state(try scripts(), 80, 24)), "scripts-persian-80x24")
    }

    func testPersianPostFullScreen() throws {
        assertGolden(Screen.render(Fixture.state(try scripts(), 120, 40, keys: "Enter")), "scripts-persian-post-120x40")
    }

    func testArabicPostFullScreen() throws {
        assertGolden(Screen.render(Fixture.state(try scripts(), 80, 24, keys: "j Enter")), "scripts-arabic-post-80x24")
    }

    func testHebrewPostInTheBodyPane() throws {
        assertGolden(Screen.render(Fixture.state(try scripts(), 40, 12, keys: "j j Tab")), "scripts-hebrew-body-40x12")
    }

    /// A right-to-left paragraph ends at the right edge of its text column (where the preview box ends), every line.
    func testRightToLeftParagraphsAreAlignedRight() throws {
        let grid = Screen.render(Fixture.state(try scripts(), 120, 40, keys: "Enter"))
        let lastDrawn = { (y: Int) in (1..<grid.width - 1).last { grid[$0, y].text != " " && grid[$0, y].width > 0 } }
        let boxTop = try XCTUnwrap((0..<grid.height).first { grid.lines[$0].contains("┌──") })
        let edge = try XCTUnwrap(lastDrawn(boxTop))
        let rows = (0..<grid.height).filter { grid.lines[$0].contains("زورون") || grid.lines[$0].contains("تسرد") }
        XCTAssertEqual(rows.count, 2)
        for y in rows { XCTAssertEqual(lastDrawn(y), edge, grid.lines[y]) }
        XCTAssertEqual(grid[edge, rows[0]].text, "ن", "the first letter of the first word is at the right edge")
        XCTAssertTrue(grid.lines[rows[0]].contains("!کرابم ۱۴۰۴ زورون"))
    }

    /// Highlights are found in logical order and land on the same letters once they are reordered.
    func testSearchHighlightLandsOnTheMatchedLetters() throws {
        let grid = Screen.render(Fixture.state(try scripts(), 120, 40, keys: "/ م ب ا ر ک Enter Enter"))
        let marked = (0..<grid.height).map { y in
            (0..<grid.width).filter { grid[$0, y].style == Theme.monochrome.match && grid[$0, y].width > 0 }.map { grid[$0, y].text }.joined()
        }
        XCTAssertEqual(marked.filter { !$0.isEmpty }, ["کرابم"], "the match, shown right to left")
    }

    /// A cut right-to-left title ends (on its left) in "…"; its first letter stays at the right edge of the list.
    func testEllipsisOfACutRightToLeftRow() throws {
        let grid = Screen.render(Fixture.state(try scripts(), 80, 24))
        let layout = Layout(Fixture.state(try scripts(), 80, 24))
        let list = try XCTUnwrap(layout.list)
        let y = list.y + 1  // the Arabic post
        let titleStart = list.x + 22  // marker, date, views
        XCTAssertEqual(grid[titleStart, y].text, "…")
        XCTAssertEqual(grid[list.maxX - 1, y].text, "بِ")
    }

    /// The channel list (c) and the header show a right-to-left title in visual order: Persian first, on the right.
    func testChannelTitlesInVisualOrder() throws {
        let s = Fixture.state(try scripts() + Fixture.seed(), 100, 30, keys: "c")
        let lines = Screen.render(s).lines
        XCTAssertTrue(lines[0].hasPrefix("┌ Polyglot Wire هنابزدنچ هٔمانربخ @polyglot_wire"), lines[0])
        XCTAssertTrue(lines.contains { $0.contains("● 1. Polyglot Wire هنابزدنچ هٔمانربخ @polyglot_wire · 12 posts") }, lines.joined(separator: "\n"))
    }

    /// A Hebrew letter with six points: four on the letter, two on a no-break space that reads after it (on its left).
    func testAnOverfullRightToLeftLetterKeepsItsExtraPointsOnItsLeft() {
        var grid = Grid(width: 10, height: 1)
        grid.put([Span(text: "ב\u{5B0}\u{5B1}\u{5B2}\u{5B3}\u{5B4}\u{5B5}א", style: .plain, direction: .rightToLeft)], x: 0, y: 0, limit: 10)
        XCTAssertEqual(grid.lines[0], "       א\u{A0}\u{5B4}\u{5B5}ב\u{5B0}\u{5B1}\u{5B2}\u{5B3}")
    }
}
