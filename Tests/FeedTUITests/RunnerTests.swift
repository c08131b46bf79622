import FeedLibrary
import FeedModel
import Foundation
import Synchronization
import XCTest

@testable import FeedTUI

/// The effect runner beside a real library: the loop never waits for a write.
final class RunnerTests: XCTestCase {
    /// While another thread writes 5 000-post imports (batches, then the channel swap), j, Enter, m and r go
    /// through the runner as the terminal's loop sends them, each within 30 ms; the marks reach the library.
    func testKeysAnswerWhileABigImportIsWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-runner-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = try Library(path: folder + "/library.sqlite", clock: Fixture.utc)
        let seed = try Fixture.seed()
        let id = try XCTUnwrap(try library.importChannels(seed, from: .named(seed[0])).first)
        let runner = EffectRunner(library: library)
        var state = AppState(
            channels: [try XCTUnwrap(try ChannelView.opened(id, library: library, sort: .newest))], size: Size(width: 120, height: 40),
            useColor: false, clock: Fixture.utc)
        runner.drive(&state, .resize(state.size))

        let posts = (0..<5_000).map { Publication(id: "w\($0)", date: Date(timeIntervalSince1970: 1_600_000_000 + Double($0) * 60), text: "written \($0)") }
        let writing = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let writer = Thread {
            var round = 0
            while !stop.load(ordering: .relaxed) {
                round += 1
                let big = Channel(title: "Big \(round)", handle: "big", publications: posts)
                _ = try? library.importChannels([big], from: .named(big)) { _ in
                    writing.add(1, ordering: .relaxed)
                    return true
                }
            }
        }
        writer.start()
        defer { stop.store(true, ordering: .relaxed) }
        let deadline = Date().addingTimeInterval(30)
        while writing.load(ordering: .relaxed) == 0, Date() < deadline { usleep(1_000) }
        XCTAssertGreaterThan(writing.load(ordering: .relaxed), 0, "the import is writing")

        var slowest = 0.0
        let keys: [Key] = [.char("j"), .enter, .char("m"), .char("q"), .char("r"), .char("4"), .char("j")]
        for key in keys {
            let start = Date()
            runner.drive(&state, .key(key))
            slowest = max(slowest, Date().timeIntervalSince(start))
            for answer in runner.drain() { runner.drive(&state, answer) }
        }
        let during = writing.load(ordering: .relaxed)
        stop.store(true, ordering: .relaxed)
        XCTAssertLessThan(slowest, 0.030, "every key answered within 30 ms")
        XCTAssertEqual(state.channel.selected, 2)
        XCTAssertEqual(state.channel.userRating, 4, "shown at once")

        // The writes, queued on the worker behind nothing of the loop's, are kept.
        runner.finish()
        for answer in runner.drain() { runner.drive(&state, answer) }
        XCTAssertNil(state.saveProblem)
        let marks = try library.marks(channel: "@durov")
        XCTAssertEqual(marks.rating, 4)
        XCTAssertEqual(marks.read, [seed[0].publications[1].id])
        XCTAssertEqual(marks.bookmarks, [seed[0].publications[1].id])
        XCTAssertGreaterThan(during, 0)
    }

    /// Read marks are read with each window of posts, never the channel's whole set: 4 000 of 5 000 posts read,
    /// the state holds those of the window only, and G brings those of the window at the end.
    func testReadMarksComeWithEachWindow() throws {
        let posts = (0..<5_000).map { Publication(id: "p\($0)", date: Date(timeIntervalSince1970: 1_600_000_000 + Double($0) * 60), text: "post \($0)") }
        let channel = Channel(title: "Marked", handle: "marked", publications: posts)
        // Every post but those numbered 4 000 to 4 999 (the newest) is read.
        let read = Set(posts.prefix(4_000).map(\.id))
        var state = Fixture.state([channel], 120, 40, marks: ["@marked": UserMarks(read: read)])
        let window = Set(state.channel.window.posts.map(\.id))
        XCTAssertLessThan(window.count, 200)
        XCTAssertEqual(state.channel.read, [], "the newest posts, on screen, are unread")
        press(&state, "G")
        let end = Set(state.channel.window.posts.map(\.id))
        XCTAssertFalse(end.isEmpty)
        XCTAssertEqual(state.channel.read, end, "the oldest posts, on screen now, are read")
        // A mark the screen shows stays shown when the window moves, whatever the library answers meanwhile.
        press(&state, "U")
        let selected = try XCTUnwrap(state.channel.selectedPost?.id)
        XCTAssertFalse(state.channel.read.contains(selected))
        reduce(&state, .window(channel: state.channel.stored.id, state.channel.window, read: end))
        XCTAssertFalse(state.channel.read.contains(selected), "held posts keep what the screen shows")
    }
}
