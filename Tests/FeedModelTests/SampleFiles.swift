import Foundation

/// The repository's `Samples/` folder, found from this file's path so tests read the real bundled files.
enum SampleFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ name: String) -> URL {
        root.appendingPathComponent("Samples").appendingPathComponent(name)
    }

    static let seed = url("durov-channel-page.txt")
}
