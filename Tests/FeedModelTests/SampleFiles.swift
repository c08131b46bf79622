import FeedModel
import Foundation
import XCTest

/// The repository's `Samples/` folder, found from this file's path so tests read the real bundled files.
enum SampleFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ name: String) -> URL {
        root.appendingPathComponent("Samples").appendingPathComponent(name)
    }

    static let seed = url("durov-channel-page.txt")

    /// Statistics counted in UTC whatever the machine's zone.
    static let utc = Clock(zone: TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current)

    /// A file of the test target's `Resources/` ("rss/plaszeb-geopolitics-telethon.xml"), read from the source
    /// tree so that every importer test finds its fixtures the same way on every platform.
    static func fixture(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> Data {
        let url = root.appendingPathComponent("Tests/FeedModelTests/Resources").appendingPathComponent(path)
        guard let data = try? Data(contentsOf: url) else {
            XCTFail("missing fixture \(path)", file: file, line: line)
            return Data()
        }
        return data
    }
}
