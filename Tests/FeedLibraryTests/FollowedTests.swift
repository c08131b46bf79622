import FeedModel
import Foundation
import XCTest

@testable import FeedLibrary

/// The library's queries for the browser: the home screen's rows and the read marks of a window.
final class FollowedTests: XCTestCase {
    func testFollowedSourcesComeWithTheirChannelAndRefreshStateInTheOrderGiven() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("followed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let library = try Library(path: dir.appendingPathComponent("library.sqlite").path)
        let posts = (0..<3).map { Publication(id: "\($0)", date: Date(timeIntervalSince1970: 1_700_000_000 + Double($0)), text: "post \($0)") }
        let held = Channel(title: "Held", handle: "held", publications: posts)
        try library.importChannels([held], from: .telegram("held"))
        var state = RefreshState(source: .telegram("held"))
        state.lastError = "HTTP 500 Internal Server Error"
        try library.saveRefreshState(state)
        try library.markRead("1", channel: "@held")

        let rows = try library.followed([Subscription(source: .telegram("never")), Subscription(source: .telegram("held"), tags: ["news"])])
        XCTAssertEqual(rows.map(\.subscription.source), [.telegram("never"), .telegram("held")])
        XCTAssertNil(rows[0].channel, "never refreshed: no channel")
        XCTAssertNil(rows[0].state)
        XCTAssertEqual(rows[1].channel?.channel.title, "Held")
        XCTAssertEqual(rows[1].channel?.unread, 2)
        XCTAssertEqual(rows[1].state?.problem, "HTTP 500 Internal Server Error")

        XCTAssertEqual(try library.read(channel: "@held", among: ["0", "1", "2"]), ["1"])
        XCTAssertEqual(try library.read(channel: "@held", among: []), [])
        let marks = try library.marks(channel: "@held", readAmong: ["0"])
        XCTAssertEqual(marks.read, [], "only the read marks of the posts asked")
        XCTAssertEqual(try library.marks(channel: "@held").read, ["1"])
    }
}
