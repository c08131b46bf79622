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

/// What a hostile OPML file or channels file may hold: only sources are followed, the rest is named by line.
final class FollowableSourceTests: XCTestCase {
    func refusal(_ text: String, files: Bool = true) -> String {
        do {
            return "accepted \(try Source.followable(text, files: files))"
        } catch {
            return error.message
        }
    }

    func testOnlyChannelsURLsAndFilesAreSources() throws {
        XCTAssertEqual(try Source.followable("@durov", files: false), .telegram("durov"))
        XCTAssertEqual(try Source.followable("https://t.me/s/durov", files: false), .telegram("durov"))
        XCTAssertEqual(try Source.followable("https://example.com/feed.xml?a=1#x", files: false), .feed("https://example.com/feed.xml?a=1#x"))
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Samples/durov-channel-page.txt").standardizedFileURL.path
        XCTAssertEqual(try Source.followable(sample, files: true), .file(sample))
        XCTAssertEqual(refusal(sample, files: false), "not an http(s) URL or a Telegram channel")
        XCTAssertEqual(refusal("javascript:alert(1)"), "javascript: is not followed: only http(s) URLs, @channels and files")
        XCTAssertEqual(refusal("FILE:///etc/passwd"), "file: is not followed: only http(s) URLs, @channels and files")
        XCTAssertEqual(refusal("data:text/html,x"), "data: is not followed: only http(s) URLs, @channels and files")
        XCTAssertEqual(refusal("-rf"), "looks like an option, not a source")
        XCTAssertEqual(refusal("-"), "standard input cannot be followed; save it to a file first")
        XCTAssertEqual(refusal("/dev/zero"), "is a device, not a feed file")
        XCTAssertEqual(refusal("/dev/urandom"), "is a device, not a feed file")
        XCTAssertEqual(refusal("/tmp"), "is a directory, not a feed file")
        XCTAssertEqual(refusal("https://example.com/a b"), "not a valid http(s) URL")
        XCTAssertEqual(refusal("https://example.com/a\u{3000}b"), "not a valid http(s) URL")
        XCTAssertEqual(refusal("https:///nohost"), "not a valid http(s) URL")
        XCTAssertEqual(refusal("https://example.com/a\n@evil"), "contains the control character U+000A, not a source")
        XCTAssertEqual(refusal("https://example.com/\u{1B}[31m"), "contains the control character U+001B, not a source")
        XCTAssertEqual(refusal("@durov\u{9B}"), "contains the control character U+009B, not a source")
        XCTAssertEqual(refusal("https://example.com/\u{202E}lmx.exe"), "contains the control character U+202E, not a source")
        XCTAssertEqual(refusal("/home/nobody/gone.json"), "accepted file(\"/home/nobody/gone.json\")", "a missing file may come back")
        XCTAssertThrowsError(try Source.checkTag("news\u{1B}]0;x\u{7}"))
        XCTAssertNoThrow(try Source.checkTag("long reads"))
    }

    func testTheChannelsFileNamesWhatItRefusesByLineAndKeepsItAsWritten() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        defer { unlink(fifo) }
        let text = """
            @durov news
            javascript:alert(1)
            /dev/zero
            \(fifo)
            -rf
            https://example.com/feed.xml
            t.me/s/durov more
            @evil "bad\u{1B}[2Jtag"
            https://example.com/feed.xml

            """
        let file = SubscriptionFile(text: text)
        XCTAssertEqual(file.subscriptions, [
            Subscription(source: .telegram("durov"), tags: ["news"]),
            Subscription(source: .feed("https://example.com/feed.xml")),
        ])
        XCTAssertEqual(file.refusals.map(\.description), [
            "line 2: javascript: is not followed: only http(s) URLs, @channels and files",
            "line 3: is a device, not a feed file",
            "line 4: is a named pipe, not a feed file",
            "line 5: looks like an option, not a source",
            "line 7: @durov is already followed on line 1",
            "line 8: a tag contains the control character U+001B",
            "line 9: https://example.com/feed.xml is already followed on line 6",
        ])
        XCTAssertEqual(file.text, text, "nothing of the user's is lost")
        var edited = file
        XCTAssertTrue(edited.remove(.telegram("durov")))
        XCTAssertFalse(edited.text.contains("durov"), "every line naming it goes")
        XCTAssertEqual(edited.refusals.last?.description, "line 7: https://example.com/feed.xml is already followed on line 5")
    }

    func testAWrittenSourceWithSpacesReadsBack() {
        var file = SubscriptionFile()
        file.add(.file("/home/me/My Feeds/a.xml"), tags: ["a b", "c"])
        XCTAssertEqual(SubscriptionFile(text: file.text).subscriptions, [Subscription(source: .file("/home/me/My Feeds/a.xml"), tags: ["a b", "c"])])
    }

    func testAHundredThousandSourcesAreReadAndAddedInLinearTime() {
        let start = Date()
        var file = SubscriptionFile()
        for i in 0..<100_000 { file.add(.feed("https://example.com/\(i % 1000)/\(i).xml"), tags: ["a"]) }
        file.add(.feed("https://example.com/0/0.xml"), tags: ["a"])
        let read = SubscriptionFile(text: file.text)
        XCTAssertEqual(read.subscriptions.count, 100_000)
        XCTAssertEqual(read.refusals, [])
        // Quadratic adding took 83 s; linear takes about 3 s in a debug build on a loaded machine.
        XCTAssertLessThan(Date().timeIntervalSince(start), 15)
    }

    func testTheChannelsFileMustBeARegularFileOfSaneSize() throws {
        XCTAssertThrowsError(try SubscriptionFile.load(path: "/dev/zero")) {
            XCTAssertEqual(($0 as? FeedError)?.description, "/dev/zero: is a device, not a subscriptions file")
        }
    }
}
