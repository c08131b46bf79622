import Foundation
import XCTest

@testable import FeedModel

/// Shapes real files have that the first importers lost or misstated (issue 13), each on a real file or a small
/// file written in the real shape (Tests/FeedModelTests/Resources/realworld).
final class RealWorldTests: XCTestCase {
    private func load(_ path: String) throws -> Channel {
        try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture(path)).first)
    }

    private func wallClock(_ s: String) throws -> Date {
        try XCTUnwrap(ISODate.parse(s + "Z"))
    }

    // MARK: 1. Telegram Desktop

    func testTrimmedExportKeepsMessagesWithoutIdByPosition() throws {
        let ch = try load("realworld/tdesktop-trimmed-2018.json")
        XCTAssertEqual(ch.publications.map(\.id), ["#1", "12", "13", "#4"])
        XCTAssertEqual(ch.skipped.count, 0)
        XCTAssertEqual(ch.publications[0].text, "A message from a trimmed export: it has no id.")
        // The same file gives the same ids every time: bookmarks and read marks stay on their post.
        XCTAssertEqual(try load("realworld/tdesktop-trimmed-2018.json").publications.map(\.id), ch.publications.map(\.id))
    }

    func testZonelessExportTimesStayWallClock() throws {
        let ch = try load("realworld/tdesktop-trimmed-2018.json")
        for p in ch.publications {
            XCTAssertTrue(p.wallClock, p.id)
            XCTAssertNil(p.utcOffset, p.id)
        }
        XCTAssertEqual(ch.publications[0].date, try wallClock("2018-03-01T18:05:00"))
        // Written back without a zone: the native file does not claim UTC either.
        let text = String(decoding: NativeJSON.encode([ch]), as: UTF8.self)
        XCTAssertTrue(text.contains("\"date\" : \"2018-03-01T18:05:00\","), text)
        XCTAssertFalse(text.contains("2018-03-01T18:05:00Z"))
        // A real 2019 export without date_unixtime: the same.
        let real = try load("tdesktop/chat-analyser-full-export-2019.json")
        XCTAssertTrue(real.publications.allSatisfy(\.wallClock))
    }

    func testVideoAndFileKeepSizeAndDuration() throws {
        let ch = try load("realworld/tdesktop-trimmed-2018.json")
        XCTAssertEqual(ch.publications[1].media, [Media(kind: .video, name: "harbour.mp4", size: 26_424_115, duration: 177, thumbnail: "video_files/harbour.mp4_thumb.jpg")])
        XCTAssertEqual(ch.publications[3].media, [Media(kind: .file, name: "report.pdf", size: 3_145_728)])
        // A real export's photo and its size.
        let real = try load("tdesktop/pachum-guzel-channel.json")
        XCTAssertEqual(real.publications[0].media.first?.size, 198_074)
    }

    func testReactionsPerEmojiAuthorAndPoll() throws {
        let ch = try load("realworld/tdesktop-trimmed-2018.json")
        let video = ch.publications[1]
        XCTAssertEqual(video.author, "Anna K.")
        XCTAssertEqual(
            video.reactionsByEmoji,
            [Reaction(emoji: "👍", count: Count(41)), Reaction(emoji: "❤", count: Count(7)), Reaction(emoji: "custom", count: Count(2))])
        XCTAssertEqual(video.reactions, Count(50))
        let poll = try XCTUnwrap(ch.publications[2].media.first)
        XCTAssertEqual(poll.kind, .poll)
        XCTAssertEqual(poll.name, "Next trip?")
        XCTAssertEqual(poll.voters, Count(80))
        XCTAssertEqual(poll.options, [PollOption(text: "Mountains", percent: 63, votes: 50), PollOption(text: "Sea", percent: 38, votes: 30)])
    }

    // MARK: The native format keeps all of it

    func testNativeFormatRoundTripsEveryNewField() throws {
        var ch = try load("realworld/tdesktop-trimmed-2018.json")
        ch.publications[0].permalink = "https://t.me/fieldnotes/1"
        ch.publications[0].date = nil
        ch.publications[0].wallClock = false
        ch.publications[3].media[0].sizeApproximate = true
        ch.publications[1].reactionsByEmoji[0].count = Count(1200, approximate: true)
        ch.publications[1].reactions = Reaction.total(ch.publications[1].reactionsByEmoji)
        let data = NativeJSON.encode([ch])
        let back = try XCTUnwrap(FeedLoader.load(data: data).first)
        XCTAssertEqual(back.publications, ch.publications)
        XCTAssertEqual(NativeJSON.encode([back]), data)
        XCTAssertNil(back.publications[0].date)
        XCTAssertEqual(back.publications[1].reactions, Count(1209, approximate: true))
    }

    // MARK: 6. Statistics mean what they say

    func testRateOverSecondsIsACountNotAWeeklyRate() throws {
        // The real 2019 export: 5 messages within 36 seconds. A weekly rate from that would be 84 000/week.
        let ch = try load("tdesktop/chat-analyser-full-export-2019.json")
        let s = ChannelStatistics(ch, clock: SampleFiles.utc)
        XCTAssertEqual(s.postCount, 5)
        XCTAssertNil(s.postsPerWeek)
        let rate = try XCTUnwrap(s.postRate)
        XCTAssertNil(rate.unit)
        XCTAssertEqual(rate.value, 5)
        XCTAssertEqual(rate.span, 36)
    }

    func testRateUnitFollowsTheSpan() throws {
        func rate(_ spanSeconds: TimeInterval, posts: Int = 10) -> PostRate? { PostRate(posts: posts, span: spanSeconds) }
        XCTAssertEqual(rate(14 * 86_400)?.unit, .week)
        XCTAssertEqual(rate(14 * 86_400)?.value, 5)
        XCTAssertEqual(rate(2 * 86_400)?.unit, .day)
        XCTAssertEqual(rate(2 * 86_400)?.value, 5)
        XCTAssertEqual(rate(5 * 3600)?.unit, .hour)
        XCTAssertEqual(rate(5 * 3600)?.value, 2)
        XCTAssertNil(rate(59 * 60)?.unit)
        // Three posts in the same second: three within one second, not an unknown rate.
        XCTAssertEqual(rate(0, posts: 3), PostRate(posts: 3, span: 1))
        XCTAssertEqual(rate(0, posts: 3)?.value, 3)
        XCTAssertNil(rate(0, posts: 3)?.unit)
        XCTAssertNil(rate(100, posts: 1))
        // The real RSS feed spans about a day and a quarter: per day, not per week.
        let rss = ChannelStatistics(try load("rss/plaszeb-geopolitics-telethon.xml"), clock: SampleFiles.utc)
        XCTAssertEqual(rss.postRate?.unit, .day)
        XCTAssertNil(rss.postsPerWeek)
    }
}

// MARK: 2–3. t.me pages

final class TMeRealWorldTests: XCTestCase {
    private func load(_ path: String) throws -> Channel {
        try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture(path)).first)
    }

    private func post(_ ch: Channel, _ id: String) throws -> Publication {
        try XCTUnwrap(ch.publications.first { $0.id == id }, "no post \(id)")
    }

    func testEveryMessageBlockIsKept() throws {
        let ch = try load("realworld/tme-fieldnotes.html")
        XCTAssertEqual(ch.publications.map(\.id), (101...107).map { "fieldnotes/\($0)" })
        XCTAssertEqual(ch.skipped.count, 0)
    }

    func testBlockWithoutDataPostTakesItsIdFromTheDateLink() throws {
        let p = try post(try load("realworld/tme-fieldnotes.html"), "fieldnotes/102")
        XCTAssertEqual(p.text, "A block without data-post: its id comes from the date link.")
        XCTAssertEqual(p.permalink, "https://t.me/fieldnotes/102")
    }

    func testEmptyDatetimeIsAnUnknownDateInItsPlace() throws {
        let ch = try load("realworld/tme-fieldnotes.html")
        let p = try post(ch, "fieldnotes/103")
        XCTAssertNil(p.date)
        XCTAssertEqual(p.views, Count(1900, approximate: true))
        // Sorted by date, it stays between its neighbours 102 and 104, in either direction.
        let places = Publication.placeDates(ch.publications)
        let newest = ch.publications.indices.sorted { (places[$0], $1) > (places[$1], $0) }.map { ch.publications[$0].id }
        XCTAssertEqual(Array(newest[3...5]), ["fieldnotes/104", "fieldnotes/103", "fieldnotes/102"])
        XCTAssertEqual(ChannelStatistics(ch, clock: SampleFiles.utc).undatedPosts, 1)
    }

    func testReactionsPerEmojiAndTheirApproximateSum() throws {
        let p = try post(try load("realworld/tme-fieldnotes.html"), "fieldnotes/101")
        XCTAssertEqual(
            p.reactionsByEmoji,
            [Reaction(emoji: "👍", count: Count(1200, approximate: true)), Reaction(emoji: "❤", count: Count(56)), Reaction(emoji: "⭐", count: Count(15))])
        XCTAssertEqual(p.reactions, Count(1271, approximate: true))
        XCTAssertEqual(p.author, "Anna K.")
        XCTAssertEqual(p.text, "The harbour at dawn.\nMore tomorrow.")
        XCTAssertEqual(p.links, [], "the permalink is not a link of the text")
    }

    func testPollKeepsQuestionOptionsSharesAndVoters() throws {
        let poll = try XCTUnwrap(try post(try load("realworld/tme-fieldnotes.html"), "fieldnotes/104").media.first)
        XCTAssertEqual(poll.kind, .poll)
        XCTAssertEqual(poll.name, "Next trip?")
        XCTAssertEqual(poll.options, [PollOption(text: "Mountains", percent: 63), PollOption(text: "Sea", percent: 37)])
        XCTAssertEqual(poll.voters, Count(1500, approximate: true))
        // The real page's poll: "3.0K" voters, 92% and 8%.
        let real = try load("tme/statosphere-antichristone.html")
        let realPoll = try XCTUnwrap(try post(real, "antichristone/500").media.first)
        XCTAssertEqual(realPoll.voters, Count(3000, approximate: true))
        XCTAssertEqual(realPoll.options.map(\.percent), [92, 8])
        XCTAssertEqual(realPoll.options.first?.text, "1: завтра, но 150+ сервисов")
    }

    func testDocumentSizeAndDurations() throws {
        let ch = try load("realworld/tme-fieldnotes.html")
        XCTAssertEqual(
            try post(ch, "fieldnotes/105").media,
            [Media(kind: .file, name: "report-2024.pdf", size: 26_424_115, sizeApproximate: true)])
        XCTAssertEqual(
            try post(ch, "fieldnotes/107").media,
            [Media(kind: .voice, duration: 42), Media(kind: .file, name: "Harbour sounds", duration: 205)])
    }

    func testUnsupportedMediaIsAVisibleMarker() throws {
        let p = try post(try load("realworld/tme-fieldnotes.html"), "fieldnotes/106")
        XCTAssertEqual(p.text, "")
        XCTAssertEqual(
            p.media, [Media(kind: .other, name: "Please open Telegram to view this post", url: "https://t.me/fieldnotes/106?single")])
    }

    func testContactPageIsAChannelWithoutPostsThatSaysWhereThePostsAre() throws {
        let ch = try load("realworld/tme-contact-page.html")
        XCTAssertEqual(ch.title, "Field Notes")
        XCTAssertEqual(ch.handle, "fieldnotes")
        XCTAssertEqual(ch.description, "Notes from the field.\nPhotos, sounds and reports.")
        XCTAssertEqual(ch.subscribers, Count(82_932))
        XCTAssertEqual(ch.publications, [])
        XCTAssertEqual(ch.notice, "this is the channel's contact page; its posts are at t.me/s/fieldnotes")
        XCTAssertEqual(ch.url, "https://t.me/s/fieldnotes")
    }
}

// MARK: 4–5. RSS and Atom as they exist in the wild

final class FeedRealWorldTests: XCTestCase {
    private func load(_ path: String) throws -> Channel {
        try XCTUnwrap(FeedLoader.load(data: SampleFiles.fixture(path)).first)
    }

    func testSharedGuidsStillGiveUniqueIds() throws {
        let ch = try load("realworld/rss-wild.xml")
        XCTAssertEqual(ch.publications.map(\.id).prefix(2), ["shared-guid", "shared-guid#2"])
        XCTAssertEqual(Set(ch.publications.map(\.id)).count, ch.publications.count)
    }

    func testTheItemLinkIsThePermalinkAndLinksAreThoseOfTheText() throws {
        let ch = try load("realworld/rss-wild.xml")
        XCTAssertEqual(ch.publications[0].permalink, "https://wild.example.net/news/1")
        XCTAssertEqual(ch.publications[0].links, ["https://ext.example.com/a"])
        XCTAssertEqual(ch.publications[1].links, [])
        // Two of five items link somewhere in their text: not 100 % as when the item link counted.
        XCTAssertEqual(ChannelStatistics(ch, clock: SampleFiles.utc).linkShare, 0.4)
        // The real Telegram bridge feed: its items' links are t.me permalinks, not links of the text.
        let real = try load("rss/plaszeb-geopolitics-telethon.xml")
        XCTAssertTrue(real.publications.allSatisfy { $0.permalink?.hasPrefix("https://t.me/geopolitics_prime/") == true })
        XCTAssertLessThan(ChannelStatistics(real, clock: SampleFiles.utc).linkShare ?? 1, 1)
    }

    func testPlainTextKeepsLineBreaksLeadingSpacesAndBlankLines() throws {
        let p = try load("realworld/rss-wild.xml").publications[1]
        XCTAssertEqual(p.text, "Second\n\nA poem, as written:\n\n  roses are red,\n    violets are blue\n\nSigned.")
    }

    func testControlCharacterReferencesAndBrokenHTMLDoNotStopTheFeed() throws {
        let ch = try load("realworld/rss-wild.xml")
        XCTAssertEqual(ch.publications.map(\.permalink).last, "https://wild.example.net/news/5")
        XCTAssertEqual(ch.publications.count, 5)
        XCTAssertEqual(ch.skipped.count, 0)
        XCTAssertFalse(ch.publications[2].text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        XCTAssertEqual(ch.publications[3].text, "Broken markup\n\nstray close\nmisnested relative")
    }

    func testUTF16WithByteOrderMarkIsDecoded() throws {
        let data = SampleFiles.fixture("realworld/rss-utf16-bom.xml")
        XCTAssertEqual(Array(data.prefix(2)), [0xFF, 0xFE])
        let ch = try load("realworld/rss-utf16-bom.xml")
        XCTAssertEqual(ch.publications.map(\.text), try load("realworld/rss-wild.xml").publications.map(\.text))
    }

    func testEntityExpansionIsRefusedForWhatItIs() {
        XCTAssertThrowsError(try FeedLoader.load(data: SampleFiles.fixture("realworld/rss-entity-bomb.xml"))) { error in
            XCTAssertEqual(
                "\(error)",
                "line 3: DOCTYPE declares entities; refused (entity expansion and external entities are never processed)")
        }
    }

    func testDeepNestingSkipsItsItemAndReadsOn() throws {
        let ch = try load("realworld/rss-deep-nesting.xml")
        XCTAssertEqual(ch.publications.map(\.id), ["deep-0", "deep-1", "deep-2", "deep-after"])
        XCTAssertEqual(ch.skipped.summary, "1 post skipped — first at line 7: elements nested deeper than 100 levels at line 7")
    }

    func testRSS091And092ItemsHaveNoDateAndAreKeptInFeedOrder() throws {
        let v091 = try load("realworld/rss-0.91.xml")
        XCTAssertEqual(v091.publications.count, 3)
        XCTAssertTrue(v091.publications.allSatisfy { $0.date == nil })
        XCTAssertEqual(v091.publications[0].permalink, "http://writetheweb.com/read.php?item=24")
        // Newest first, undated items keep the feed's order.
        let places = Publication.placeDates(v091.publications)
        let newest = v091.publications.indices.sorted { (places[$0], $1) > (places[$1], $0) }
        XCTAssertEqual(newest, [0, 1, 2])
        let v092 = try load("realworld/rss-0.92.xml")
        XCTAssertEqual(v092.publications.count, 3)
        XCTAssertEqual(v092.publications[0].media, [Media(kind: .audio, url: "http://www.scripting.com/mp3s/weatherReportDicksPicsVol7.mp3", size: 6_182_912)])
        XCTAssertEqual(v092.publications[1].links, ["http://deadend.editthispage.com/", "http://deadend.editthispage.com/directory/61"])
    }

    func testRSS10DatesAndCreators() throws {
        let ch = try load("realworld/rss-1.0.rdf")
        XCTAssertEqual(ch.publications.map(\.author), ["Simon St.Laurent", "Dan Brickley"], "the name, not its address")
        XCTAssertEqual(ch.publications[1].utcOffset, 3600)
    }

    func testAtomWithoutUpdatedUsesPublishedAndResolvesXMLBase() throws {
        let ch = try load("realworld/atom-published-only.xml")
        XCTAssertEqual(ch.url, "https://blog.example.org/")
        let notes = ch.publications[0]
        XCTAssertEqual(notes.date, ISODate.parse("2024-06-01T10:00:00Z"))
        XCTAssertEqual(notes.author, "Maria Lopez")
        XCTAssertEqual(notes.permalink, "https://blog.example.org/posts/release-notes.html")
        XCTAssertEqual(notes.links, ["https://blog.example.org/docs/changes", "https://other.example.com/x"])
        let podcast = ch.publications[1]
        XCTAssertEqual(podcast.author, "Site Team", "an entry without author has the feed's")
        XCTAssertEqual(podcast.permalink, "https://cdn.example.org/media/ep12")
        XCTAssertEqual(podcast.media, [Media(kind: .audio, url: "https://cdn.example.org/media/ep12.mp3", size: 5_000_000)])
    }

    func testRelativeLinksResolveAgainstTheChannelLink() throws {
        let ch = try load("realworld/rss-wild.xml")
        XCTAssertEqual(ch.publications[2].permalink, "https://wild.example.net/news/3")
        XCTAssertEqual(ch.publications[3].links, ["https://wild.example.net/rel/page"])
    }

    func testAuthorsFromRSSAndDublinCore() throws {
        let ch = try load("realworld/rss-wild.xml")
        XCTAssertEqual(ch.publications[0].author, "Ed Itor")
        XCTAssertEqual(ch.publications[1].author, "Jo Writer")
        XCTAssertNil(ch.publications[2].author)
    }

    func testMediaRSSAsYouTubeWritesIt() throws {
        let ch = try load("realworld/youtube-channel.xml")
        let p = ch.publications[0]
        XCTAssertEqual(p.permalink, "https://www.youtube.com/watch?v=AbCdEfGhIjK")
        XCTAssertEqual(p.author, "Field Notes Video")
        XCTAssertEqual(
            p.text,
            "The harbour at dawn\n\nBoats leaving at first light.\nRecorded on the north pier.\n\nMore: https://fieldnotes.example.org/harbour")
        XCTAssertEqual(p.links, ["https://fieldnotes.example.org/harbour"])
        XCTAssertEqual(p.media, [
            Media(kind: .video, url: "https://www.youtube.com/v/AbCdEfGhIjK?version=3"),
            Media(kind: .photo, url: "https://i2.ytimg.com/vi/AbCdEfGhIjK/hqdefault.jpg"),
        ])
        XCTAssertEqual(ch.publications[1].text, "Sounds of the market")
    }
}

// MARK: 7. No post dropped silently

/// Every real and realistic file of the test resources: the posts each importer keeps, compared with a count made
/// here from the file's own markup or JSON, independently of the importers.
final class PostCountTests: XCTestCase {
    private static let resources = SampleFiles.root.appendingPathComponent("Tests/FeedModelTests/Resources")

    /// Occurrences of a byte pattern.
    private func occurrences(_ needle: String, in data: Data) -> Int {
        let n = Array(needle.utf8)
        var count = 0
        var from = data.startIndex
        while let r = data[from...].firstRange(of: n) {
            count += 1
            from = r.upperBound
        }
        return count
    }

    /// Objects of type "message" or "service" in every `messages` list, walked with JSONSerialization.
    private func tdesktopMessages(_ data: Data) throws -> Int {
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var chats: [[String: Any]] = [root]
        for section in ["chats", "left_chats"] {
            chats += ((root[section] as? [String: Any])?["list"] as? [[String: Any]]) ?? []
        }
        return chats.reduce(0) { sum, chat in
            sum + ((chat["messages"] as? [[String: Any]]) ?? []).filter { ["message", "service"].contains($0["type"] as? String) }.count
        }
    }

    func testTheBundledSamplesKeepEveryPost() throws {
        // The catalog page: one date line ("July 30, 2017 12:25") per publication.
        let page = try String(contentsOf: SampleFiles.seed, encoding: .utf8)
        let dateLines = page.split(separator: "\n").filter {
            $0.range(of: #"^[A-Z][a-z]+ \d{1,2}, \d{4} \d{2}:\d{2}$"#, options: .regularExpression) != nil
        }
        XCTAssertEqual(try FeedLoader.load(path: SampleFiles.seed.path).first?.publications.count, dateLines.count)
        XCTAssertEqual(dateLines.count, 10)
        // The native sample: its publications, read with JSONSerialization.
        let url = SampleFiles.url("unicode-sampler.json")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let expected = ((root["channels"] as? [[String: Any]]) ?? []).reduce(0) { $0 + (($1["publications"] as? [Any])?.count ?? 0) }
        XCTAssertEqual(try FeedLoader.load(path: url.path).reduce(0) { $0 + $1.publications.count }, expected)
    }

    /// Whole files only: damaged ones (cut, invalid on purpose) have tests of their own.
    private static let damaged: Set<String> = [
        "tdesktop/truncated.json", "tdesktop/bad-id-string.json", "tdesktop/bad-id-too-large.json",
        "tdesktop/missing-date.json", "tdesktop/invalid-utf8.json", "tdesktop/lone-surrogate.json", "tdesktop/empty.json",
        "realworld/rss-entity-bomb.xml", "realworld/rss-deep-nesting.xml", "tme/hostile-messages.html",
    ]

    func testEveryImporterKeepsEveryPostOfEveryRealFile() throws {
        // The folders of the importers' files (others hold OPML, configuration…).
        let files = try ["tdesktop", "tme", "rss", "realworld"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: Self.resources.appendingPathComponent(folder).path)
                .map { "\(folder)/\($0)" }
        }.filter { !Self.damaged.contains($0) }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 15)
        for file in files {
            let data = try Data(contentsOf: Self.resources.appendingPathComponent(file))
            let utf8 = FeedLoader.utf8(data)
            let expected: Int
            switch (file as NSString).pathExtension {
            case "json": expected = try tdesktopMessages(data)
            case "html": expected = occurrences("class=\"tgme_widget_message ", in: utf8)
            default: expected = occurrences("<item>", in: utf8) + occurrences("<item ", in: utf8) + occurrences("<entry>", in: utf8) + occurrences("<entry ", in: utf8)
            }
            let channels: [Channel]
            do {
                channels = try FeedLoader.load(data: data)
            } catch {
                XCTFail("\(file): \(error)")
                continue
            }
            let kept = channels.reduce(0) { $0 + $1.publications.count }
            XCTAssertEqual(kept, expected, "\(file): \(kept) posts kept, the file has \(expected)")
            XCTAssertEqual(channels.reduce(0) { $0 + $1.skipped.count }, 0, file)
        }
    }
}
