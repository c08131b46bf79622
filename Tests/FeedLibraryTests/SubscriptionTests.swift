import FeedLibrary
import FeedModel
import XCTest

final class SourceTests: XCTestCase {
    func testEveryTelegramSpellingIsTheWebPreview() {
        for text in ["@durov", "t.me/durov", "t.me/s/durov", "https://t.me/s/durov", "http://t.me/durov", "https://t.me/durov/123",
            "https://t.me/s/Durov?before=20", "telegram.me/durov", "@Durov"]
        {
            XCTAssertEqual(Source(text), .telegram("durov"), text)
        }
        XCTAssertEqual(Source("@durov").url(environment: [:]), "https://t.me/s/durov")
        XCTAssertEqual(Source("@durov").url(before: 120, environment: [:]), "https://t.me/s/durov?before=120")
        XCTAssertEqual(Source("@durov").url(environment: ["FEEDTUI_TME_URL": "http://127.0.0.1:8123/"]), "http://127.0.0.1:8123/s/durov")
        XCTAssertEqual(Source("@durov").publicURL, "https://t.me/s/durov")
    }

    func testFeedsAndFiles() {
        XCTAssertEqual(Source("https://example.com/feed.xml"), .feed("https://example.com/feed.xml"))
        XCTAssertEqual(Source("HTTP://example.com/x"), .feed("HTTP://example.com/x"))
        XCTAssertEqual(Source("Samples/durov-channel-page.txt"), .file("Samples/durov-channel-page.txt"))
        XCTAssertEqual(Source("-"), .file("-"))
        XCTAssertEqual(Source("@"), .file("@"))
        XCTAssertEqual(Source("t.me/+invite"), .file("t.me/+invite"))
        XCTAssertNil(Source("a.txt").url())
    }
}

final class SubscriptionFileTests: XCTestCase {
    let handMade = """
        # my channels
        @durov  news   # Pavel's

        https://example.com/feed.xml "long reads" tech
        #@disabled
        /home/me/export.json
        https://example.com/#fragment
        """

    func testReadsSourcesTagsAndComments() {
        let file = SubscriptionFile(text: handMade)
        XCTAssertEqual(file.subscriptions, [
            Subscription(source: .telegram("durov"), tags: ["news"]),
            Subscription(source: .feed("https://example.com/feed.xml"), tags: ["long reads", "tech"]),
            Subscription(source: .file("/home/me/export.json")),
            Subscription(source: .feed("https://example.com/#fragment")),
        ])
        XCTAssertEqual(file.text, handMade + "\n", "reading alone changes nothing")
    }

    func testAddAndRemoveKeepHandEdits() {
        var file = SubscriptionFile(text: handMade)
        XCTAssertFalse(file.add(Source("t.me/s/durov")), "already followed")
        XCTAssertTrue(file.add(Source("https://t.me/durov"), tags: ["news", "people"]))
        XCTAssertTrue(file.add(Source("@antichristone"), tags: ["art house"]))
        XCTAssertTrue(file.remove(Source("/home/me/export.json")))
        XCTAssertFalse(file.remove(Source("@nobody")))
        XCTAssertEqual(file.text, """
            # my channels
            @durov  news people   # Pavel's

            https://example.com/feed.xml "long reads" tech
            #@disabled
            https://example.com/#fragment
            @antichristone "art house"

            """)
        XCTAssertEqual(SubscriptionFile(text: file.text).subscriptions.last, Subscription(source: .telegram("antichristone"), tags: ["art house"]))
    }

    func testSavedAtomicallyAndLoaded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("subs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("feedtui/channels").path
        XCTAssertEqual(try SubscriptionFile.load(path: path), SubscriptionFile(), "a missing file is no subscriptions")
        var file = SubscriptionFile(text: handMade)
        file.add(Source("@x_y"))
        try file.save(path: path)
        XCTAssertEqual(try SubscriptionFile.load(path: path), file)
        XCTAssertEqual(SubscriptionFile.defaultPath(environment: ["XDG_CONFIG_HOME": "/c", "HOME": "/h"]), "/c/feedtui/channels")
        XCTAssertEqual(SubscriptionFile.defaultPath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"]), "/h/.config/feedtui/channels")
        try Data([0xFF, 0xFE]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SubscriptionFile.load(path: path)) {
            XCTAssertEqual(($0 as? FeedError)?.description, "\(path): the subscriptions file is not UTF-8 text")
        }
    }
}
