import Foundation
import XCTest

@testable import FeedModel

final class PageImporterTests: XCTestCase {
    var channel: Channel!

    override func setUpWithError() throws {
        let channels = try FeedLoader.load(path: SampleFiles.seed.path)
        XCTAssertEqual(channels.count, 1)
        channel = try XCTUnwrap(channels.first)
    }

    func testDetectedAsPage() throws {
        XCTAssertEqual(Format.detect(try Data(contentsOf: SampleFiles.seed)), .page)
    }

    func testHeader() {
        XCTAssertEqual(channel.title, "Durov's Channel")
        XCTAssertEqual(channel.handle, "durov")
        XCTAssertEqual(channel.language, "English")
    }

    func testDescriptionWithoutRepeatedTitle() throws {
        let d = try XCTUnwrap(channel.description)
        XCTAssertTrue(d.hasPrefix("This is where I post thoughts about Telegram"), d)
        XCTAssertTrue(d.hasSuffix("Subscribe only if you're a hardcore Telegram fan."), d)
        XCTAssertFalse(d.contains("Durov's Channel"))
    }

    func testCounters() {
        XCTAssertEqual(channel.counters.viewsPerWeek, Count(255_406))
        XCTAssertNil(channel.counters.viewsPerMonth, "a label with no number has no value, not 0")
        XCTAssertEqual(channel.counters.mentionsIn, Count(0))
        XCTAssertEqual(channel.counters.mentionsFrom, Count(0))
        XCTAssertEqual(channel.counters.forwardedChannels, Count(0))
        XCTAssertNil(channel.subscribers)
    }

    func testNoRatingVotes() {
        XCTAssertEqual(channel.rating, Rating(votes: 0, average: nil))
    }

    func testPublicationDates() {
        let dates = channel.publications.map { $0.date.map { CivilTime($0).iso } }
        XCTAssertEqual(dates, [
            "2017-07-30 12:25", "2017-07-23 01:15", "2017-07-16 01:04", "2017-04-18 19:13", "2017-04-01 10:16",
            "2017-03-21 18:45", "2016-11-09 16:34", "2016-10-09 18:55", "2016-10-09 18:55", "2016-10-09 18:53",
        ])
        XCTAssertEqual(Set(channel.publications.map(\.id)).count, 10, "the two posts of 18:55 keep distinct ids")
        XCTAssertTrue(channel.publications.allSatisfy { $0.utcOffset == nil }, "the page gives no zone")
    }

    func testPhotoMarkers() {
        let withPhoto = channel.publications.filter { $0.media == [Media(kind: .photo)] }.map { $0.date.map { CivilTime($0).iso } }
        XCTAssertEqual(withPhoto, ["2017-04-01 10:16", "2016-10-09 18:55", "2016-10-09 18:55", "2016-10-09 18:53"])
        XCTAssertFalse(channel.publications.contains { $0.text.contains("This publication contains an image") })
    }

    func testLinkPreviewsKeptApartFromText() throws {
        let withPreview = channel.publications.filter { $0.linkPreview != nil }.map { $0.date.map { CivilTime($0).iso } }
        XCTAssertEqual(withPreview, ["2017-07-30 12:25", "2017-04-18 19:13", "2017-03-21 18:45", "2016-11-09 16:34"])
        let july = try XCTUnwrap(channel.publications[0].linkPreview?.description)
        XCTAssertTrue(july.hasPrefix("On Rumors About Telegram Servers in Weird Places"))
        XCTAssertTrue(july.hasSuffix("where we don't wan't…"))
        let nov = try XCTUnwrap(channel.publications[6].linkPreview)
        XCTAssertEqual(nov.site, "Boing Boing")
        XCTAssertTrue(nov.description?.hasPrefix("A madman has been given the keys") == true)
        let march = try XCTUnwrap(channel.publications[5].linkPreview?.description)
        XCTAssertTrue(march.hasPrefix("Unlike in WhatsApp, nobody could take over"))
        for p in channel.publications {
            if let d = p.linkPreview?.description { XCTAssertFalse(p.text.contains(d)) }
        }
    }

    func testTextStartsWithTheAuthorsWords() {
        let starts = [
            "Since some journalists", "There’s a weird rumor", "Some thoughts on Indonesia", "As you may have heard",
            "Happy April Fools' Day!", "Happy Equinox / Nowruz", "Trusting a US-based company", "", "",
            "This October we are working",
        ]
        for (p, start) in zip(channel.publications, starts) {
            if start.isEmpty {
                XCTAssertEqual(p.text, "", "image-only post \(p.id)")
            } else {
                XCTAssertTrue(p.text.hasPrefix(start), "\(p.id): \(p.text.prefix(40))")
            }
        }
        XCTAssertTrue(channel.publications[4].text.contains("🤡"))
    }

    func testTelegraphLinksFound() {
        let links = channel.publications.flatMap(\.links)
        XCTAssertEqual(links, [
            "http://telegra.ph/Telegram-Calls-in-Iran-NEWS", "http://telegra.ph/whatsapp-backdoor-01-16",
            "http://telegra.ph/Checkpoint-Confusion-NEWS",
        ])
    }

    func testParagraphsAndListsKept() {
        let rumor = channel.publications[1].text
        XCTAssertTrue(rumor.contains("two reasons for that.\n\n1. First, countries such as Iran"))
        XCTAssertTrue(rumor.contains("\n\n2. Second, some politicians"))
        let indonesia = channel.publications[2].text
        XCTAssertTrue(indonesia.contains("Indonesia.\n2) I emailed back"))
        XCTAssertTrue(indonesia.hasPrefix("Some thoughts on Indonesia\n\nA lot of Telegram's"))
    }

    func testNoPageChromeAnywhere() throws {
        let json = String(decoding: NativeJSON.encode([channel]), as: UTF8.self)
        for chrome in [
            "Channel statistics", "Go to full channel publications archive", "Get it on Google Play",
            "Publications of channel", "Last 10 publications", "Be the first", "No one has rated",
        ] {
            XCTAssertFalse(json.contains(chrome), chrome)
        }
    }

    func testCRLFLineEndingsReadTheSame() throws {
        let crlf = String(decoding: try Data(contentsOf: SampleFiles.seed), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        let again = try FeedLoader.load(data: Data(crlf.utf8))
        XCTAssertEqual(again, [channel])
    }

    func testStatistics() {
        let s = ChannelStatistics(channel, clock: SampleFiles.utc)
        XCTAssertEqual(s.postCount, 10)
        XCTAssertEqual(s.firstPost.map { CivilTime($0.date).iso }, "2016-10-09 18:53")
        XCTAssertEqual(s.lastPost.map { CivilTime($0.date).iso }, "2017-07-30 12:25")
        XCTAssertEqual(s.postsPerWeek ?? 0, 10 / (293.73 / 7), accuracy: 0.01)
        XCTAssertNil(s.viewsTotal, "no post has views")
        XCTAssertNil(s.viewsMean)
        XCTAssertTrue(s.topPosts.isEmpty)
        XCTAssertEqual(s.mediaShare, 0.4)
        XCTAssertEqual(s.linkShare, 0.4, "Jul 30, Apr 18, Mar 21 and Nov 9 have a preview or a link")
        XCTAssertNil(s.engagementRate)
        XCTAssertEqual(s.postsByWeek.reduce(0, +), 10)
        XCTAssertEqual(s.weekdayHour.flatMap { $0 }.reduce(0, +), 10)
        XCTAssertEqual(s.weekdayHour[6][18], 3, "three posts on Sunday Oct 9 at 18h")
    }
}
