import FeedModel
import Foundation
import XCTest

/// The statistics count weeks, months and the posting rhythm on the clock they are given, and keep how the source
/// gave the first and the last post's times.
final class StatisticsClockTests: XCTestCase {
    private func at(_ iso: String, offset: Int? = nil) throws -> Publication {
        Publication(id: iso, date: try XCTUnwrap(ISODate.parse(iso)), utcOffset: offset)
    }

    func testWeeksAndMonthsFollowTheClock() throws {
        let tokyo = Clock(zone: try XCTUnwrap(TimeZone(identifier: "Asia/Tokyo")))
        // Mon 4 March 10:00 and Sun 10 March 20:15 UTC: one week in UTC; in Tokyo the second is Monday 11th, 05:15.
        // Sun 31 March 18:30 UTC is Monday 1 April in Tokyo.
        let ch = Channel(title: "Weeks", publications: [
            try at("2024-03-04T10:00:00Z"), try at("2024-03-10T20:15:00Z"), try at("2024-03-31T18:30:00Z"),
        ])
        let utc = ChannelStatistics(ch, clock: SampleFiles.utc)
        XCTAssertEqual(utc.postsByWeek, [2, 0, 0, 1])
        XCTAssertEqual(utc.postsByMonth, [3])
        let local = ChannelStatistics(ch, clock: tokyo)
        XCTAssertEqual(local.postsByWeek, [1, 1, 0, 0, 1])
        XCTAssertEqual(local.postsByMonth, [2, 1])
        XCTAssertEqual(local.weekdayHour[0][5], 1, "Monday 05:15 in Tokyo")
        XCTAssertEqual(utc.weekdayHour[6][20], 1, "Sunday 20:15 in UTC")
        XCTAssertEqual(utc.clockID, "local GMT")
        XCTAssertEqual(local.clockID, "local Asia/Tokyo")
    }

    /// On each post's own offset a later instant can fall in an earlier week: no post is left out of the series.
    func testALaterPostInAnEarlierWeekIsCounted() throws {
        let ch = Channel(title: "Offsets", publications: [
            try at("2024-03-11T00:30:00Z", offset: 0),  // Monday 11th, 00:30
            try at("2024-03-11T05:00:00Z", offset: -36_000),  // Sunday 10th, 19:00
        ])
        let s = ChannelStatistics(ch, clock: Clock(rule: .post))
        XCTAssertEqual(s.postsByWeek, [1, 1])
        XCTAssertEqual(s.weekdayHour[6][19], 1)
        XCTAssertEqual(s.weekdayHour[0][0], 1)
        XCTAssertEqual(s.clockID, "post")
        XCTAssertEqual(ChannelStatistics(ch, clock: Clock(rule: .post, zone: SampleFiles.utc.zone)).clockID, "post", "the zone does not matter")
    }

    /// rss-1.0.rdf gives its two items at +00:00 and +01:00: each keeps its own.
    func testFirstAndLastPostKeepTheirOwnOffsets() throws {
        let ch = try XCTUnwrap(try FeedLoader.load(data: SampleFiles.fixture("realworld/rss-1.0.rdf")).first)
        let s = ChannelStatistics(ch, clock: SampleFiles.utc)
        XCTAssertEqual(s.firstPost, PostTime(date: try XCTUnwrap(ISODate.parse("2000-01-01T12:00:00Z")), utcOffset: 0))
        XCTAssertEqual(s.lastPost, PostTime(date: try XCTUnwrap(ISODate.parse("2000-01-02T08:30:00Z")), utcOffset: 3600))
        let post = Clock(rule: .post)
        XCTAssertEqual(s.firstPost.map { post.civil($0).iso }, "2000-01-01 12:00")
        XCTAssertEqual(s.lastPost.map { post.civil($0).iso }, "2000-01-02 09:30")
    }
}
