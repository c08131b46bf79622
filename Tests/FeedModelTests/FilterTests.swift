import XCTest

@testable import FeedModel

final class FilterParserTests: XCTestCase {
    func parse(_ text: String) throws -> Filter { try Filter.parse(text) }

    func error(_ text: String) -> String {
        do {
            _ = try Filter.parse(text)
            return "parsed"
        } catch {
            return error.description
        }
    }

    func testEveryOperator() throws {
        XCTAssertEqual(try parse(#"channel = "Rust""#), .string(.channel, .equal, "Rust"))
        XCTAssertEqual(try parse(#"tag != "news""#), .not(.string(.tag, .equal, "news")))
        XCTAssertEqual(try parse(#"author ~ "Jo""#), .string(.author, .contains, "Jo"))
        XCTAssertEqual(try parse(#"author !~ "bot""#), .not(.string(.author, .contains, "bot")))
        XCTAssertEqual(try parse(#"text ~ "swift""#), .text("swift"))
        XCTAssertEqual(try parse(#"text !~ "ad""#), .not(.text("ad")))
        XCTAssertEqual(try parse("views < 10"), .views(.less, 10))
        XCTAssertEqual(try parse("views > 10"), .views(.greater, 10))
        XCTAssertEqual(try parse("views <= 10"), .views(.lessOrEqual, 10))
        XCTAssertEqual(try parse("views >= 10"), .views(.greaterOrEqual, 10))
        XCTAssertEqual(try parse("views = 10"), .views(.equal, 10))
        XCTAssertEqual(try parse("views != 10"), .not(.views(.equal, 10)))
        XCTAssertEqual(try parse("date > 2026-11-01"), .date(.greater, Filter.Day(year: 2026, month: 11, day: 1)))
        XCTAssertEqual(try parse("age < 2d"), .age(.less, 2 * 86400))
        XCTAssertEqual(try parse("age >= 90m"), .age(.greaterOrEqual, 90 * 60))
        XCTAssertEqual(try parse("age<1w"), .age(.less, 7 * 86400), "no spaces needed around an operator")
        XCTAssertEqual(try parse("unread"), .unread)
        XCTAssertEqual(try parse("unread = false"), .not(.unread))
        XCTAssertEqual(try parse("bookmarked != no"), .bookmarked)
        XCTAssertEqual(try parse("bookmarked != true"), .not(.bookmarked))
        XCTAssertEqual(try parse(#"author = "say \"hi\"""#), .string(.author, .equal, #"say "hi""#))
    }

    func testPrecedenceNotThenAndThenOr() throws {
        XCTAssertEqual(try parse("unread or bookmarked and views > 5"), .or(.unread, .and(.bookmarked, .views(.greater, 5))))
        XCTAssertEqual(try parse("(unread or bookmarked) and views > 5"), .and(.or(.unread, .bookmarked), .views(.greater, 5)))
        XCTAssertEqual(try parse("not unread and bookmarked"), .and(.not(.unread), .bookmarked))
        XCTAssertEqual(try parse("not (unread and bookmarked)"), .not(.and(.unread, .bookmarked)))
        XCTAssertEqual(try parse("unread or bookmarked or views = 1"), .or(.or(.unread, .bookmarked), .views(.equal, 1)))
        XCTAssertEqual(try parse("NOT Unread AND bookmarked"), .and(.not(.unread), .bookmarked), "keywords and fields in any case")
    }

    func testErrorsNameTheColumn() {
        XCTAssertEqual(error(#"unread and tag ="#), "filter: expected a value at column 17")
        XCTAssertEqual(error(#"unread and tag = and"#), "filter: expected a value at column 18")
        XCTAssertEqual(error("unread and colour = 1"), "filter: unknown field \"colour\" (fields: channel, tag, unread, bookmarked, date, age, views, author, text) at column 12")
        XCTAssertEqual(error("(unread or bookmarked"), "filter: expected ) at column 22")
        XCTAssertEqual(error("(unread or bookmarked views"), "filter: expected ) at column 23")
        XCTAssertEqual(error(#"tag = "news"#), "filter: a string is not closed at column 7")
        XCTAssertEqual(error("views > many"), "filter: expected a number after > at column 9")
        XCTAssertEqual(error("views > 12x"), "filter: \"12x\" is not a number at column 9")
        XCTAssertEqual(error("date < 2026-13-01"), "filter: \"2026-13-01\" is not a date (2026-11-01) at column 8")
        XCTAssertEqual(error("age < 2y"), "filter: \"2y\" is not an age (30m, 12h, 2d, 1w) at column 7")
        XCTAssertEqual(error(#"text = "x""#), "filter: text is compared with ~ or !~ only at column 6")
        XCTAssertEqual(error("views ~ 3"), "filter: views cannot be compared with ~ at column 7")
        XCTAssertEqual(error("views"), "filter: expected an operator (= != < > <= >= ~ !~) after views at column 6")
        XCTAssertEqual(error("unread bookmarked"), "filter: expected and, or or ) before \"bookmarked\" at column 8")
        XCTAssertEqual(error(""), "filter: expected a field (channel, tag, unread, bookmarked, date, age, views, author, text) at column 1")
        XCTAssertEqual(error("unread and"), "filter: expected a field (channel, tag, unread, bookmarked, date, age, views, author, text) at column 11")
        XCTAssertEqual(error("unread ! bookmarked"), "filter: expected != or !~ at column 8")
        XCTAssertEqual(error("unread & bookmarked"), "filter: unexpected \"&\" at column 8")
        XCTAssertEqual(error("unread = maybe"), "filter: unread is true or false, not \"maybe\" at column 10")
        XCTAssertEqual(error("тег = 1"), "filter: unknown field \"тег\" (fields: channel, tag, unread, bookmarked, date, age, views, author, text) at column 1")
    }
}

final class FilterEvaluationTests: XCTestCase {
    let zone = TimeZone(identifier: "Europe/Berlin")!
    let now = Date(timeIntervalSince1970: 1_793_000_000)

    func subject(_ post: Publication, read: Bool = false, bookmarked: Bool = false, tags: [String] = ["news"]) -> FilterSubject {
        FilterSubject(post: post, channelTitle: "Rust Weekly", channelSource: "@rustweekly", tags: tags, read: read, bookmarked: bookmarked)
    }

    func matches(_ text: String, _ s: FilterSubject) throws -> Bool {
        try Filter.parse(text).matches(s, now: now, zone: zone)
    }

    func testFieldsAndUnknownValues() throws {
        var p = Publication(id: "1", date: now.addingTimeInterval(-3600), text: "Sponsored: Café news")
        p.author = "Jo Doe"
        p.views = Count(1200)
        let s = subject(p)
        XCTAssertTrue(try matches(#"channel = "rust weekly""#, s), "= ignores the case of ASCII letters")
        XCTAssertTrue(try matches(#"channel = "@RustWeekly""#, s), "the source names the channel too")
        XCTAssertTrue(try matches(#"channel ~ "weekly""#, s))
        XCTAssertTrue(try matches(#"tag = "NEWS""#, s))
        XCTAssertFalse(try matches(#"tag = "new""#, s))
        XCTAssertTrue(try matches(#"tag ~ "new""#, s))
        XCTAssertTrue(try matches(#"author ~ "doe""#, s))
        XCTAssertTrue(try matches(#"text ~ "CAFE""#, s), "text ignores case and diacritics, as / does")
        XCTAssertTrue(try matches("views > 1000 and views <= 1200 and not views < 1200", s))
        XCTAssertTrue(try matches("age < 2h and age > 30m", s))
        XCTAssertTrue(try matches("unread and not bookmarked", s))
        XCTAssertFalse(try matches("unread", subject(p, read: true)))

        let bare = Publication(id: "2", date: nil, text: "x")
        let b = subject(bare, tags: [])
        XCTAssertFalse(try matches(#"author ~ "" or views >= 0 or age > 0m or date < 2100-01-01"#, b), "unknown values match no comparison")
        XCTAssertTrue(try matches(#"author != "Jo" and views != 3 and not age < 1d"#, b), "and every negated one")
        XCTAssertFalse(try matches(#"tag ~ """#, b), "a channel without tags has no tag to contain anything")
    }

    func testDaysAreCalendarDaysInTheZone() throws {
        // 2026-11-01 00:30 in Berlin is 2026-10-31 23:30 UTC.
        var components = DateComponents(year: 2026, month: 11, day: 1, hour: 0, minute: 30)
        components.timeZone = zone
        let date = Calendar(identifier: .gregorian).date(from: components)!
        let s = subject(Publication(id: "1", date: date, text: ""))
        XCTAssertTrue(try matches("date = 2026-11-01", s))
        XCTAssertTrue(try matches("date >= 2026-11-01 and date <= 2026-11-01", s))
        XCTAssertFalse(try matches("date > 2026-11-01 or date < 2026-11-01", s))
        XCTAssertTrue(try matches("date > 2026-10-31 and date < 2026-11-02", s))
    }
}
