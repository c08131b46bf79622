import FeedLibrary
import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

extension Source {
    /// A source whose identity is what the channel's content calls it ("@handle", its URL, its title): the keys
    /// the tests' marks are filed under.
    static func named(_ channel: Channel) -> Source {
        channel.handle.map { .telegram($0) } ?? .feed(channel.url ?? channel.title)
    }
}

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seedPath = root.appendingPathComponent("Samples/durov-channel-page.txt").path
    static let goldens = root.appendingPathComponent("Tests/FeedTUITests/Goldens")

    static func seed() throws -> [Channel] {
        try FeedLoader.load(path: seedPath)
    }

    /// The library of the last `state`: each state gets a fresh one, a real SQLite file in a temporary folder.
    nonisolated(unsafe) static var library: Library?

    /// Imports the channels into a fresh library, opens them as the browser does (with the user's `marks` by
    /// channel key), and presses the keys. The library counts the statistics on `clock`, as the browser's does.
    /// Screens are compared in UTC whatever the machine's zone.
    static let utc = Clock(zone: TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current)

    static func state(
        _ channels: [Channel], _ width: Int, _ height: Int, keys: String = "", useColor: Bool = false, config: Config = Config(),
        marks: [String: UserMarks] = [:], clock: Clock = utc
    ) -> AppState {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-fixture-\(UUID().uuidString)").path
        let size = Size(width: width, height: height)
        do {
            let opened = try Library(path: folder + "/library.sqlite", clock: clock)
            library = opened
            for (key, m) in marks {
                try opened.setRating(m.rating, channel: key)
                for id in m.read { try opened.markRead(id, channel: key) }
                for id in m.bookmarks { try opened.setBookmark(id, marked: true, channel: key) }
                if let last = m.lastSelected { try opened.setLastSelected(last, channel: key) }
            }
            var state = AppState(
                channels: try channels.flatMap { ch in try opened.importChannels([ch], from: .named(ch)) }.compactMap { id throws(LibraryError) in
                    try ChannelView.opened(id, library: opened, sort: config.sort)
                }, size: size, useColor: useColor,
                config: config, clock: clock)
            send(&state, .resize(size))
            for name in keys.split(separator: " ") {
                guard let key = Key(name: String(name)) else {
                    XCTFail("unknown key \(name)")
                    continue
                }
                send(&state, .key(key))
            }
            return state
        } catch {
            XCTFail("the fixture library: \(error)")
            return AppState(channels: [], size: size)
        }
    }

    /// One event through the reducer, with the library answering its queries as the runtime does; returns the
    /// effects not answered in place (saves, refreshes, links, redraws).
    @discardableResult
    static func send(_ state: inout AppState, _ event: Event) -> [Effect] {
        guard let library else {
            XCTFail("no fixture library")
            return []
        }
        // The runtime's runner, every answer given before the next event; nothing goes to the network or a terminal.
        return EffectRunner(library: library, sort: state.config.sort, inline: true).drive(&state, event)
    }

    /// Every post of the current channel in the list's order, read from the library.
    static func posts(_ state: AppState) -> [Publication] {
        let view = state.channel
        return (try? library?.window(channel: view.stored.id, order: view.sort, offset: 0, limit: view.total).posts) ?? []
    }
}

/// Compares a rendered screen with `Goldens/<name>.txt`. With UPDATE_GOLDENS=1 the file is (re)written and the
/// test fails, so a recording never passes silently in CI.
func assertGolden(_ grid: Grid, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let text = grid.lines.joined(separator: "\n") + "\n"
    let url = Fixture.goldens.appendingPathComponent(name + ".txt")
    for (i, row) in grid.lines.enumerated() {
        XCTAssertLessThanOrEqual(row.displayWidth, grid.width, "row \(i) is wider than the screen", file: file, line: line)
    }
    if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
        try? FileManager.default.createDirectory(at: Fixture.goldens, withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: url)
        XCTFail("recorded golden \(name); run again without UPDATE_GOLDENS", file: file, line: line)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("no golden \(name).txt — record it with UPDATE_GOLDENS=1", file: file, line: line)
        return
    }
    if expected != text {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }
        XCTFail(
            "screen differs from \(name).txt at row \(first?.offset ?? min(e.count, a.count)):\n"
                + "expected: \(first?.element.0 ?? "")\nactual:   \(first?.element.1 ?? "")\n\nactual screen:\n\(text)",
            file: file, line: line)
    }
}

/// Sends space-separated key names (`"5 j Enter"`) through the reducer, as the terminal would.
func press(_ s: inout AppState, _ keys: String) -> [Effect] {
    var effects: [Effect] = []
    for name in keys.split(separator: " ") {
        guard let key = Key(name: String(name)) else {
            XCTFail("unknown key \(name)")
            continue
        }
        effects += Fixture.send(&s, .key(key))
    }
    return effects
}
