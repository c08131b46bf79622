import FeedLibrary
import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

/// Each link's number where the link stands in the post's text (`the office[3]`), so that `3o` is found without the
/// link list: drawn beside the text, full-screen and in the preview pane, left to right and right to left, wrapped
/// with its words, never matched by a search. The posts come from a real-looking feed through the library.
final class LinkNumberScreenTests: XCTestCase {
    private func harbour() throws -> Channel {
        let path = Fixture.root.appendingPathComponent("Tests/FeedModelTests/Resources/realworld/rss-links-under-words.xml").path
        return try XCTUnwrap(FeedLoader.load(path: path).first)
    }

    private func lines(_ state: AppState) -> String { Screen.render(state).lines.joined(separator: "\n") }

    func testTheFullScreenPostShowsEachNumberAfterItsWords() throws {
        // Newest first: the Hebrew post, then the English one.
        let state = Fixture.state([try harbour()], 80, 24, keys: "j Enter")
        XCTAssertEqual(state.mode, .post)
        assertGolden(Screen.render(state), "links-under-words-post-80x24")
        let screen = lines(state)
        for words in ["new timetable[1]", "summer routes[2]", "the office[3]", "https://harbour.example.org/faq[4]"] {
            XCTAssertTrue(screen.contains(words), "\(words) in\n\(screen)")
        }
        // The number opens the link it stands beside.
        var s = state
        XCTAssertEqual(press(&s, "3 o"), [.openURL("https://harbour.example.org/contact")])
    }

    func testARightToLeftPostShowsTheNumbersInVisualOrder() throws {
        let state = Fixture.state([try harbour()], 80, 24, keys: "Enter")
        assertGolden(Screen.render(state), "links-under-words-rtl-post-80x24")
        // Read from the right, the number follows its words: on their left, brackets drawn as "[1]".
        let screen = lines(state)
        XCTAssertTrue(screen.contains("[1]שדחה םינמזה חול"), screen)
        XCTAssertTrue(screen.contains("[2]ץיקה לש םיווקהו"), screen)
    }

    func testThePreviewPaneShowsThemToo() throws {
        let state = Fixture.state([try harbour()], 120, 20, keys: "j")
        assertGolden(Screen.render(state), "links-under-words-120x20")
    }

    func testANumberWrapsWithItsWordsAndIsDrawnApart() throws {
        let post = try XCTUnwrap(try harbour().publications.first { $0.text.hasPrefix("Ferry") })
        for width in 12...40 {
            let lines = PostBodyPane.lines(for: post, width: width, full: false)
            let numbers = lines.flatMap { $0.filter(\.isLinkNumber).map(\.text) }
            XCTAssertEqual(numbers, ["[1]", "[2]", "[3]", "[4]"], "width \(width)")
            for line in lines { XCTAssertLessThanOrEqual(line.reduce(0) { $0 + $1.text.displayWidth }, width) }
            let text = lines.map { $0.map(\.text).joined() }
            XCTAssertTrue(text.contains { $0.hasSuffix("timetable[1]") || $0.hasPrefix("timetable[1]") || $0.contains(" timetable[1]") }, "\(width): \(text)")
        }
    }

    func testASearchInThePostDoesNotMatchANumber() throws {
        var state = Fixture.state([try harbour()], 80, 24, keys: "j Enter")
        press(&state, "/ [ 3 ] Enter")
        XCTAssertEqual(state.channel.search?.matches, [], "the number is not text")
        press(&state, "Esc / o f f i c e Enter")
        XCTAssertEqual(state.channel.search?.matches?.count, 1)
        XCTAssertTrue(lines(state).contains("the office[3]"))
    }

    /// config.toml can rebind the keys: the full-screen post names those in force.
    func testTheFullScreenPostNamesTheKeysAsBound() throws {
        var config = Config()
        config.keys = KeyTable.standard.rebinding([.openLink: [.char("x")], .linkList: [.char("v")], .openPermalink: [.char("P")]])
        let state = Fixture.state([try harbour()], 80, 40, keys: "j Enter", config: config)
        let screen = lines(state)
        XCTAssertTrue(screen.contains("P opens this post at its source: https://harbour.example.org/2024/05/ferry"), screen)
        XCTAssertTrue(screen.contains("Links (x opens the first, 3x link 3, v lists them)"), screen)
        XCTAssertFalse(screen.contains("o opens"), screen)
        config.keys = KeyTable.standard.rebinding([.openLink: [], .linkList: [], .openPermalink: []])
        let unbound = lines(Fixture.state([try harbour()], 80, 40, keys: "j Enter", config: config))
        XCTAssertTrue(unbound.contains("this post at its source: https://harbour.example.org/2024/05/ferry"), unbound)
        XCTAssertTrue(unbound.contains("Links"), unbound)
        XCTAssertFalse(unbound.contains("Links ("), unbound)
        XCTAssertFalse(unbound.contains("opens"), unbound)
    }
}
