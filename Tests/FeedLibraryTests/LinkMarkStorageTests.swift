import FeedModel
import Foundation
import XCTest

@testable import FeedLibrary

/// Where each link stands in a post's text is kept with the post in the library: read whole from a file and merged
/// in by a refresh of the same file, on a real SQLite file.
final class LinkMarkStorageTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("linkmarks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testMarksComeBackFromTheLibraryAsImported() throws {
        let file = LibraryTests.root.appendingPathComponent("Tests/FeedModelTests/Resources/realworld/rss-links-under-words.xml").path
        let imported = try FeedLoader.load(path: file)
        XCTAssertEqual(imported.first?.publications.map(\.linkMarks.count), [3, 2])
        let library = try Library(path: folder + "/library.sqlite")
        let id = try XCTUnwrap(try library.importChannels(imported, from: .file(file)).first)
        let stored = try library.window(channel: id, order: .oldest, offset: 0, limit: 10).posts
        XCTAssertEqual(stored.map(\.linkMarks), imported[0].publications.map(\.linkMarks))
        XCTAssertEqual(stored, imported[0].publications)

        // Followed and refreshed: kept the same way.
        let copy = folder + "/harbour.xml"
        try FileManager.default.copyItem(atPath: file, toPath: copy)
        let report = Refresher(library: library, fetcher: Fetcher(userAgent: "feedtui/test")).refresh(Source(copy))
        XCTAssertNil(report.error)
        let (channel, _) = try XCTUnwrap(try library.followedChannel(Source(copy)))
        let merged = try library.window(channel: channel.id, order: .oldest, offset: 0, limit: 10).posts
        XCTAssertEqual(merged.map(\.linkMarks), imported[0].publications.map(\.linkMarks))
        // A changed feed file is read again, the new item's mark with it.
        let item = """
            <item><title>Storm warning</title><guid isPermaLink="false">harbour-2024-05-storm</guid>
            <pubDate>Thu, 02 May 2024 06:00:00 +0000</pubDate>
            <description>&lt;p&gt;No ferries today: see &lt;a href="https://harbour.example.org/weather"&gt;the forecast&lt;/a&gt;.&lt;/p&gt;</description></item>
            """
        var feed = try String(contentsOfFile: copy, encoding: .utf8)
        let first = try XCTUnwrap(feed.range(of: "    <item>"))
        feed.insert(contentsOf: item + "\n", at: first.lowerBound)
        try feed.write(toFile: copy, atomically: true, encoding: .utf8)
        let second = Refresher(library: library, fetcher: Fetcher(userAgent: "feedtui/test")).refresh(Source(copy))
        XCTAssertNil(second.error)
        XCTAssertEqual(second.newPosts, 1)
        let (changed, _) = try XCTUnwrap(try library.followedChannel(Source(copy)))
        let storm = try XCTUnwrap(try library.window(channel: changed.id, order: .newest, offset: 0, limit: 1).posts.first)
        XCTAssertEqual(storm.text, "Storm warning\n\nNo ferries today: see the forecast.")
        XCTAssertEqual(storm.linkMarks, [LinkMark(number: 1, end: "Storm warning\n\nNo ferries today: see the forecast".utf8.count)])
        // Reopened from the file alone.
        let again = try Library(path: folder + "/library.sqlite").window(channel: id, order: .oldest, offset: 0, limit: 10).posts
        XCTAssertEqual(again.map(\.linkMarks), stored.map(\.linkMarks))
    }
}
