import Foundation
import XCTest

@testable import FeedModel

final class TDesktopImporterTests: XCTestCase {
    private func fixture(_ name: String) throws -> Data {
        SampleFiles.fixture("tdesktop/\(name)")
    }

    private func load(_ name: String) throws -> [Channel] {
        try TDesktopImporter.load(fixture(name))
    }

    private func utc(_ s: String) throws -> Date {
        try XCTUnwrap(ISODate.parse(s))
    }

    // MARK: Real exports

    func testChannelExportPachum() throws {
        let channels = try load("pachum-guzel-channel.json")
        XCTAssertEqual(channels.count, 1)
        let channel = channels[0]
        XCTAssertEqual(channel.title, "ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ")
        XCTAssertNil(channel.handle)
        XCTAssertNil(channel.url)
        XCTAssertEqual(channel.publications.map(\.id), ["3854", "3855", "3856"])
        XCTAssertEqual(channel.publications.filter { !$0.isService }.count, 3)
        XCTAssertEqual(channel.publications.filter(\.isService).count, 0)
        XCTAssertNil(channel.skipped.summary)

        let first = channel.publications[0]
        // date_unixtime 1781699041 is 12:24:01 UTC; the wall clock "16:24:01" gives the exporter's +04:00.
        XCTAssertEqual(first.date, try utc("2026-06-17T12:24:01Z"))
        XCTAssertEqual(first.utcOffset, 4 * 3600)
        XCTAssertTrue(first.text.hasPrefix("Пила 3D (2010)\n🤪 - 6/10\n\n📹 ТВИЧ | 💳 БУСТИ | 💬 ТЕЛЕГА\n\n#КиноСтрим"))
        XCTAssertEqual(first.text, "Пила 3D (2010)\n🤪 - 6/10\n\n📹 ТВИЧ | 💳 БУСТИ | 💬 ТЕЛЕГА\n\n#КиноСтрим")
        XCTAssertEqual(
            first.links, ["https://www.twitch.tv/guz3lka", "https://boosty.to/guzelka_games", "http://t.me/papapachuca"])
        XCTAssertEqual(first.reactions, Count(4))
        XCTAssertNil(first.views, "tdesktop exports give no views: unknown, not 0")
        XCTAssertNil(first.forwards)
        XCTAssertTrue(first.edited)
        XCTAssertEqual(first.editedAt, try utc("2026-06-17T12:29:24Z"))
        XCTAssertEqual(first.media, [Media(kind: .photo, name: nil, size: 198_074)])

        let video = channel.publications[1]
        XCTAssertEqual(video.text, "")
        XCTAssertEqual(video.media.count, 1)
        XCTAssertEqual(video.media[0].kind, .video)
        XCTAssertEqual(video.media[0].name, "1111.mp4")
        XCTAssertEqual(video.media[0].size, 2_003_698_620)
        // Near the Int32 limit, though not above it (the fixture README says "above"): see testFileSizeAboveInt32.
        XCTAssertGreaterThan(video.media[0].size ?? 0, Int64(Int32.max) / 2)
        XCTAssertEqual(video.media[0].duration, 2748)
        XCTAssertNil(video.reactions)
        XCTAssertEqual(channel.publications[2].media.first?.size, 1_835_393_495)
    }

    func testEntitiesFromTextArrayWhenNoTextEntities() throws {
        // The same message with only the mixed `text` array (older exports) gives the same text and links.
        let json = """
            {"name": "E", "type": "public_channel", "id": 1, "messages": [
             {"id": 1, "type": "message", "date": "2024-05-01T08:00:00", "text": [
              "see ", {"type": "link", "text": "https://example.org/a"}, " and ",
              {"type": "text_link", "text": "here", "href": "https://example.org/b"},
              {"type": "mention", "text": "@someone"}, " ", {"type": "code", "text": "x()"},
              {"type": "spoiler", "text": "hidden"}, {"type": "future_kind", "text": "?"},
              {"type": "text_link", "text": "tg", "href": "tg://user?id=1"}, " again https://example.org/a."]}]}
            """
        let p = try XCTUnwrap(TDesktopImporter.load(Data(json.utf8)).first?.publications.first)
        XCTAssertEqual(p.text, "see https://example.org/a and here@someone x()hidden?tg again https://example.org/a.")
        XCTAssertEqual(p.links, ["https://example.org/a", "https://example.org/b"])
        XCTAssertEqual(p.date, try utc("2024-05-01T08:00:00Z"))
        XCTAssertNil(p.utcOffset)
    }

    func testWholeAccountExport2019() throws {
        let channels = try load("chat-analyser-full-export-2019.json")
        XCTAssertEqual(channels.map(\.title), ["A", "C"])
        for channel in channels {
            XCTAssertEqual(channel.publications.count, 6)
            XCTAssertEqual(channel.publications.filter { !$0.isService }.count, 5)
            XCTAssertEqual(channel.publications.filter(\.isService).count, 1)
            XCTAssertNil(channel.skipped.summary)
            XCTAssertEqual(ChannelStatistics(channel, clock: SampleFiles.utc).postCount, 5)
        }
        let a = channels[0]
        let service = a.publications[0]
        XCTAssertTrue(service.isService)
        XCTAssertEqual(service.id, "24429")
        XCTAssertEqual(service.text, "A joined Telegram")
        XCTAssertEqual(channels[1].publications[0].text, "C joined Telegram")

        // No date_unixtime: the `date` wall clock is read as UTC with no offset.
        let post = a.publications[1]
        XCTAssertEqual(post.id, "24430")
        XCTAssertEqual(post.date, try utc("2019-02-11T21:49:13Z"))
        XCTAssertNil(post.utcOffset)
        XCTAssertEqual(post.text, "this is a dummy text 123")
        // "edited": "1970-01-01T05:30:00" is the exporter's placeholder, not an edit.
        XCTAssertTrue(a.publications.allSatisfy { !$0.edited && $0.editedAt == nil })
        // A `link` entity whose text is no URL adds no link.
        XCTAssertEqual(a.publications[5].text, "this is a dummy text 123")
        XCTAssertEqual(a.publications[5].links, [])
        XCTAssertNil(post.reactions)
    }

    func testDetectionAndLoaderPickTDesktop() throws {
        for name in ["pachum-guzel-channel.json", "chat-analyser-full-export-2019.json"] {
            let data = try fixture(name)
            XCTAssertEqual(Format.detect(data), .tdesktop, name)
            XCTAssertFalse(try FeedLoader.load(data: data).isEmpty, name)
        }
        XCTAssertEqual(try FeedLoader.load(data: fixture("pachum-guzel-channel.json")).first?.publications.count, 3)
        // feedtui's own JSON is never claimed.
        XCTAssertFalse(TDesktopImporter.recognizes(Data(#"{"channels": [], "format": "feedtui", "version": 1}"#.utf8)))
        XCTAssertEqual(Format.detect(NativeJSON.encode([Channel(title: "x")])), .json)
        XCTAssertFalse(TDesktopImporter.recognizes(Data(#"{"title": "x", "items": []}"#.utf8)))
    }

    func testServiceMessagesAndOtherMedia() throws {
        let json = """
            {"name": "G", "type": "private_supergroup", "id": 7, "messages": [
             {"id": 1, "type": "service", "date": "2024-01-01T00:00:00", "actor": "Ann", "action": "edit_group_title",
              "title": "New name", "text": ""},
             {"id": 2, "type": "service", "date": "2024-01-01T00:01:00", "actor": "Ann", "action": "pin_message",
              "message_id": 1, "text": ""},
             {"id": 3, "type": "message", "date": "2024-01-01T00:02:00", "poll": {"question": "Tea?", "answers": []},
              "text": "", "forwarded_from": "Bob", "reply_to_message_id": 2, "views": 10},
             {"id": 4, "type": "message", "date": "2024-01-01T00:03:00", "file": "voice/a.ogg",
              "media_type": "voice_message", "file_size": 5, "text": ""},
             {"id": 5, "type": "message", "date": "2024-01-01T00:04:00",
              "location_information": {"latitude": 1.5, "longitude": -2.25}, "text": ""},
             {"id": 6, "type": "message", "date": "2024-01-01T00:05:00",
              "contact_information": {"first_name": "Cy", "last_name": "", "phone_number": "+1"}, "text": ""}
            ]}
            """
        let pubs = try XCTUnwrap(TDesktopImporter.load(Data(json.utf8)).first?.publications)
        XCTAssertEqual(pubs.map(\.text).prefix(2), ["Ann changed the title to “New name”", "Ann pinned a message"])
        XCTAssertEqual(pubs.map(\.isService), [true, true, false, false, false, false])
        XCTAssertEqual(pubs[2].media, [Media(kind: .poll, name: "Tea?")])
        XCTAssertEqual(pubs[2].forwardedFrom, "Bob")
        XCTAssertEqual(pubs[2].replyTo, "2")
        XCTAssertEqual(pubs[2].views, Count(10))
        XCTAssertEqual(pubs[3].media, [Media(kind: .voice, name: "a.ogg", size: 5)])
        XCTAssertEqual(pubs[4].media, [Media(kind: .location, name: "1.5, -2.25")])
        XCTAssertEqual(pubs[5].media, [Media(kind: .contact, name: "Cy")])
    }

    func testFileSizeAboveInt32() throws {
        let json = """
            {"name": "F", "type": "public_channel", "id": 1, "messages": [
             {"id": 1, "type": "message", "date": "2024-01-01T00:00:00", "file": "files/big.mkv",
              "file_size": 5000000000, "media_type": "video_file", "duration_seconds": 7200, "text": "big"}]}
            """
        let p = try XCTUnwrap(TDesktopImporter.load(Data(json.utf8)).first?.publications.first)
        XCTAssertEqual(p.media, [Media(kind: .video, name: "big.mkv", size: 5_000_000_000, duration: 7200)])
    }

    func testByteLinkScanAgreesWithTextScan() {
        let pieces = [
            "http", "https://", "HTTP://", "hTtPs://", "http:/", "a", "x.org/", ".", ",", ")", "(", " ", "\n", "\r\n",
            "«", "»", "é", "<", ">", "\"", "’", "'", "\u{00A0}", "?q=1", "#frag", "🔥", "e\u{301}", ":", "//",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<5000 {
            let text = (0..<next(24)).map { _ in pieces[next(pieces.count)] }.joined()
            XCTAssertEqual(TextScan.links(in: text), TextScan.characterLinks(in: text), text.debugDescription)
        }
        XCTAssertEqual(
            TextScan.links(in: "see (https://a.org/x), https://b.org/y. and «https://c.org/é»"),
            ["https://a.org/x", "https://b.org/y", "https://c.org/é"])
    }

    // MARK: Bad input

    func testTruncatedFileKeepsCompleteMessages() throws {
        // Cut inside message 3855 (which starts on line 167).
        let channels = try FeedLoader.load(data: fixture("truncated.json"))
        XCTAssertEqual(channels.count, 1)
        XCTAssertEqual(channels[0].title, "ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ")
        XCTAssertEqual(channels[0].publications.map(\.id), ["3854"])
        XCTAssertEqual(
            channels[0].skipped.summary,
            "1 post skipped — first at line 167: the file ends early (truncated JSON); the messages from here on are missing")

        // Cut before any message: nothing usable, one clear line.
        let head = Data(#"{"name": "X", "type": "public_channel", "messages": [ {"id": 1, "da"#.utf8)
        XCTAssertThrowsError(try TDesktopImporter.load(head)) { error in
            let e = error as? FeedError
            XCTAssertEqual(e?.message, "truncated JSON: the file ends inside a string")
            XCTAssertEqual(e?.line, 1)
            XCTAssertEqual(e?.column, 68)
        }
    }

    func testTruncatedWholeAccountExportKeepsEarlierChats() throws {
        let data = try fixture("chat-analyser-full-export-2019.json")
        let text = String(decoding: data, as: UTF8.self)
        // Cut in the second chat's header: only chat "A" is shown, with the cut reported on it.
        let cut = try XCTUnwrap(text.range(of: "\"name\":\"C\""))
        let channels = try TDesktopImporter.load(Data(text[..<cut.upperBound].utf8))
        XCTAssertEqual(channels.map(\.title), ["A"])
        XCTAssertEqual(channels[0].publications.count, 6)
        XCTAssertEqual(
            channels[0].skipped.summary,
            "1 post skipped — first at line 74: the file ends early (truncated JSON); the messages from here on are missing")
        // Cut inside the second chat's fourth message (line 106): both chats, "C" with 3 messages.
        let cut2 = try XCTUnwrap(text.range(of: "\"id\":24432", range: cut.upperBound..<text.endIndex))
        let both = try TDesktopImporter.load(Data(text[..<cut2.upperBound].utf8))
        XCTAssertEqual(both.map(\.title), ["A", "C"])
        XCTAssertEqual(both.map(\.publications.count), [6, 3])
        XCTAssertNil(both[0].skipped.summary)
        XCTAssertEqual(both[1].skipped.firstLine, 106)
    }

    func testLeftChatsAreRead() throws {
        let json = """
            {"about": "Telegram export", "chats": {"about": "x", "list": [
              {"name": "Kept", "type": "public_channel", "id": 1, "messages": [
                {"id": 1, "type": "message", "date": "2024-01-01T00:00:00", "text": "a"}]}]},
             "left_chats": {"about": "y", "list": [
              {"name": "Left", "type": "public_channel", "id": 2, "messages": [
                {"id": 9, "type": "message", "date": "2024-01-02T00:00:00", "text": "b"}]}]},
             "contacts": {"list": [{"first_name": "Z", "phone_number": "+1"}]}}
            """
        let channels = try TDesktopImporter.load(Data(json.utf8))
        XCTAssertEqual(channels.map(\.title), ["Kept", "Left"])
        XCTAssertEqual(channels.map { $0.publications.map(\.id) }, [["1"], ["9"]])
    }

    func testEveryPrefixAndDamagedByteLoadsOrFailsWithOneLine() throws {
        let data = try fixture("pachum-guzel-channel.json")
        var loaded = 0
        for length in stride(from: 0, through: data.count, by: 7) {
            switch Result(catching: { () throws(FeedError) in try TDesktopImporter.load(data.prefix(length)) }) {
            case .success(let channels):
                loaded += 1
                XCTAssertFalse(channels.flatMap(\.publications).isEmpty)
            case .failure(let e): XCTAssertFalse(e.description.contains("\n"))
            }
        }
        XCTAssertGreaterThan(loaded, 100)  // every cut after message 3854 keeps it
        // Bytes replaced one at a time, and values that push the limits, never trap.
        var state: UInt64 = 42
        for _ in 0..<400 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var damaged = data
            let at = Int((state >> 33) % UInt64(data.count))
            damaged[at] = UInt8(truncatingIfNeeded: state >> 13)
            _ = try? TDesktopImporter.load(damaged)
        }
        let extremes = """
            {"name": "X", "messages": [{"id": -9223372036854775808, "date_unixtime": "-9223372036854775808",
             "date": "9999-12-31T23:59:59", "edited_unixtime": 9223372036854775807, "file_size": 1e400,
             "duration_seconds": 9223372036854775807, "reactions": [{"count": 9223372036854775807}, {"count": 1}],
             "text": [[[[]]], null, 1, {"type": null}]}]}
            """
        let p = try XCTUnwrap(TDesktopImporter.load(Data(extremes.utf8)).first?.publications.first)
        XCTAssertEqual(p.id, "-9223372036854775808")
        XCTAssertEqual(p.date, try utc("9999-12-31T23:59:59Z"))
        XCTAssertEqual(p.reactions, Count(Int64.max))
        XCTAssertFalse(p.edited)
        let deep = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try TDesktopImporter.load(Data(#"{"name": "X", "messages": [{"id": 1, "text": \#(deep)"#.utf8)))
    }

    func testIdAsStringIsSkippedUnlessNumeric() throws {
        let channel = try XCTUnwrap(load("bad-id-string.json").first)
        XCTAssertEqual(channel.publications.map(\.id), ["1", "12", "4"])
        XCTAssertEqual(channel.skipped.summary, "1 post skipped — first at line 8: id \"abc\" is not a number")
    }

    func testIdTooLargeForInt64IsSkipped() throws {
        let channel = try XCTUnwrap(load("bad-id-too-large.json").first)
        XCTAssertEqual(channel.publications.map(\.id), ["1", "9223372036854775807"])
        XCTAssertEqual(channel.skipped.summary, "1 post skipped — first at line 7: id 99999999999999999999 is too large")
    }

    func testMissingOrUnreadableDatesAndIds() throws {
        let channel = try XCTUnwrap(load("missing-date.json").first)
        // The message without an id is kept, named by its place in the chat (the 4th message); those without a
        // date or with one that cannot be read are kept with an unknown date.
        XCTAssertEqual(channel.publications.map(\.id), ["1", "2", "3", "#4", "5"])
        XCTAssertEqual(channel.publications.map(\.text), ["first", "no date at all", "unreadable date", "no id", "wall clock only"])
        XCTAssertNil(channel.publications[1].date)
        XCTAssertNil(channel.publications[2].date)
        XCTAssertFalse(channel.publications[2].wallClock)
        // No date_unixtime and no zone: the exporter's wall clock, kept as such and never called UTC.
        XCTAssertEqual(channel.publications[4].date, try utc("2024-01-01T10:04:00Z"))
        XCTAssertTrue(channel.publications[4].wallClock)
        XCTAssertEqual(channel.publications[4].utcOffset, nil)
        XCTAssertFalse(channel.publications[0].wallClock)
        XCTAssertEqual(channel.skipped.count, 0)
    }

    func testInvalidUTF8BecomesReplacementCharacter() throws {
        let channel = try XCTUnwrap(load("invalid-utf8.json").first)
        XCTAssertEqual(channel.publications.map(\.text), ["caf\u{FFFD} ok \u{FFFD} end", "bold: \u{FFFD}"])
        XCTAssertNil(channel.skipped.summary)
    }

    func testLoneSurrogateBecomesReplacementCharacter() throws {
        let channel = try XCTUnwrap(load("lone-surrogate.json").first)
        XCTAssertEqual(channel.publications.map(\.text), ["lone \u{FFFD} high", "lone \u{FFFD} low, pair 😀 ok"])
        XCTAssertNil(channel.skipped.summary)
    }

    func testEmptyFile() throws {
        XCTAssertThrowsError(try FeedLoader.load(data: fixture("empty.json"))) { error in
            XCTAssertEqual((error as? FeedError)?.message, "empty file")
        }
        XCTAssertThrowsError(try TDesktopImporter.load(Data())) { error in
            XCTAssertEqual((error as? FeedError)?.message, "empty file")
        }
    }

    func testInvalidJSONAtTopLevelHasLineAndColumn() throws {
        let data = Data("{\n \"name\": \"X\",\n \"messages\": [\n  {\"id\": 1 \"date\": 2}\n ]\n}\n".utf8)
        XCTAssertThrowsError(try TDesktopImporter.load(data)) { error in
            let e = error as? FeedError
            XCTAssertEqual(e?.message, "invalid JSON: expected ',' or '}', found '\"'")
            XCTAssertEqual(e?.line, 4)
            XCTAssertEqual(e?.column, 12)
        }
    }

    func testSyntaxErrorAfterGoodMessagesKeepsThem() throws {
        let data = Data(
            """
            {"name": "X", "type": "public_channel", "messages": [
             {"id": 1, "type": "message", "date": "2024-01-01T00:00:00", "text": "kept"},
             {"id": 2, "type": "message", "date": "2024-01-01T00:01:00", "text": "broken" ]},
             {"id": 3, "type": "message", "date": "2024-01-01T00:02:00", "text": "after"}]}
            """.utf8)
        let channel = try XCTUnwrap(TDesktopImporter.load(data).first)
        XCTAssertEqual(channel.publications.map(\.text), ["kept"])
        XCTAssertEqual(
            channel.skipped.summary,
            "1 post skipped — first at line 3: invalid JSON at line 3, column 79: expected ',' or '}', found ']'; "
                + "the rest of the file was not read")
    }

    func testAccountDataWithoutChatsIsAClearError() throws {
        let data = Data(#"{"about": "Telegram export", "personal_information": {"first_name": "A"}}"#.utf8)
        XCTAssertEqual(Format.detect(data), .tdesktop)
        XCTAssertThrowsError(try FeedLoader.load(data: data)) { error in
            XCTAssertEqual(
                (error as? FeedError)?.message, "no chats in this Telegram export (it holds only account data)")
        }
    }
}
