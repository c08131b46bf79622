import ArgumentParser
import FeedLibrary
import FeedModel
import Foundation

/// The subscriptions file these commands read and write.
enum SubscriptionsPath {
    static var current: String { SubscriptionFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    static func load() -> SubscriptionFile {
        do {
            return try SubscriptionFile.load(path: current)
        } catch {
            fail(error.description)
        }
    }

    static func save(_ file: SubscriptionFile) {
        do {
            try file.save(path: current)
        } catch {
            fail(error.description)
        }
    }

    /// A SOURCE argument as it is kept: channels as `@name`, files as absolute paths (they must exist).
    static func resolve(_ text: String) -> Source {
        let source = Source(text)
        guard case .file(let path) = source else { return source }
        guard path != "-" else { fail("-: standard input cannot be followed; save it to a file first") }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.isReadableFile(atPath: absolute) else {
            fail("\(path): no such file (a channel is @NAME, a feed an http(s) URL)")
        }
        return .file(absolute)
    }
}

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow channels and feeds: @NAME, t.me/NAME, an http(s) URL or a file.")

    @Argument(help: "Sources to follow.") var sources: [String]
    @Option(help: "Tag them (repeat for several tags).") var tag: [String] = []

    func run() throws {
        var file = SubscriptionsPath.load()
        let resolved = sources.map(SubscriptionsPath.resolve)
        for source in resolved {
            print(file.add(source, tags: tag) ? "following \(source.text)" : "already following \(source.text)")
        }
        SubscriptionsPath.save(file)
    }
}

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop following channels and feeds.")

    @Argument(help: "Sources to stop following.") var sources: [String]

    func run() throws {
        var file = SubscriptionsPath.load()
        var missing: [String] = []
        for text in sources {
            var source = Source(text)
            if case .file(let path) = source { source = .file(URL(fileURLWithPath: path).standardizedFileURL.path) }
            if file.remove(source) { print("stopped following \(source.text)") } else { missing.append(text) }
        }
        SubscriptionsPath.save(file)
        if !missing.isEmpty { fail("not followed: \(missing.joined(separator: ", "))") }
    }
}

struct ImportOPML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-opml", abstract: "Follow every feed of an OPML file (folders and categories become tags).")

    @Argument(help: "The OPML file (newsboat, Feedly, Thunderbird … exports).") var file: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { fail("\(file): no such file") }
        let feeds: [OPML.Feed]
        do {
            feeds = try OPML.parse(data)
        } catch {
            fail(error.at(file).description)
        }
        var subscriptions = SubscriptionsPath.load()
        var added = 0
        for feed in feeds {
            // Tags are words of the subscriptions file; spaces inside them are kept by quoting.
            if subscriptions.add(Source(feed.url), tags: feed.tags.map { $0.replacingOccurrences(of: "\"", with: "") }) {
                added += 1
            }
        }
        SubscriptionsPath.save(subscriptions)
        print("\(feeds.count) feed\(feeds.count == 1 ? "" : "s") in \(file): \(added) added or newly tagged")
    }
}

struct ExportOPML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-opml", abstract: "Print the subscriptions as OPML (files are left out: OPML holds URLs).")

    func run() throws {
        let subscriptions = SubscriptionsPath.load().subscriptions
        let feeds = subscriptions.compactMap { s in s.source.publicURL.map { OPML.Feed(url: $0, tags: s.tags) } }
        print(OPML.write(feeds), terminator: "")
        let files = subscriptions.count - feeds.count
        if files > 0 {
            FileHandle.standardError.write(Data("feedtui: \(files) file source\(files == 1 ? "" : "s") left out of the OPML\n".utf8))
        }
    }
}
