import FeedLibrary
import Foundation
import Synchronization
import FeedModel
import XCTest

@testable import FeedTUI

/// The browser over the library: the list is a window of the channel, whatever its size.
final class LibraryBrowserTests: XCTestCase {
    private func press(_ s: inout AppState, _ keys: String) {
        for name in keys.split(separator: " ") {
            guard let key = Key(name: String(name)) else { return XCTFail("unknown key \(name)") }
            Fixture.send(&s, .key(key))
        }
    }

    /// 5 000 posts with repeated dates and views, some undated, in two scripts.
    private func big() -> Channel {
        var posts: [Publication] = []
        for i in 0..<5_000 {
            let minutes = Double((i * 7919) % 3000) * 600
            let date: Date? = i % 97 == 0 ? nil : Date(timeIntervalSince1970: 1_600_000_000 + minutes)
            let text = i % 3 == 0 ? "Новость номер \(i)" : "post number \(i) — café"
            let views: Count? = i % 5 == 0 ? nil : Count(Int64((i * 31) % 400))
            posts.append(Publication(id: "b\(i)", date: date, text: text, views: views))
        }
        return Channel(title: "Big", handle: "big", publications: posts)
    }

    func testTheListHoldsAWindowNotTheChannel() throws {
        let ch = big()
        var s = Fixture.state([ch], 120, 40)
        let rows = try XCTUnwrap(Layout(s).list).height
        let newest = PostOrder.newest.arrange(ch.publications).map { ch.publications[$0].id }
        XCTAssertEqual(s.channel.total, 5_000)
        XCTAssertLessThanOrEqual(s.channel.window.posts.count, 3 * rows, "the first frame reads the first screenful and a page more")
        XCTAssertEqual(s.channel.selectedPost?.id, newest[0])
        press(&s, "G")
        XCTAssertEqual(s.channel.selected, 4_999)
        XCTAssertEqual(s.channel.selectedPost?.id, newest[4_999])
        XCTAssertLessThanOrEqual(s.channel.window.posts.count, 3 * rows)
        let last = try XCTUnwrap(ch.publications.first { $0.id == newest[4_999] })
        XCTAssertTrue(Screen.render(s).lines.contains { $0.contains("▶") && $0.contains(PostListPane.title(of: last).prefix(20)) })
        press(&s, "2 5 0 0 G")
        XCTAssertEqual(s.channel.selectedPost?.id, newest[2_499])
        press(&s, "PgDn PgDn k")
        XCTAssertEqual(s.channel.selectedPost?.id, newest[2_499 + 2 * rows - 1])
        for order in [PostOrder.oldest, .mostViewed, .newest] {
            let id = s.channel.selectedPost?.id
            press(&s, "S")
            XCTAssertEqual(s.channel.sort, order)
            XCTAssertEqual(s.channel.selectedPost?.id, id, "the selected post stays selected")
            let expected = order.arrange(ch.publications).map { ch.publications[$0].id }
            XCTAssertEqual(expected[s.channel.selected], id)
            // Every row on screen is the post at its position in this order.
            for row in 0..<rows {
                XCTAssertEqual(s.channel.post(at: s.channel.listTop + row)?.id, expected[s.channel.listTop + row])
            }
        }
    }

    func testSearchInTheBrowserFindsWhatAScanFinds() throws {
        let ch = big()
        var s = Fixture.state([ch], 120, 40)
        press(&s, "S / Н О В О С Т Ь Space Н О М Е Р Space 1 2")
        let oldest = PostOrder.oldest.arrange(ch.publications)
        let expected = oldest.indices.filter { SearchText.contains(SearchText.fold(ch.publications[oldest[$0]].searchableText), "новость номер 12") }
        XCTAssertEqual(s.channel.search?.matches, expected)
        XCTAssertEqual(s.channel.selected, expected.first)
        XCTAssertEqual(s.channel.search?.counter, "post 1/\(expected.count)")
        press(&s, "Enter n")
        XCTAssertEqual(s.channel.selected, expected[1])
        XCTAssertTrue(s.channel.selectedPost?.text.hasPrefix("Новость номер 12") ?? false)
        press(&s, "Esc / c a")
        XCTAssertEqual(s.channel.search?.matches?.count, 5_000 - 1_667, "a two-letter query (every café)")
    }

    /// While the first import goes on, the list shows what is in, the bottom line counts it, sorting waits; when
    /// A file imported while it is read: the bottom line says the share of the file read and the posts so far,
    /// then that the posts are being put in order.
    func testAStreamedImportSaysHowMuchOfTheFileIsRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/big.json"
        try NativeJSON.encode([big()]).write(to: URL(fileURLWithPath: file))
        let library = try Library(path: folder + "/library.sqlite")
        Fixture.library = library
        var bottoms: [String] = []
        var state: AppState?
        try library.importSource(.file(file), read: { stream throws(FeedError) in try FeedLoader.load(path: file, stream: stream) }) { p in
            if state == nil, let view = try? ChannelView.opened(p.channel, library: library, sort: .newest) {
                var s = AppState(channels: [view], size: Size(width: 120, height: 40), useColor: false)
                Fixture.send(&s, .resize(s.size))
                state = s
            }
            guard var s = state else { return true }
            Fixture.send(&s, .importProgress(p))
            bottoms.append(Screen.render(s).lines[39])
            state = s
            return true
        }
        let reading = try XCTUnwrap(bottoms.first)
        XCTAssertNotNil(reading.range(of: #"importing [█░]{20} \d+% of the file · 200 posts so far — q cancels"#, options: .regularExpression), reading)
        XCTAssertTrue(bottoms.contains { $0.contains("· putting 5 000 posts in order — q cancels") }, bottoms.joined(separator: "\n"))
    }

    /// it ends, the channel is complete.
    func testAChannelBeingImportedShowsProgressAndIsNeverShownComplete() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-progress-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = try Library(path: folder + "/library.sqlite")
        Fixture.library = library
        let ch = big()
        var state: AppState?
        let ids = try library.importChannels([ch], from: .named(ch)) { p in
            guard state == nil, let view = try? ChannelView.opened(p.channel, library: library, sort: .oldest) else { return true }
            var s = AppState(channels: [view], size: Size(width: 120, height: 40), useColor: false)
            Fixture.send(&s, .resize(s.size))
            Fixture.send(&s, .importProgress(p))
            XCTAssertEqual(s.channel.sort, .newest, "newest first until the import ends")
            XCTAssertEqual(s.channel.total, 200)
            XCTAssertEqual(s.channel.selectedPost?.id, ch.publications[PostOrder.newest.arrange(ch.publications)[0]].id)
            let bottom = Screen.render(s).lines[39]
            XCTAssertTrue(bottom.contains("importing ░░░░░░░░░░░░░░░░░░░░ 4% · 200 of 5 000 posts — q cancels"), bottom)
            Fixture.send(&s, .key(.char("S")))
            XCTAssertEqual(s.status, "sorting waits for the import to finish")
            Fixture.send(&s, .key(.char("G")))
            XCTAssertEqual(s.channel.selected, 199, "G goes to the last post imported so far")
            state = s
            return true
        }
        var s = try XCTUnwrap(state)
        Fixture.send(&s, .channelChanged(try XCTUnwrap(try library.channel(ids[0]))))
        XCTAssertNil(s.channel.importing)
        XCTAssertEqual(s.channel.total, 5_000)
        XCTAssertEqual(s.channel.selected, 199, "the selected post stays selected")
        XCTAssertTrue(Screen.render(s).lines[39].contains("j/k move"))
        Fixture.send(&s, .key(.char("S")))
        XCTAssertEqual(s.channel.sort, .oldest)
    }

    func testAQueryTypedFasterThanHandledIsSearchedOnceWhole() throws {
        var s = Fixture.state([big()], 120, 40)
        let runner = EffectRunner(library: try XCTUnwrap(Fixture.library), inline: true)
        runner.drive(&s, .key(.char("/")))
        // "c" and "a" arrive together: the one-letter query is not searched (it would scan every post).
        XCTAssertEqual(runner.drive(&s, .key(.char("c")), typingOn: true), [])
        XCTAssertNil(s.channel.search?.matches, "no search for “c”")
        runner.drive(&s, .key(.char("a")), typingOn: true)
        runner.drive(&s, .key(.char("f")), typingOn: false)
        XCTAssertEqual(s.channel.search?.query, "caf")
        XCTAssertEqual(s.channel.search?.matches?.count, 5_000 - 1_667)
        XCTAssertTrue(EffectRunner.editsQuery(.key(.backspace)))
        XCTAssertFalse(EffectRunner.editsQuery(.key(.enter)), "Enter keeps the query: its search must run")
    }

    /// A query in many posts: its first matches after where the search began come at once, the counter saying the
    /// rest are being counted, and n goes through them; the whole answer follows and the counter counts.
    func testACommonQueryShowsItsFirstMatchesAtOnceThenCountsThem() throws {
        var s = Fixture.state([big()], 120, 40)
        let library = try XCTUnwrap(Fixture.library)
        let id = s.channel.stored.id
        let expected = try library.search(channel: id, query: "number", order: .newest)
        XCTAssertEqual(expected.count, 3_333)
        press(&s, "j j j /")
        var effects: [Effect] = []
        for c in "number" { effects = reduce(&s, .key(.char(c))) }
        XCTAssertEqual(effects, [.search(channel: id, query: "number", order: .newest, from: 3)])
        XCTAssertFalse(try library.firstMatches(channel: id, query: "number", order: .newest, from: 3).complete, "3 333 posts to check: not at once")
        // The first answer as the library gives it (`LibraryTests` checks it): the first matches after position 3.
        let first = (matches: Array(expected.filter { $0 >= 3 }.prefix(10)), complete: false)
        _ = reduce(&s, .searched(channel: id, query: "number", order: .newest, matches: first.matches, complete: false))
        XCTAssertEqual(s.channel.selected, first.matches[0], "the first match after where the search began, at once")
        XCTAssertTrue(Screen.render(s).lines[39].contains("/number▏  counting…"))
        press(&s, "Enter")
        for _ in 0..<(first.matches.count + 5) { _ = reduce(&s, .action(.searchNext)) }
        XCTAssertEqual(s.channel.selected, first.matches.last, "n stops at the last match found so far")
        XCTAssertTrue(Screen.render(s).lines[39].contains("/number  counting…"))
        _ = reduce(&s, .searched(channel: id, query: "number", order: .newest, matches: expected, complete: true))
        _ = reduce(&s, .action(.searchNext))
        let lastFound = try XCTUnwrap(first.matches.last)
        let next = try XCTUnwrap(expected.first { $0 > lastFound })
        XCTAssertEqual(s.channel.selected, next)
        XCTAssertTrue(Screen.render(s).lines[39].contains("/number  post \(try XCTUnwrap(expected.firstIndex(of: next)) + 1)/3333"))
        // An answer after the whole one (a first answer late) changes nothing.
        _ = reduce(&s, .searched(channel: id, query: "number", order: .newest, matches: first.matches, complete: false))
        XCTAssertEqual(s.channel.search?.matches, expected)

        // Through the runner: the first answer in place, the whole one from the worker.
        var t = Fixture.state([big()], 120, 40)
        press(&t, "j j j / n u m b e r")
        XCTAssertEqual(t.channel.search?.matches, expected)
        XCTAssertEqual(t.channel.search?.complete, true)
        XCTAssertEqual(t.channel.selected, expected.first { $0 >= 3 })
        XCTAssertTrue(Screen.render(t).lines[39].contains("/number▏  post \(try XCTUnwrap(expected.firstIndex { $0 >= 3 }) + 1)/3333"))
    }

    func testFSearchesEveryChannelAndOpensTheMatch() throws {
        var s = Fixture.state(try Fixture.seed(), 120, 40)
        let library = try XCTUnwrap(Fixture.library)
        // A channel of the library that is not open.
        let other = Channel(
            title: "Other", handle: "other",
            publications: [Publication(id: "o1", date: Date(timeIntervalSince1970: 1_700_000_000), text: "Indonesia again, from elsewhere")])
        try library.importChannels([other], from: .named(other))
        press(&s, "F i n d o n e s i a")
        XCTAssertEqual(s.prompt, .searchLibrary)
        XCTAssertEqual(s.librarySearch?.total, 2)
        XCTAssertEqual(s.librarySearch?.matches?.map(\.channelTitle), ["Other", "Durov's Channel"])
        XCTAssertTrue(Screen.render(s).lines.contains { $0.contains("“indonesia” in the library: 2") })
        press(&s, "Enter")
        XCTAssertEqual(s.mode, .libraryMatches)
        press(&s, "Enter")
        XCTAssertEqual(s.channels.count, 2, "the other channel was opened")
        XCTAssertEqual(s.channel.channel.title, "Other")
        XCTAssertEqual(s.channel.selectedPost?.id, "o1")
        press(&s, "F i n d o n e s i a Enter j Enter")
        XCTAssertEqual(s.channels.count, 2)
        XCTAssertEqual(s.channel.channel.title, "Durov's Channel")
        XCTAssertEqual(s.channel.selectedPost?.text.hasPrefix("Some thoughts on Indonesia"), true)
        press(&s, "F z z q Enter")
        XCTAssertEqual(s.status, "no match for “zzq” in the library")
    }
}

/// Sources come into the library beside the event loop; an unchanged file is not parsed again.
final class BackgroundLoadTests: XCTestCase {
    /// What a load said through the runner's inbox, until it finished.
    struct Said {
        var events: [Event] = []
        /// The channels shown, in the order they were added.
        var shown: [Int64] {
            events.compactMap { if case .channelAdded(let view) = $0 { view.stored.id } else { nil } }
        }
        var failure: String? {
            for case .loadFinished(let failure) in events { return failure }
            return nil
        }
    }

    private func waitUntilFinished(_ library: Library, _ sources: [String], parse: @escaping @Sendable (String, PostStream?) throws(FeedError) -> [Channel]) -> Said {
        let runner = EffectRunner(library: library)
        _ = BackgroundLoad(sources: sources, runner: runner, parse: parse)
        return collect(runner)
    }

    private func collect(_ runner: EffectRunner, into said: Said = Said()) -> Said {
        var said = said
        let deadline = Date().addingTimeInterval(60)
        while !said.events.contains(where: { if case .loadFinished = $0 { true } else { false } }), Date() < deadline {
            said.events += runner.drain()
            usleep(10_000)
        }
        return said
    }

    func testFirstOpenImportsReopenReadsTheLibraryOnlyAndAChangeImportsAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-load-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/channel.json"
        let posts = (0..<3_000).map { Publication(id: "p\($0)", date: Date(timeIntervalSince1970: 1_600_000_000 + Double($0) * 60), text: "post \($0)") }
        try NativeJSON.encode([Channel(title: "Loaded", handle: "loaded", publications: posts)]).write(to: URL(fileURLWithPath: file))
        let library = try Library(path: folder + "/library.sqlite")
        let parsed = Mutex(0)
        let parse: @Sendable (String, PostStream?) throws(FeedError) -> [Channel] = { path, stream throws(FeedError) in
            parsed.withLock { $0 += 1 }
            return try FeedLoader.load(path: path, stream: stream)
        }

        let done = waitUntilFinished(library, [file], parse: parse)
        XCTAssertNil(done.failure)
        XCTAssertEqual(done.shown.count, 1)
        XCTAssertEqual(parsed.withLock { $0 }, 1)
        XCTAssertEqual(try library.channel(done.shown[0])?.postCount, 3_000)

        let again = waitUntilFinished(library, [file], parse: parse)
        XCTAssertEqual(again.shown, done.shown, "the same channel, from the library")
        XCTAssertEqual(parsed.withLock { $0 }, 1, "an unchanged file is not parsed again")

        try NativeJSON.encode([Channel(title: "Loaded", handle: "loaded", publications: Array(posts.prefix(10)))])
            .write(to: URL(fileURLWithPath: file))
        let changed = waitUntilFinished(library, [file], parse: parse)
        XCTAssertEqual(parsed.withLock { $0 }, 2, "a changed file is imported again")
        XCTAssertEqual(try library.channel(changed.shown[0])?.postCount, 3_000, "posts the file no longer has are kept")

        let broken = waitUntilFinished(library, [folder + "/absent.json"], parse: parse)
        XCTAssertEqual(broken.failure, "\(folder)/absent.json: no such file")
    }

    func testReplacedCopiesGoEvenWhenNothingIsImported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-gc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/channel.json"
        let posts = (0..<300).map { Publication(id: "p\($0)", date: Date(timeIntervalSince1970: 1_600_000_000 + Double($0) * 60), text: "post \($0)") }
        try NativeJSON.encode([Channel(title: "Kept", handle: "kept", publications: posts)]).write(to: URL(fileURLWithPath: file))
        let library = try Library(path: folder + "/library.sqlite")
        let parse: @Sendable (String, PostStream?) throws(FeedError) -> [Channel] = { path, stream throws(FeedError) in
            try FeedLoader.load(path: path, stream: stream)
        }
        let first = waitUntilFinished(library, [file], parse: parse)
        // Another channel imported twice: its first copy is replaced, left for the garbage collection.
        let other = Channel(title: "Other", handle: "other", publications: posts)
        let replaced = try XCTUnwrap(try library.importChannels([other], from: .named(other)).first)
        try library.importChannels([other], from: .named(other))
        XCTAssertNotNil(try library.channel(replaced), "the replaced copy is still there")
        let again = waitUntilFinished(library, [file], parse: parse)
        XCTAssertEqual(again.shown, first.shown, "nothing imported: the file has not changed")
        let deadline = Date().addingTimeInterval(30)
        while try library.channel(replaced) != nil, Date() < deadline { usleep(20_000) }
        XCTAssertNil(try library.channel(replaced), "the replaced copy is deleted")
        XCTAssertEqual(try library.channel(first.shown[0])?.postCount, 300, "the live channel is untouched")
    }

    func testCancellingTheFirstImportLeavesNothingHalfImported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-load-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = try Library(path: folder + "/library.sqlite")
        let posts = (0..<20_000).map { Publication(id: "p\($0)", date: Date(timeIntervalSince1970: 1_600_000_000 + Double($0)), text: "post \($0)") }
        let runner = EffectRunner(library: library)
        let load = BackgroundLoad(sources: ["big"], runner: runner) { _, _ throws(FeedError) in [Channel(title: "Big", publications: posts)] }
        var said = Said()
        let deadline = Date().addingTimeInterval(60)
        var importing: ImportProgress?
        while importing == nil, Date() < deadline {
            said.events += runner.drain()
            importing = said.events.lazy.compactMap { if case .importProgress(let p) = $0 { p } else { nil } }.first
            usleep(1_000)
        }
        let shown = try XCTUnwrap(importing, "the first batch is shown while the rest is imported")
        XCTAssertEqual(said.shown, [shown.channel], "the channel is added from its first batch")
        XCTAssertLessThan(shown.imported, try XCTUnwrap(shown.total))
        XCTAssertEqual(try library.channel(shown.channel)?.complete, false)
        load.finish()
        let done = collect(runner, into: said)
        XCTAssertEqual(done.failure, "import cancelled")
        XCTAssertFalse(done.events.contains { if case .channelChanged = $0 { true } else { false } }, "never shown complete")
        XCTAssertEqual(try library.channels(), [], "nothing of the cancelled import is left")
        XCTAssertNil(try library.channel(shown.channel))
    }
}

/// The browser on a library whose statistics were counted on another clock than the run's.
final class StatisticsClockTests: XCTestCase {
    func testStatisticsOfAnotherClockShowAsCountingUntilTheCountComesBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-clock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let seed = try Fixture.seed()[0]
        // Imported by a run in UTC; browsed by one in Tokyo.
        let id = try XCTUnwrap(try Library(path: folder + "/library.sqlite", clock: Fixture.utc).importChannels([seed], from: .named(seed)).first)
        let tokyo = Clock(zone: try XCTUnwrap(TimeZone(identifier: "Asia/Tokyo")))
        let library = try Library(path: folder + "/library.sqlite", clock: tokyo)
        let view = try XCTUnwrap(try ChannelView.opened(id, library: library, sort: .newest))
        let size = Size(width: 200, height: 50)
        var state = AppState(channels: [view], size: size, useColor: false, clock: tokyo)

        let runner = EffectRunner(library: library)
        let asked = runner.drive(&state, .resize(size))
        XCTAssertEqual(asked, [.countStatistics(channel: id, clock: tokyo)])
        XCTAssertEqual(state.channel.statisticsCount, .counting)
        var screen = Screen.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("posts/week         counting…"), screen)
        XCTAssertTrue(screen.contains("dates in           local time, Asia/Tokyo"), "the pane says the run's clock")
        XCTAssertFalse(screen.contains("Sun  "), "no rhythm of another clock")
        XCTAssertEqual(runner.drive(&state, .key(.char("j"))), [], "asked once")

        // Counted on the library worker; the answer comes back through the inbox.
        var answers: [Event] = []
        let deadline = Date().addingTimeInterval(30)
        while answers.isEmpty, Date() < deadline {
            usleep(2_000)
            answers = runner.drain()
        }
        let onTokyo = ChannelStatistics(seed, clock: tokyo)
        XCTAssertEqual(answers, [.statisticsCounted(channel: id, .success(onTokyo))])
        XCTAssertEqual(runner.drive(&state, answers[0]), [], "nothing more to count")
        XCTAssertNil(state.channel.statisticsCount)
        XCTAssertEqual(state.channel.stats, onTokyo)
        screen = Screen.render(state).lines.joined(separator: "\n")
        XCTAssertFalse(screen.contains("counting…"), screen)
        for line in Report.rhythmLines(onTokyo) { XCTAssertTrue(screen.contains(line), "the rhythm on Tokyo's clock: \(line)\n\(screen)") }
        XCTAssertNotEqual(Report.rhythmLines(onTokyo), Report.rhythmLines(ChannelStatistics(seed, clock: Fixture.utc)))
        XCTAssertEqual(try library.channel(id)?.statistics, onTokyo, "kept: the next open on this clock is instant")
    }

    func testACountThatFailsShowsUnknownAndIsNotAskedAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-clock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let id = try XCTUnwrap(try Library(path: folder + "/library.sqlite", clock: Fixture.utc).importChannels(try Fixture.seed(), from: .file(Fixture.seedPath)).first)
        let post = Clock(rule: .post)
        let library = try Library(path: folder + "/library.sqlite", clock: post)
        let view = try XCTUnwrap(try ChannelView.opened(id, library: library, sort: .newest))
        let size = Size(width: 200, height: 50)
        var state = AppState(channels: [view], size: size, useColor: false, clock: post)
        let runner = EffectRunner(library: library)
        XCTAssertEqual(runner.drive(&state, .resize(size)), [.countStatistics(channel: id, clock: post)])
        runner.finish()
        _ = runner.drain()
        runner.drive(&state, .statisticsCounted(channel: id, .failure(LibraryError("cannot count the statistics: disk I/O error"))))
        XCTAssertEqual(state.channel.statisticsCount, .failed)
        let screen = Screen.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("posts/week         —"), screen)
        XCTAssertTrue(screen.contains("cannot count the statistics: disk I/O error"), "said in the status line")
        XCTAssertEqual(runner.drive(&state, .key(.char("j"))), [], "not asked again")
    }
}
