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
        if missing.count < sources.count { SubscriptionsPath.save(file) }
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

    @OptionGroup var libraryOption: LibraryOption

    func run() throws {
        let subscriptions = SubscriptionsPath.load().subscriptions
        // Titles from the library, for channels it holds.
        let library = libraryOption.existing()
        let feeds = subscriptions.compactMap { s in
            s.source.publicURL.map { url in
                OPML.Feed(url: url, title: (try? library?.followedChannel(s.source))??.0.channel.title, tags: s.tags)
            }
        }
        print(OPML.write(feeds), terminator: "")
        let files = subscriptions.count - feeds.count
        if files > 0 {
            FileHandle.standardError.write(Data("feedtui: \(files) file source\(files == 1 ? "" : "s") left out of the OPML\n".utf8))
        }
    }
}

/// `--library PATH`: the library database, for the commands that read or refresh followed channels.
struct LibraryOption: ParsableArguments {
    @Option(help: "The library database (default $XDG_DATA_HOME/feedtui/library.sqlite).") var library: String?

    /// `clock`: what the statistics of what it imports are counted on.
    func open(clock: Clock) -> Library { Self.open(path: library, clock: clock) }

    /// The library when its file exists (nil otherwise: reading needs none, and none is created).
    func existing() -> Library? { Self.existing(path: library) }

    static func existing(path: String?) -> Library? {
        let path = path ?? Library.defaultPath(environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? Library(path: path)
    }

    static func open(path: String?, clock: Clock = Clock()) -> Library {
        do {
            return try Library(path: path ?? Library.defaultPath(environment: ProcessInfo.processInfo.environment), clock: clock)
        } catch {
            fail(error.description)
        }
    }
}

struct Refresh: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch new posts of followed channels (all, or those named) into the library, for scripts and cron.",
        discussion: "Prints one line per source that failed (the library keeps what it had) and exits with 1 when any did.")

    @Argument(help: "Sources to refresh (default: every followed one).") var sources: [String] = []
    @Flag(help: "Also walk t.me channels back to their first post (resumes where an interrupted walk stopped).")
    var history = false
    @OptionGroup var libraryOption: LibraryOption

    func run() throws {
        let followed = SubscriptionsPath.load().subscriptions.map(\.source)
        let wanted = sources.isEmpty ? followed : sources.map(SubscriptionsPath.resolve)
        guard !wanted.isEmpty else { fail("nothing is followed — feedtui add @NAME follows a channel") }
        // Counted on the configured clock, the browser opens what this imports without counting again.
        let refresher = Refresher(library: libraryOption.open(clock: Clock(rule: loadConfig().dates)), fetcher: FeedTUI.fetcher)
        // Ctrl-C stops the downloads; a history walk resumes where it stopped.
        let cancel = Cancellation()
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signal(SIGINT, SIG_IGN)
        interrupt.setEventHandler { cancel.cancel() }
        interrupt.resume()
        let reports = refresher.refresh(wanted, history: history, cancel: cancel) { report in
            if let e = report.error { FileHandle.standardError.write(Data("feedtui: \(report.source.text): \(e)\n".utf8)) }
        }
        let failed = reports.filter { $0.error != nil }.count
        let new = reports.reduce(0) { $0 + $1.newPosts }
        print("refreshed \(reports.count - failed) of \(reports.count): \(new) new post\(new == 1 ? "" : "s")")
        if failed > 0 { throw ExitCode(1) }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List followed channels: unread and total posts, last refresh, last error.")

    @OptionGroup var libraryOption: LibraryOption

    func run() throws { Self.print(library: libraryOption.library) }

    /// The home screen's rows as text, from the library.
    static func print(library path: String?) {
        let library = LibraryOption.open(path: path)
        do throws(LibraryError) {
            let rows = try library.followed(SubscriptionsPath.load().subscriptions).map(HomeRow.init)
            Swift.print(PlainText.home(rows, now: Date()).joined(separator: "\n"))
        } catch {
            fail(error.description)
        }
    }
}
