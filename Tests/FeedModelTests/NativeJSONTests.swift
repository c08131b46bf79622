import Foundation
import XCTest

@testable import FeedModel

final class NativeJSONTests: XCTestCase {
    func testSeedRoundTripIsByteIdentical() throws {
        let seed = try FeedLoader.load(path: SampleFiles.seed.path)
        let first = NativeJSON.encode(seed)
        XCTAssertEqual(Format.detect(first), .json)
        let reread = try FeedLoader.load(data: first)
        XCTAssertEqual(reread, seed)
        XCTAssertEqual(NativeJSON.encode(reread), first)
    }

    /// Every post of every bundled sample and test file, of every format, and posts with every field.
    private func everyKindOfPost() -> [Publication] {
        var posts: [Publication] = []
        let resources = SampleFiles.root.appendingPathComponent("Tests/FeedModelTests/Resources")
        for folder in [SampleFiles.root.appendingPathComponent("Samples"), resources] {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects.compactMap { $0 as? URL } ?? []
            for file in files where !file.hasDirectoryPath {
                if let channels = try? FeedLoader.load(path: file.path) { posts += channels.flatMap(\.publications) }
            }
        }
        let controls = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) })
        let date = Date(timeIntervalSince1970: 1_500_000_000.25)
        posts.append(
            Publication(
                id: "q\"uo\\te/\(controls)\u{7F}\u{2028}", date: date, utcOffset: -3600, wallClock: true, permalink: "https://e.example/a?b=1&c=<2>",
                author: "Ann \"A\" Lee", text: "Line\nnext\ttab 🔥 Привет 日本\r\n\u{0}", links: ["https://e.example/x"],
                linkMarks: [LinkMark(number: 1, end: 4)], views: Count(1200, approximate: true), forwards: Count(3),
                reactions: Count(7, approximate: true), forwardedFrom: "Other", replyTo: "x/2", edited: true,
                editedAt: date, isService: true))
        posts.append(
            Publication(
                id: "m", date: nil, media: [
                    Media(kind: .video, name: "clip", url: "https://e.example/v.mp4", size: 2048, sizeApproximate: true, duration: 12,
                        voters: Count(4), thumbnail: "https://e.example/t.jpg"),
                    Media(kind: .photo),
                ]))
        posts.append(
            Publication(
                id: "lp", date: nil, text: "with a preview",
                linkPreview: LinkPreview(site: "Site", title: "Titre \"é\"", description: nil, url: "https://a.example", image: "https://a.example/i.png"),
                links: ["https://a.example", "https://b.example/ü"],
                forwardedFrom: "Elsewhere"))
        return posts
    }

    func testRecordsAreTheBytesJSONEncoderWrites() throws {
        let posts = everyKindOfPost()
        XCTAssertGreaterThan(posts.count, 200)
        let coder = NativeRecordCoder()
        var written = 0
        for post in posts {
            guard let record = RecordWriter.record(post) else { continue }
            written += 1
            XCTAssertEqual(String(decoding: record, as: UTF8.self), String(decoding: coder.encoded(post), as: UTF8.self), post.id)
        }
        XCTAssertGreaterThan(written, 200)
        // What it leaves to JSONEncoder: a poll's options.
        XCTAssertNil(RecordWriter.record(Publication(id: "p", date: nil, media: [Media(kind: .poll, options: [PollOption(text: "a")])])))
    }

    /// A search reads what it looks through from a record without making the post: the same text.
    func testTheSearchableTextOfARecordIsThePostsOwn() throws {
        let coder = NativeRecordCoder()
        let posts = everyKindOfPost()
        XCTAssertTrue(posts.contains { $0.linkPreview != nil } && posts.contains { !$0.links.isEmpty } && posts.contains { $0.forwardedFrom != nil })
        for post in posts {
            XCTAssertEqual(NativeRecordCoder.searchableText(coder.record(post)), post.searchableText, post.id)
        }
        for bad in ["", "[]", "{\"text\": 3}", "{\"links\": [1]}", "{\"linkPreview\": \"x\"}", "{\"linkPreview\": {\"image\": 3}}", "{\"text\": \"a\"", "{\"text\": \"a\" \"id\": 1}"] {
            XCTAssertNil(NativeRecordCoder.searchableText(Data(bad.utf8)), bad)
        }
        XCTAssertEqual(NativeRecordCoder.searchableText(Data("{\"id\": \"x\", \"views\": {\"a\": [1, {}]}, \"text\": \"a\\nb\"}".utf8)), "a\nb")
    }

    func testUnknownValuesStayAbsentNotZero() throws {
        let seed = try FeedLoader.load(path: SampleFiles.seed.path)
        let text = String(decoding: NativeJSON.encode(seed), as: UTF8.self)
        XCTAssertTrue(text.contains("\"viewsPerWeek\" : 255406"))
        XCTAssertFalse(text.contains("viewsPerMonth"))
        XCTAssertFalse(text.contains("\"views\""))
        XCTAssertTrue(text.contains("\"date\" : \"2017-07-30T12:25:00Z\""))
    }

    func testApproximateCountsAndOffsetsRoundTrip() throws {
        let post = Publication(
            id: "x/1", date: Date(timeIntervalSince1970: 1_500_000_000.25), utcOffset: 10_800, text: "hi",
            views: Count(1200, approximate: true), forwards: Count(3), reactions: Count(7), edited: true)
        let ch = Channel(title: "T", subscribers: Count(5), publications: [post])
        let data = NativeJSON.encode([ch])
        let back = try FeedLoader.load(data: data)
        XCTAssertEqual(back, [ch])
        XCTAssertEqual(NativeJSON.encode(back), data)
    }

    func testMissingOrUnreadableDateIsKeptAsUnknown() throws {
        let text = """
            {"channels": [{"title": "T", "publications": [
              {"id": "1", "date": "2020-01-01T00:00:00Z", "text": "ok"},
              {"id": "2", "text": "no date"},
              {"id": "3", "date": "not a date", "text": "bad date"}
            ]}], "format": "feedtui", "version": 1}
            """
        let ch = try XCTUnwrap(FeedLoader.load(data: Data(text.utf8)).first)
        // No date is a post the source gave no date for, and so is a date that cannot be read: kept, shown as —.
        XCTAssertEqual(ch.publications.map(\.id), ["1", "2", "3"])
        XCTAssertNil(ch.publications[1].date)
        XCTAssertNil(ch.publications[2].date)
        XCTAssertEqual(ch.publications[2].text, "bad date")
        XCTAssertEqual(ch.skipped.count, 0)
    }

    func testNewerVersionIsRefused() {
        let text = #"{"channels": [], "format": "feedtui", "version": 99}"#
        XCTAssertThrowsError(try FeedLoader.load(data: Data(text.utf8))) { error in
            XCTAssertEqual((error as? FeedError)?.message, "written by a newer feedtui (version 99, this one reads 1)")
        }
    }
}

final class LoaderErrorTests: XCTestCase {
    private func message(_ path: String) -> String? {
        do {
            _ = try FeedLoader.load(path: path)
            return nil
        } catch {
            return error.description
        }
    }

    private func temp(_ name: String, _ contents: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    func testMissingFile() {
        XCTAssertEqual(message("/nonexistent/x.json"), "/nonexistent/x.json: no such file")
    }

    func testDirectory() {
        XCTAssertEqual(message("/tmp"), "/tmp: is a directory, not a feed file")
    }

    func testEmptyFile() throws {
        let path = try temp("empty.txt", "  \n")
        XCTAssertEqual(message(path), "\(path): empty file")
    }

    func testUnknownFormatNamesWhatWasTried() throws {
        let path = try temp("notes.txt", "just some notes\nnothing else\n")
        XCTAssertEqual(message(path), "\(path): not a feed in any known format (tried json, tdesktop, tme, rss, page)")
    }
}

/// The native reader on damaged and unusual files: what is kept, what is skipped, and the line given.
final class NativeJSONReaderTests: XCTestCase {
    private func load(_ text: String) throws -> [Channel] {
        try FeedLoader.load(data: Data(text.utf8), format: .json)
    }

    private func loadError(_ data: Data) -> String? {
        do {
            _ = try FeedLoader.load(data: data, format: .json)
            return nil
        } catch {
            return error.description
        }
    }

    private static let date = Date(timeIntervalSince1970: 1_600_000_000)

    /// Three posts written by `encode`, so the lines are those of a real export.
    private func exported() -> (data: Data, text: String) {
        let posts = (1...3).map { Publication(id: "p\($0)", date: Self.date, text: "post \($0)", views: Count(Int64($0))) }
        let data = NativeJSON.encode([Channel(title: "T", handle: "h", publications: posts)])
        return (data, String(decoding: data, as: UTF8.self))
    }

    /// The 1-based line on which `needle` first occurs.
    private func line(of needle: String, in text: String) -> Int {
        guard let r = text.range(of: needle) else { return -1 }
        return text[..<r.lowerBound].filter { $0 == "\n" }.count + 1
    }

    func testEveryFieldRoundTrips() throws {
        let post = Publication(
            id: "x/1", date: Date(timeIntervalSince1970: 1_500_000_000.5), utcOffset: -18_000, text: "all\nfields",
            media: [
                Media(kind: .photo, name: "a.jpg", url: "https://e.org/a.jpg", size: 123_456),
                Media(kind: .voice, duration: 61), Media(kind: .poll, name: "Which?"),
            ],
            linkPreview: LinkPreview(site: "Site", title: "Title", description: "Desc", url: "https://e.org/p"),
            links: ["https://e.org/1", "https://e.org/2"], views: Count(1_200_000, approximate: true),
            forwards: Count(Int64.max), reactions: Count(0), forwardedFrom: "Other", replyTo: "x/0", edited: true,
            editedAt: Date(timeIntervalSince1970: 1_500_000_600), isService: true)
        let counters = ReportedCounters(
            viewsPerWeek: Count(1), viewsPerMonth: Count(2, approximate: true), mentionsIn: Count(3), mentionsFrom: Count(4),
            forwardedChannels: Count(5), photos: Count(6), videos: Count(7), files: Count(8), links: Count(9))
        let ch = Channel(
            title: "All", handle: "all", language: "English", description: "d", url: "https://t.me/all",
            subscribers: Count(78_600, approximate: true), counters: counters, rating: Rating(votes: 17, average: 4.25),
            publications: [post, Publication(id: "x/2", date: Self.date)])
        let data = NativeJSON.encode([ch, Channel(title: "Empty", rating: Rating(votes: 0))])
        let back = try FeedLoader.load(data: data)
        XCTAssertEqual(back, [ch, Channel(title: "Empty", rating: Rating(votes: 0))])
        XCTAssertEqual(NativeJSON.encode(back), data)
    }

    func testUnicodeSamplerExportImportExportIsByteIdentical() throws {
        let sample = try FeedLoader.load(path: SampleFiles.url("unicode-sampler.json").path)
        XCTAssertEqual(sample.first?.skipped.count, 0)
        let first = NativeJSON.encode(sample)
        let reread = try FeedLoader.load(data: first)
        XCTAssertEqual(reread, sample)
        XCTAssertEqual(NativeJSON.encode(reread), first)
    }

    func testUnknownKeysAndNullsAreIgnored() throws {
        let text = """
            {"channels": [{"title": "T", "extra": {"a": [1, {"b": null}]}, "handle": null, "publications": [
              {"id": "1", "date": "2020-01-01T00:00:00Z", "future": [true], "views": null, "text": null}
            ]}], "format": "feedtui", "version": 1, "comment": "hand-made"}
            """
        let ch = try XCTUnwrap(load(text).first)
        XCTAssertEqual(ch.publications, [Publication(id: "1", date: ISODate.parse("2020-01-01T00:00:00Z") ?? .distantPast)])
        XCTAssertNil(ch.handle)
        XCTAssertEqual(ch.skipped.count, 0)
    }

    func testSkipsGiveThePublicationsFirstLine() throws {
        let text = """
            {"channels": [{"title": "T", "publications": [
              {"id": "1", "date": "2020-01-01T00:00:00Z"},
              {
                "date": "2020-01-02T00:00:00Z",
                "id": "2",
                "views": "many"
              },
              {"id": "3", "date": "2020-01-03"},
              {"id": "4", "date": "2020-13-01T00:00:00Z"},
              {"id": "5", "date": "2020-01-05T00:00:00Z", "media": [{"kind": "photo"}, {"name": "x"}]},
              {"id": "6", "date": "2020-01-06T00:00:00Z", "views": {"value": 5, "approximate": "yes"}},
              [1, 2]
            ]}], "format": "feedtui", "version": 1}
            """
        let ch = try XCTUnwrap(load(text).first)
        // "4" has a date that cannot be read: kept without one.
        XCTAssertEqual(ch.publications.map(\.id), ["1", "3", "4"])
        XCTAssertNil(ch.publications[2].date)
        XCTAssertEqual(ch.skipped.count, 4)
        XCTAssertEqual(ch.skipped.summary, "4 posts skipped — first at line 3: \"views\" is not a number")
        // Each reason on its own, with its line.
        let reasons: [(String, Int, String)] = [
            (#"{"id": "5", "date": "2020-01-05T00:00:00Z", "media": [{"kind": "photo"}, {"name": "x"}]}"#, 1,
             #"media 2: missing "kind""#),
            (#"{"id": "6", "date": "2020-01-06T00:00:00Z", "views": {"value": 5, "approximate": "yes"}}"#, 1,
             #""views": "approximate" is not true or false"#),
            ("\n\n[1, 2]", 3, "a publication is not a JSON object"),
            (#"{"date": "2020-01-01T00:00:00Z"}"#, 1, #"missing "id""#),
            (#"{"id": "7", "date": "2020-01-01T00:00:00Z", "links": ["a", 1]}"#, 1, #""links" holds something other than strings"#),
            (#"{"id": "7", "date": "2020-01-01T00:00:00Z", "edited": 1}"#, 1, #""edited" is not true or false"#),
            (#"{"id": "7", "date": "2020-01-01T00:00:00Z", "utcOffset": 3.5}"#, 1, #""utcOffset" 3.5 is not a whole number"#),
        ]
        for (post, postLine, reason) in reasons {
            let file = "{\"channels\": [{\"title\": \"T\", \"publications\": [\n" + post + "\n]}], \"format\": \"feedtui\", \"version\": 1}"
            let skipped = try XCTUnwrap(load(file).first).skipped
            XCTAssertEqual(skipped.count, 1, post)
            XCTAssertEqual(skipped.firstLine, 1 + postLine, post)
            XCTAssertEqual(skipped.firstReason, reason, post)
        }
    }

    func testIDsTooLargeOrOfTheWrongTypeAreSkipped() throws {
        let text = """
            {"channels": [{"title": "T", "publications": [
              {"id": 99999999999999999999, "date": "2020-01-01T00:00:00Z"},
              {"id": true, "date": "2020-01-01T00:00:00Z"},
              {"id": {"n": 1}, "date": "2020-01-01T00:00:00Z"},
              {"id": 1.5, "date": "2020-01-01T00:00:00Z"},
              {"id": 42, "date": "2020-01-01T00:00:00Z", "views": 99999999999999999999},
              {"id": 43, "date": "2020-01-01T00:00:00Z", "forwards": -99999999999999999999},
              {"id": 44, "date": "2020-01-01T00:00:00Z", "reactions": 1e30},
              {"id": 45, "date": "2020-01-01T00:00:00Z", "views": 1.2e3}
            ]}], "format": "feedtui", "version": 1}
            """
        let ch = try XCTUnwrap(load(text).first)
        // A whole-number id (a hand-made file) is read as its digits; 1.2e3 is a whole number written otherwise.
        XCTAssertEqual(ch.publications.map(\.id), ["45"])
        XCTAssertEqual(ch.publications.first?.views, Count(1200))
        XCTAssertEqual(ch.skipped.count, 7)
        XCTAssertEqual(ch.skipped.summary, "7 posts skipped — first at line 2: \"id\" 99999999999999999999 is too large")
        let one: [(String, String)] = [
            (#"{"id": true, "date": "2020-01-01T00:00:00Z"}"#, #""id" is not a string"#),
            (#"{"id": {"n": 1}, "date": "2020-01-01T00:00:00Z"}"#, #""id" is not a string"#),
            (#"{"id": 1.5, "date": "2020-01-01T00:00:00Z"}"#, #""id" 1.5 is not a whole number"#),
            (#"{"id": "a", "date": "2020-01-01T00:00:00Z", "views": 99999999999999999999}"#,
             #""views" 99999999999999999999 is too large"#),
            (#"{"id": "a", "date": "2020-01-01T00:00:00Z", "forwards": -99999999999999999999}"#,
             #""forwards" -99999999999999999999 is too small"#),
            (#"{"id": "a", "date": "2020-01-01T00:00:00Z", "reactions": 1e30}"#, #""reactions" 1e30 is too large"#),
        ]
        for (post, reason) in one {
            let file = #"{"channels": [{"title": "T", "publications": ["# + post + #"]}], "format": "feedtui", "version": 1}"#
            XCTAssertEqual(try XCTUnwrap(load(file).first).skipped.firstReason, reason, post)
        }
    }

    func testTruncatedFileKeepsThePostsBeforeTheCut() throws {
        let (data, text) = exported()
        // Cut inside the third post, after its "id".
        let cutLine = line(of: "\"id\" : \"p3\"", in: text)
        let cut = try XCTUnwrap(text.range(of: "\"id\" : \"p3\""))
        let truncated = Data(text[..<cut.upperBound].utf8)
        let channels = try FeedLoader.load(data: truncated)
        XCTAssertEqual(channels.count, 1)
        let ch = try XCTUnwrap(channels.first)
        XCTAssertEqual(ch.publications.map(\.id), ["p1", "p2"])
        // Sorted keys put "title" after the publications: a channel cut there is named by its handle.
        XCTAssertEqual(ch.title, "@h")
        XCTAssertEqual(ch.skipped.count, 1)
        // The line of the post the cut is in: its "{", the line before its first key ("date").
        XCTAssertEqual(ch.skipped.firstLine, cutLine - 2)
        XCTAssertEqual(
            ch.skipped.summary,
            "1 post skipped — first at line \(cutLine - 2): the file ends early (truncated JSON); the publications from here on are missing")
        // Every cut point of the file loads or fails with a place; none crashes.
        for length in stride(from: 1, to: data.count, by: 7) {
            do {
                let part = try FeedLoader.load(data: data.prefix(length), format: .json)
                XCTAssertFalse(part.isEmpty)
            } catch {
                XCTAssertNotNil(error.line, "cut at \(length): \(error)")
            }
        }
    }

    func testTruncatedAfterAWholeChannelKeepsItsTitle() throws {
        let a = Channel(title: "A", publications: [Publication(id: "1", date: Self.date)])
        let b = Channel(title: "B", publications: [Publication(id: "2", date: Self.date)])
        let text = String(decoding: NativeJSON.encode([a, b]), as: UTF8.self)
        let cut = try XCTUnwrap(text.range(of: "\"id\" : \"2\""))
        let channels = try FeedLoader.load(data: Data(text[..<cut.lowerBound].utf8))
        XCTAssertEqual(channels.map(\.title), ["A"])
        XCTAssertEqual(channels.first?.publications.map(\.id), ["1"])
        XCTAssertEqual(channels.first?.skipped.count, 1)
    }

    func testSyntaxErrorAfterGoodPostsKeepsThem() throws {
        let text = """
            {"channels": [{"title": "T", "publications": [
              {"id": "1", "date": "2020-01-01T00:00:00Z"},
              {"id": "2", "date": "2020-01-02T00:00:00Z"},
              {"id": "3" "date": "2020-01-03T00:00:00Z"},
              {"id": "4", "date": "2020-01-04T00:00:00Z"}
            ]}], "format": "feedtui", "version": 1}
            """
        let ch = try XCTUnwrap(load(text).first)
        XCTAssertEqual(ch.publications.map(\.id), ["1", "2"])
        XCTAssertEqual(ch.title, "T")  // written before the publications here, so it was read
        XCTAssertEqual(
            ch.skipped.summary,
            "1 post skipped — first at line 4: invalid JSON at line 4, column 14: expected ',' or '}', found '\"'; the rest of the file was not read")
    }

    func testNothingUsableFailsWithLineAndColumn() {
        XCTAssertEqual(loadError(Data("{\"channels\": [{\"title\": \"T\", \"publica".utf8)), "line 1:38: truncated JSON: the file ends inside a string")
        XCTAssertEqual(
            loadError(Data("{\"channels\": [\n  {\"title\": \"T\",, }]}".utf8)),
            "line 2:17: invalid JSON: expected a key string, found ','")
        XCTAssertEqual(loadError(Data("{\"channels\": {}}".utf8)), "line 1:14: \"channels\" is not a list")
        XCTAssertEqual(
            loadError(Data(#"{"channels": [], "format": "rss", "version": 1}"#.utf8)), "not a feedtui file (format \"rss\")")
        XCTAssertEqual(loadError(Data(#"{"channels": [{"title": "T"}], "version": 1}"#.utf8)), "not a feedtui file (no \"format\")")
    }

    func testLoneSurrogateBecomesReplacementCharacter() throws {
        let text = #"""
            {"channels": [{"title": "T\ud800", "publications": [
              {"id": "1", "date": "2020-01-01T00:00:00Z", "text": "a\ud800b \udc00 \ud83d\ude00 \ud800\u0041"}
            ]}], "format": "feedtui", "version": 1}
            """#
        let ch = try XCTUnwrap(load(text).first)
        XCTAssertEqual(ch.title, "T\u{FFFD}")
        XCTAssertEqual(ch.publications.first?.text, "a\u{FFFD}b \u{FFFD} 😀 \u{FFFD}A")
        XCTAssertEqual(ch.skipped.count, 0)
    }

    func testInvalidUTF8BecomesReplacementCharacter() throws {
        var data = Data(#"{"channels": [{"title": "T", "publications": [{"id": "1", "date": "2020-01-01T00:00:00Z", "text": "a"#.utf8)
        data.append(contentsOf: [0xFF, 0x62, 0xC3])  // an impossible byte, "b", a cut two-byte sequence
        data.append(contentsOf: Array(#""}]}], "format": "feedtui", "version": 1}"#.utf8))
        let ch = try XCTUnwrap(FeedLoader.load(data: data).first)
        XCTAssertEqual(ch.publications.first?.text, "a\u{FFFD}b\u{FFFD}")
        XCTAssertEqual(ch.skipped.count, 0)
    }

    func testChannelWithoutTitleIsSkippedWithItsLine() throws {
        let text = """
            {"channels": [
              {"title": "A", "publications": [{"id": "1", "date": "2020-01-01T00:00:00Z"}]},
              {"publications": [{"id": "2", "date": "2020-01-01T00:00:00Z"}, {"id": "3"}]},
              {"title": 7},
              "not a channel",
              {"title": "B", "subscribers": "many", "rating": {"average": 4}}
            ], "format": "feedtui", "version": 1}
            """
        let channels = try load(text)
        XCTAssertEqual(channels.map(\.title), ["A", "B"])
        XCTAssertEqual(channels[0].skipped.count, 3)
        XCTAssertEqual(
            channels[0].skipped.summary,
            "3 posts skipped — first at line 3: a channel without a \"title\"; its 2 publications are not shown")
        // A bad channel field is left out; the channel stays.
        XCTAssertEqual(channels[1].skipped.count, 2)
        XCTAssertEqual(channels[1].skipped.summary, "2 posts skipped — first at line 6: \"subscribers\" is not a number (left out)")
        XCTAssertNil(channels[1].subscribers)
        XCTAssertNil(channels[1].rating)

        // A skipped first channel is reported on the next one kept.
        let first = try load(#"{"channels": [{"handle": "x"}, {"title": "B"}], "format": "feedtui", "version": 1}"#)
        XCTAssertEqual(first.map(\.title), ["B"])
        XCTAssertEqual(first.first?.skipped.summary, "1 post skipped — first at line 1: a channel without a \"title\"")

        // No channel with a title: nothing to show, the file is refused with the place.
        XCTAssertEqual(
            loadError(Data("{\"channels\": [\n{\"handle\": \"x\"}], \"format\": \"feedtui\", \"version\": 1}".utf8)),
            "line 2: a channel without a \"title\"")
    }
}

final class NativeJSONKeyOrderTests: XCTestCase {
    /// `json.dump` keeps the writer's key order: {"format": …, "version": 1, "channels": …} is still ours.
    func testEnvelopeKeysInAnyOrderAreRecognised() throws {
        let seed = try FeedLoader.load(path: SampleFiles.seed.path)
        let exported = try XCTUnwrap(JSONSerialization.jsonObject(with: NativeJSON.encode(seed)) as? [String: Any])
        let channels = String(decoding: try JSONSerialization.data(withJSONObject: try XCTUnwrap(exported["channels"])), as: UTF8.self)
        for text in [
            "{\"format\": \"feedtui\", \"version\": 1, \"channels\": \(channels)}",
            "{\"version\": 1, \"channels\": \(channels), \"format\": \"feedtui\"}",
            "\u{FEFF} {\n  \"format\":\"feedtui\",\"channels\": \(channels), \"version\": 1}",
        ] {
            let data = Data(text.utf8)
            XCTAssertEqual(Format.detect(data), .json, String(text.prefix(40)))
            XCTAssertEqual(try FeedLoader.load(data: data), seed)
        }
        let other = Data("{\"format\": \"something-else\", \"version\": 1, \"channels\": []}".utf8)
        XCTAssertThrowsError(try FeedLoader.load(data: other)) { error in
            XCTAssertEqual((error as? FeedError)?.description, "not a feedtui file (format \"something-else\")")
        }
    }

    /// An export shown in a terminal cannot steer it: C0, DEL, C1 and bidi controls are written as \uXXXX, and the
    /// JSON still holds the same text.
    func testControlsAreEscapedAndTheDataIsTheSame() throws {
        let hostile = "a\u{1B}[2J b\u{7F} c\u{9B}31m d\u{85} e\u{202E}txt.exe f\u{2066}g\u{2069} h\u{200F} i\u{061C} j\u{2028}k é 東京"
        let ch = Channel(title: hostile, handle: "x", publications: [Publication(id: "x/1", date: nil, text: hostile)])
        let data = NativeJSON.encode([ch])
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertFalse(text.unicodeScalars.contains { Sanitize.isControl($0) && $0 != "\n" }, "no raw control reaches the output")
        for escape in ["\\u001b", "\\u007F", "\\u009B", "\\u0085", "\\u202E", "\\u2066", "\\u2069", "\\u200F", "\\u061C", "\\u2028"] {
            XCTAssertTrue(text.lowercased().contains(escape.lowercased()), "\(escape) in the output")
        }
        XCTAssertTrue(text.contains("é 東京"), "other text is left as it is")
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let channel = try XCTUnwrap((parsed["channels"] as? [[String: Any]])?.first)
        XCTAssertEqual(channel["title"] as? String, hostile)
        // Read back, as every import, with its controls shown for what they are and its bidi marks kept.
        let read = try XCTUnwrap(try FeedLoader.load(data: data).first?.publications.first?.text)
        XCTAssertEqual(read, "a␛[2J b␡ c\u{FFFD}31m d\u{FFFD} e\u{202E}txt.exe f\u{2066}g\u{2069} h\u{200F} i\u{061C} j\u{2028}k é 東京")
        XCTAssertEqual(read, Sanitize.imported(hostile, multiline: true))
    }

    /// Every importer hands on text without control characters: a tab is a space, CRLF and CR end lines, other C0 and
    /// DEL become their pictures, C1 U+FFFD; a one-line field loses its newlines; link marks move with the text.
    func testImportedTextHoldsNoControlAndMarksFollowIt() throws {
        let json = """
            {"format":"feedtui","version":1,"channels":[{"title":"\\u001b[31mred\\u0007\\nnext","description":"one\\r\\ntwo\\rthree",
            "publications":[{"id":"1","text":"a\\tb\\r\\n\\u009b\\u001b c link","links":["https://a.example/"],
            "linkMarks":[{"number":1,"end":15}]}]}]}
            """
        let channel = try XCTUnwrap(try FeedLoader.load(data: Data(json.utf8)).first)
        XCTAssertEqual(channel.title, "␛[31mred␇ next")
        XCTAssertEqual(channel.description, "one\ntwo\nthree")
        let post = try XCTUnwrap(channel.publications.first)
        XCTAssertEqual(post.text, "a b\n\u{FFFD}␛ c link")
        // The mark stood after "link" (byte 15 of the source's text); it still does.
        XCTAssertEqual(post.linkMarks.map(\.end), [post.text.utf8.count])
    }
}
