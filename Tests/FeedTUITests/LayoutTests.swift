import FeedModel
import XCTest

@testable import FeedTUI

final class LayoutTests: XCTestCase {
    private func sampler() throws -> [Channel] {
        try FeedLoader.load(path: Fixture.root.appendingPathComponent("Samples/unicode-sampler.json").path)
    }

    func testSeedAt40x12ShowsOnePane() throws {
        let s = Fixture.state(try Fixture.seed(), 40, 12)
        XCTAssertTrue(Layout(s).singlePane)
        assertGolden(Screen.render(s), "seed-40x12")
        assertGolden(Screen.render(Fixture.state(try Fixture.seed(), 40, 12, keys: "Tab")), "seed-40x12-body")
        assertGolden(Screen.render(Fixture.state(try Fixture.seed(), 40, 12, keys: "Tab Tab")), "seed-40x12-stats")
    }

    func testNarrowStatisticsPaneScrolls() throws {
        var s = Fixture.state(try Fixture.seed(), 40, 12, keys: "Tab Tab")
        XCTAssertEqual(s.focus, .stats)
        XCTAssertTrue(Screen.render(s).lines.contains { $0.contains("subscribers") })
        for _ in 0..<100 { Fixture.send(&s, .key(.char("j"))) }
        let bottom = Screen.render(s).lines
        XCTAssertTrue(bottom.contains { $0.contains("Sun  ·▓··········▒·····█·····") }, "the rhythm's last row is reachable")
        XCTAssertFalse(bottom.contains { $0.contains("subscribers") })
        let top = s.channel.statsTop
        Fixture.send(&s, .key(.char("k")))
        XCTAssertEqual(s.channel.statsTop, top - 1, "scrolling back starts at once, however often j was pressed")
        Fixture.send(&s, .key(.char("g")))
        XCTAssertEqual(s.channel.statsTop, 0)
        XCTAssertEqual(s.channel.selected, 0, "the list did not move")
    }

    func testSeedAt200x60() throws {
        assertGolden(Screen.render(Fixture.state(try Fixture.seed(), 200, 60)), "seed-200x60")
    }

    func testPaneWidthsByTerminalWidth() throws {
        let seed = try Fixture.seed()
        let wide = Layout(Fixture.state(seed, 120, 40))
        XCTAssertEqual(wide.list?.width, 53, "45% of the inside at 100 columns or more")
        XCTAssertEqual(wide.list?.y, wide.body?.y, "side by side")
        XCTAssertNotNil(wide.stats)
        let medium = Layout(Fixture.state(seed, 90, 30))
        XCTAssertEqual(medium.list?.width, 34, "a narrower list from 80 to 99")
        XCTAssertFalse(medium.singlePane)
        let narrow = Layout(Fixture.state(seed, 79, 30))
        XCTAssertTrue(narrow.singlePane)
        XCTAssertNil(narrow.body)
        XCTAssertNil(narrow.stats)
    }

    func testTooSmallAndRecovers() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40, keys: "j j")
        Fixture.send(&s, .resize(Size(width: 19, height: 5)))
        let small = Screen.render(s)
        XCTAssertEqual(small.lines.filter { !$0.isEmpty }.joined(separator: " "), "terminal too small — need 20x6")
        _ = Fixture.send(&s, .key(.char("j")))
        Fixture.send(&s, .resize(Size(width: 20, height: 6)))
        XCTAssertTrue(Screen.render(s).lines[0].hasPrefix("┌ Durov"))
        Fixture.send(&s, .resize(Size(width: 120, height: 40)))
        XCTAssertEqual(s.channel.selected, 3, "keys still work while too small")
        XCTAssertEqual(Screen.render(s).lines, Screen.render(Fixture.state(try Fixture.seed(), 120, 40, keys: "j j j")).lines)
    }

    func testEverySizeFromTinyToHugeRendersInsideTheScreen() throws {
        let channels = try Fixture.seed()
        for (w, h) in [(1, 1), (19, 6), (20, 5), (20, 6), (21, 7), (39, 10), (79, 23), (80, 24), (99, 30), (100, 30), (301, 90)] {
            for keys in ["", "j Enter", "Tab", "?", "/ t", "r"] {
                let grid = Screen.render(Fixture.state(channels, w, h, keys: keys))
                XCTAssertEqual(grid.lines.count, h)
                for line in grid.lines { XCTAssertLessThanOrEqual(line.displayWidth, w, "\(w)x\(h) after \(keys)") }
            }
        }
    }
}

final class UnicodeScreenTests: XCTestCase {
    private func sampler() throws -> [Channel] {
        try FeedLoader.load(path: Fixture.root.appendingPathComponent("Samples/unicode-sampler.json").path)
    }

    func testScriptsAt120x40() throws {
        assertGolden(Screen.render(Fixture.state(try sampler(), 120, 40)), "unicode-120x40")
    }

    func testScriptsAt80x24() throws {
        assertGolden(Screen.render(Fixture.state(try sampler(), 80, 24, keys: "j j j")), "unicode-80x24")
    }

    func testScriptsAt40x12() throws {
        assertGolden(Screen.render(Fixture.state(try sampler(), 40, 12, keys: "j j j j Enter")), "unicode-40x12-post")
    }

    func testNoRowWiderThanItsPaneAtAnyWidth() throws {
        let channels = try sampler()
        for width in stride(from: 20, through: 140, by: 7) {
            for keys in ["", "j j j", "j j j j Enter", "G Enter", "Tab"] {
                let s = Fixture.state(channels, width, 24, keys: keys)
                let grid = Screen.render(s)
                let layout = Layout(s)
                for pane in [layout.list, layout.body, layout.stats].compactMap({ $0 }) {
                    for y in pane.y..<pane.maxY {
                        // A wide glyph may not hang over the pane's right edge into the border.
                        let edge = pane.maxX
                        if edge < grid.width { XCTAssertNotEqual(grid[edge - 1, y].width, 2, "\(width): wide glyph cut at \(y)") }
                    }
                }
                XCTAssertTrue(grid.lines.dropFirst().dropLast().allSatisfy { $0.displayWidth == width && ($0.hasSuffix("│") || $0.hasSuffix("┤") || $0.hasSuffix("┃")) },
                              "every framed row ends at the right border at width \(width) after \(keys)")
            }
        }
    }

    func testHostileTextIsNeutralised() throws {
        let grid = Screen.render(Fixture.state(try sampler(), 120, 40, keys: "j Enter"))
        for cell in grid.cells {
            for scalar in cell.text.unicodeScalars {
                XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value),
                               "raw control U+\(String(scalar.value, radix: 16)) reached the grid")
            }
        }
        XCTAssertTrue(grid.lines.joined().contains("␛[31mred␛[0m"))
    }
}
