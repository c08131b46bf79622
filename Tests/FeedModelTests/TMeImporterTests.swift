import XCTest

@testable import FeedModel

final class TMeImporterTests: XCTestCase {
    static func fixture(_ name: String) -> Data {
        SampleFiles.fixture("tme/\(name)")
    }

    static func load(_ name: String) throws -> Channel {
        let channels = try TMeImporter.load(fixture(name))
        XCTAssertEqual(channels.count, 1)
        return try XCTUnwrap(channels.first)
    }

    func utc(_ s: String) -> Date { ISODate.parse(s)! }

    // MARK: statosphere-antichristone.html

    func testStatosphereChannel() throws {
        let c = try Self.load("statosphere-antichristone.html")
        XCTAssertEqual(c.title, "Antichrist Blog | 反キリスト∸ブログ")
        XCTAssertEqual(c.handle, "antichristone")
        XCTAssertEqual(c.url, "https://t.me/antichristone")
        XCTAssertEqual(c.subscribers, Count(78_600, approximate: true))
        XCTAssertEqual(c.counters.photos, Count(81))
        XCTAssertEqual(c.counters.videos, Count(2))
        XCTAssertEqual(c.counters.files, Count(11))
        XCTAssertEqual(c.counters.links, Count(154))
        XCTAssertNil(c.counters.viewsPerWeek)
        XCTAssertEqual(
            c.description,
            "Во что веришь, то и случится - звони: 666\n\nIT - @antichristone_it\nArchive - @antichristone_archive\n"
                + "Chat - @antichristone_chat\nMusic - @antichristone_music\nFeedback - @access_keeper_bot")
    }

    func testStatospherePosts() throws {
        let c = try Self.load("statosphere-antichristone.html")
        XCTAssertEqual(c.publications.count, 20)
        XCTAssertEqual(c.publications.first?.id, "antichristone/483")
        XCTAssertEqual(c.publications.last?.id, "antichristone/521")
        XCTAssertEqual(c.publications.filter(\.isService).map(\.id), [
            "antichristone/483", "antichristone/485", "antichristone/493", "antichristone/504",
        ])
        XCTAssertEqual(c.publications.filter(\.edited).map(\.id), [
            "antichristone/486", "antichristone/489", "antichristone/503", "antichristone/515",
        ])
        XCTAssertTrue(c.publications.allSatisfy { $0.editedAt == nil })
        let polls = c.publications.flatMap(\.media).filter { $0.kind == .poll }
        XCTAssertEqual(polls.map(\.name), ["Какой вариант выбираете?", "На какую тему делать стрим?"])
        // The 20th message (a post 521 with a video) has no data-post: its id comes from its date link.
        XCTAssertEqual(c.skipped.count, 0)
        XCTAssertEqual(c.publications.last?.permalink, "https://t.me/antichristone/521")
        // Service messages carry no views; unknown stays nil, never 0.
        XCTAssertNil(c.publications[0].views)
        XCTAssertEqual(c.publications[0].text, "Live stream finished (44 minutes)")
    }

    func testStatospherePost486() throws {
        let c = try Self.load("statosphere-antichristone.html")
        let p = try XCTUnwrap(c.publications.first { $0.id == "antichristone/486" })
        XCTAssertEqual(p.date, utc("2023-03-15T17:35:30Z"))
        XCTAssertEqual(p.utcOffset, 0)
        XCTAssertEqual(p.views, Count(28_000, approximate: true))
        XCTAssertTrue(p.edited)
        XCTAssertFalse(p.isService)
        XCTAssertTrue(
            p.text.hasPrefix(
                "Wassup, начинаю стрим в Telegram\n\nСмотреть трансляцию можно на удобной платформе:\nTWITCH | TELEGRAM\n\n"
            ), p.text)
        XCTAssertTrue(p.text.hasSuffix("ВАЖНО: если со звуком проблемы, обновите Telegram. Мне помогло."))
        XCTAssertEqual(p.links, [
            "https://www.twitch.tv/et_evgen", "https://t.me/antichristone",
            "https://www.donationalerts.com/r/deadly_classico",
        ])
        XCTAssertFalse(p.text.contains("<"))
        XCTAssertFalse(p.text.contains("&amp;"))
    }

    func testStatosphereEntitiesAndRoundVideo() throws {
        let c = try Self.load("statosphere-antichristone.html")
        let p503 = try XCTUnwrap(c.publications.first { $0.id == "antichristone/503" })
        XCTAssertTrue(p503.text.hasSuffix("Antichrist Blog & Andromeda, Stream, Music, Chat, Archive"), p503.text)
        // "25.2 MB" under the file name: kept as an approximate size.
        XCTAssertEqual(p503.media, [Media(kind: .file, name: "Antichrist.apk", size: 26_424_115, sizeApproximate: true)])
        let p506 = try XCTUnwrap(c.publications.first { $0.id == "antichristone/506" })
        XCTAssertEqual(p506.media.count, 1)
        XCTAssertEqual(p506.media.first?.kind, .video)
        XCTAssertEqual(p506.media.first?.duration, 21)  // the round video's <time>0:21</time> is a duration
        XCTAssertEqual(p506.date, utc("2023-04-01T17:47:40Z"))
        XCTAssertEqual(p506.views, Count(49_600, approximate: true))
    }

    // MARK: any2feed-topwar-full.html

    func testTopwarChannel() throws {
        let c = try Self.load("any2feed-topwar-full.html")
        XCTAssertEqual(c.title, "Военное обозрение")
        XCTAssertEqual(c.handle, "topwar_official")
        XCTAssertEqual(c.subscribers, Count(109_000, approximate: true))
        XCTAssertEqual(c.counters.photos, Count(19_600, approximate: true))
        XCTAssertEqual(c.counters.videos, Count(15_400, approximate: true))
        XCTAssertEqual(c.counters.files, Count(8))
        XCTAssertEqual(c.counters.links, Count(28_600, approximate: true))
        XCTAssertEqual(
            c.description,
            "Официальный канал сайта topwar.ru\n\nДля обратной связи: @topwar_feedlback_bot\n\nПо рекламе - писать @effective100")
        XCTAssertEqual(c.skipped.count, 0)
    }

    func testTopwarPosts() throws {
        let c = try Self.load("any2feed-topwar-full.html")
        XCTAssertEqual(c.publications.count, 12)
        XCTAssertEqual(c.publications.filter(\.isService).count, 0)
        XCTAssertEqual(c.publications.compactMap(\.forwardedFrom), [
            "Военкор Ярем", "БелВПО", "Старше Эдды", "Пул N3", "ImpNavigator",
        ])
        // Re-indented markup: `<time` and `datetime=` on different lines; video players hold `<time>0:16</time>`
        // durations. Every date must be the post's own, on 28 Feb 2023.
        for p in c.publications {
            guard let date = p.date else { return XCTFail("no date: \(p.id)") }
            let t = CivilTime(date)
            XCTAssertEqual([t.year, t.month, t.day], [2023, 2, 28], p.id)
            XCTAssertEqual(p.utcOffset, 0)
        }
        let p = try XCTUnwrap(c.publications.first { $0.id == "topwar_official/70992" })
        XCTAssertEqual(p.date, utc("2023-02-28T08:51:58Z"))
        XCTAssertEqual(p.views, Count(33_800, approximate: true))
        XCTAssertEqual(p.media.map(\.kind), [.photo, .photo, .video])
        XCTAssertEqual(p.media[2].duration, 16)
        XCTAssertTrue(p.media[0].url?.hasPrefix("https://cdn4.telegram-cdn.org/file/HL75Yw5xRImP5vG7") == true)
        // The text div is nested twice in this file: read once, white space of the re-indented source collapsed.
        XCTAssertEqual(
            p.text,
            "Сегодня ночью в Республике Адыгея упал неизвестный летательный аппарат, обломки реактивного двигателя от "
                + "которого опубликовал глава региона. Предположительно, обломки принадлежат украинскому БПЛА Ту-141 или Ту-143.")
        let videos = c.publications.flatMap(\.media).filter { $0.kind == .video }
        XCTAssertEqual(videos.map(\.duration), [16, 177, 101, 17])
    }

    func testTopwarLinkPreview() throws {
        let c = try Self.load("any2feed-topwar-full.html")
        let p = try XCTUnwrap(c.publications.first { $0.id == "topwar_official/70996" })
        XCTAssertEqual(p.forwardedFrom, "Военкор Ярем")
        XCTAssertEqual(
            p.linkPreview,
            LinkPreview(
                site: "Telegram", title: "Милитарист",
                description: "Сообщают, что стелу с истребителем МиГ-17ПФ в центре Бахмута и передовые подразделения ЧВК «Вагнера» разделяют 180 метров",
                url: "http://t.me/infantmilitario/93419",
                image: "https://cdn4.telegram-cdn.org/file/tQZ711MVkJHq5TBc0Cy8vm--IEYoIW8qBvGEp3YuFd0qqx4s_6uunBgHvzWlhUE9gHJJ3HQlcE19D2rcIYkHLktkBHUCs4AYnEc68GncIMYrWoa4YGHMFTP-cLzlV9eaikcYbHeEktuSBMntAZpznG1_eSU6YKUBrOSiKww54DvbhlZCIeqy2k45lR8gac-uyf7Jz9k1WUPSaxvXuTNOhpY8AlxDFCbEqDK2uvT-yWGgrrKiD3AbK8CHswGs779jjReqTDsPNV4WYP7G3_dWCK6sTKs4zkDf_9m8JhWnmGSGhY-hy3-5w-qLWcHvoL_vpbDe5YlmNYQZm0sC50qAQw.jpg"))
        XCTAssertEqual(p.links, [
            "https://t.me/infantmilitario/93419", "https://t.me/yaremshooter", "http://t.me/infantmilitario/93419",
        ])
        XCTAssertTrue(p.text.hasPrefix("Информация о том, что подразделения ЧВК «Вагнер» подошли к самолетику в Бахмуте на расстояние 180 метров, пока"))
        XCTAssertTrue(p.text.hasSuffix("стелы с МиГ-17.\n\n@yaremshooter"), p.text)
    }

    // MARK: Detection

    func testDetection() {
        XCTAssertEqual(Format.detect(Self.fixture("statosphere-antichristone.html")), .tme)
        XCTAssertEqual(Format.detect(Self.fixture("any2feed-topwar-full.html")), .tme)
        XCTAssertFalse(TMeImporter.recognizes(Data("<html><body><p>just a page</p></body></html>".utf8)))
        XCTAssertFalse(TMeImporter.recognizes(Data("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><description>&lt;html tgme_</description></channel></rss>".utf8)))
    }

    // MARK: Bad input

    func testTruncatedHTMLKeepsCompletePosts() throws {
        let data = Self.fixture("statosphere-antichristone.html")
        let marker = Data("Wassup, бот Chat-GPT 3.5".utf8)
        let cut = try XCTUnwrap(data.firstRange(of: marker)).upperBound
        let c = try XCTUnwrap(TMeImporter.load(data.prefix(upTo: cut)).first)
        XCTAssertEqual(c.publications.map(\.id), [
            "antichristone/483", "antichristone/485", "antichristone/486", "antichristone/489",
        ])
        XCTAssertEqual(c.skipped.count, 1)
        XCTAssertEqual(c.skipped.firstReason, "missing date")
        XCTAssertEqual(c.skipped.firstLine, 238)  // post 490 starts on line 238
        XCTAssertEqual(c.title, "Antichrist Blog | 反キリスト∸ブログ")
    }

    func testInvalidUTF8BecomesReplacementCharacter() throws {
        var html = Data(
            """
            <!DOCTYPE html><html><body class="tgme_webpreview">
            <div class="tgme_channel_info_header_title"><span>Канал</span></div>
            <div class="tgme_widget_message" data-post="x/1"><div class="tgme_widget_message_text">Привет\u{20}
            """.utf8)
        html.append(contentsOf: [0xFF, 0xC3, 0x28])
        html.append(
            Data(
                """
                 мир</div><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/x/1"><time datetime="2024-05-01T10:00:00+03:00">10:00</time></a></span></div>
                </body></html>
                """.utf8))
        XCTAssertEqual(Format.detect(html), .tme)
        let c = try XCTUnwrap(TMeImporter.load(html).first)
        XCTAssertEqual(c.title, "Канал")
        XCTAssertEqual(c.publications.count, 1)
        XCTAssertEqual(c.publications.first?.text, "Привет \u{FFFD}\u{FFFD}( мир")
        XCTAssertEqual(c.publications.first?.utcOffset, 3 * 3600)
        XCTAssertEqual(c.publications.first?.date, utc("2024-05-01T07:00:00Z"))
        XCTAssertEqual(c.handle, "x")
    }

    func testEmptyAndHopelessInput() {
        XCTAssertThrowsError(try TMeImporter.load(Data()))
        XCTAssertThrowsError(try FeedLoader.load(data: Data(), format: .tme)) { error in
            XCTAssertEqual((error as? FeedError)?.description, "empty file")
        }
        XCTAssertThrowsError(try TMeImporter.load(Data("<html><body><p>nothing here</p></body></html>".utf8)))
    }
}
