import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seedPath = root.appendingPathComponent("Samples/durov-channel-page.txt").path
    static let goldens = root.appendingPathComponent("Tests/FeedTUITests/Goldens")

    static func seed() throws -> [Channel] {
        try FeedLoader.load(path: seedPath)
    }

    static func state(
        _ channels: [Channel], _ width: Int, _ height: Int, keys: String = "", useColor: Bool = false, config: Config = Config()
    ) -> AppState {
        var state = AppState(channels: channels, size: Size(width: width, height: height), useColor: useColor, config: config)
        clampScroll(&state)
        for name in keys.split(separator: " ") {
            guard let key = Key(name: String(name)) else {
                XCTFail("unknown key \(name)")
                continue
            }
            reduce(&state, .key(key))
        }
        return state
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
