import Foundation

@testable import FeedLibrary
@testable import FeedModel

/// Any text as a filter (a query channel, an ignore rule) and as a search: a filter that parses selects, through
/// its SQL, exactly the posts its Swift evaluation selects; a search through the index finds exactly the posts a
/// scan of their folded text finds; an error is one line.
enum Queries {
    static func problems(_ data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        guard let fixture = Fixture.shared else { return ["the fuzz library could not be made"] }
        return fixture.filter(text) + fixture.search(text)
    }

    /// One library per process: three channels of generated posts in several scripts, some read, some bookmarked.
    final class Fixture: @unchecked Sendable {
        static let shared = Fixture()
        let library: Library
        let context: FilterContext
        let subjects: [FilterSubject]
        /// Each channel's posts, newest first, and their folded searchable text.
        let channels: [(id: Int64, folded: [String])]

        init?() {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-fuzz-\(getpid())")
            try? FileManager.default.removeItem(at: folder)
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            let words = ["swift", "Café", "rust", "Новости", "日本語", "مرحبا", "שלום", "ab", "🎉", "straße", "Tiếng", "x%_'\""]
            let sources = [Source.feed("https://a.example/feed"), .feed("https://b.example/feed"), .telegram("rustweekly")]
            var seed: UInt64 = 7
            func next(_ n: Int) -> Int {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return Int((seed >> 33) % UInt64(n))
            }
            do {
                library = try Library(path: folder.appendingPathComponent("library.sqlite").path)
                for (c, source) in sources.enumerated() {
                    let posts = (0..<40).map { n in
                        var p = Publication(
                            id: "p\(n)", date: next(8) == 0 ? nil : now.addingTimeInterval(-Double(next(10 * 86400))),
                            text: (0..<3).map { _ in words[next(words.count)] }.joined(separator: " "))
                        p.author = [nil, "Jo Doe", "Zoë Bot", "אבי"][next(4)]
                        p.views = next(2) == 0 ? Count(Int64(next(2000))) : nil
                        if next(4) == 0 { p.links = ["https://example.com/\(words[next(words.count)])"] }
                        return p
                    }
                    try library.importChannels([Channel(title: ["Alpha News", "Бета", "Rust Weekly"][c], publications: posts)], from: source)
                }
                let context = FilterContext(tags: [sources[0].identity: ["news"], sources[1].identity: ["tech", "новое"]], now: now, zone: TimeZone(identifier: "Asia/Tokyo") ?? .current)
                var subjects: [FilterSubject] = []
                var channels: [(Int64, [String])] = []
                var folder = SearchText()
                for lc in try library.channels() {
                    let posts = try library.window(channel: lc.id, order: .newest, offset: 0, limit: 1000).posts
                    // Marks as the user sets them; the Swift evaluation is told the same.
                    for p in posts {
                        let (read, bookmarked) = (next(3) == 0, next(5) == 0)
                        if read { try library.markRead(p.id, channel: lc.key) }
                        if bookmarked { try library.setBookmark(p.id, marked: true, channel: lc.key) }
                        let subject = FilterSubject(
                            post: p, channelTitle: lc.channel.title, channelSource: lc.key, tags: context.tags[lc.key] ?? [], read: read,
                            bookmarked: bookmarked)
                        subjects.append(subject)
                    }
                    channels.append((lc.id, posts.map { folder.fold($0.searchableText) }))
                }
                self.context = context
                self.subjects = subjects
                self.channels = channels
            } catch {
                return nil
            }
        }

        func filter(_ text: String) -> [String] {
            let filter: Filter
            do {
                filter = try Filter.parse(text)
            } catch {
                return error.description.contains("\n") ? ["a filter error of several lines: \(error.description.prefix(200))"] : []
            }
            let expected = Set(subjects.filter { filter.matches($0, now: context.now, zone: context.zone) }.map { $0.channelSource + "\u{1F}" + $0.post.id })
            do {
                let id = try library.fillQuery(key: "query:fuzz", title: "fuzz", filter: filter, context: context)
                let shown = try library.window(channel: id, order: .newest, offset: 0, limit: 1000).posts
                // A query channel's posts are named by their channel and their own id.
                let names = shown.map(\.id)
                if Set(names) != expected {
                    return ["the filter \(text.debugDescription.prefix(120)) selects \(names.count) posts in SQL, \(expected.count) in Swift"]
                }
            } catch {
                return ["the filter \(text.debugDescription.prefix(120)) fails in SQL: \(error.description.prefix(200))"]
            }
            return []
        }

        func search(_ text: String) -> [String] {
            let needle = SearchText.fold(text)
            var problems: [String] = []
            for (id, folded) in channels {
                // An empty query finds nothing (the prompt is being typed); any other what a scan finds.
                let expected = needle.isEmpty ? [] : folded.indices.filter { SearchText.contains(folded[$0], needle) }
                do {
                    let found = try library.search(channel: id, query: text, order: .newest)
                    if found != expected { problems.append("search \(text.debugDescription.prefix(120)): index \(found), scan \(expected)") }
                } catch {
                    problems.append("search \(text.debugDescription.prefix(120)) fails: \(error.description.prefix(200))")
                }
            }
            return problems
        }
    }
}
