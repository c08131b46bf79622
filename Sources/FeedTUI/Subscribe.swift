import ArgumentParser
import FeedLibrary
import FeedModel
import Foundation
import Synchronization

/// The subscriptions file these commands read and write.
enum SubscriptionsPath {
    static var current: String { SubscriptionFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// The file, its lines that follow nothing said on stderr (once per command).
    static func load() -> SubscriptionFile {
        do {
            let file = try SubscriptionFile.load(path: current)
            for refusal in file.refusals { warn(refusal.at(current).description) }
            return file
        } catch {
            fail(error.description)
        }
    }

    /// What a command that was stopped before it saved the file did.
    static let unchanged = "nothing was changed; the channels file is as it was"

    /// Writes the file, unless a signal came: the file is replaced whole, so one that comes meanwhile leaves the
    /// old or the new list.
    static func save(_ file: SubscriptionFile, unless interruption: Interruption) throws {
        try interruption.check()
        interruption.done { "the channels file holds the old list or the new one, whole" }
        do {
            try file.save(path: current)
        } catch {
            fail(error.description)
        }
    }

    /// A SOURCE argument as it is kept: channels as `@name`, files as absolute paths (they must exist).
    static func resolve(_ text: String) -> Source {
        let source: Source
        do {
            source = try Source.followable(text, files: true)
        } catch {
            fail("\(text): \(error.message)")
        }
        guard case .file(let path) = source else { return source }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.isReadableFile(atPath: absolute) else {
            fail("\(path): no such file (a channel is @NAME, a feed an http(s) URL)")
        }
        return .file(absolute)
    }
}

struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow channels and feeds: @NAME, t.me/NAME, an http(s) URL, a file, or a saved filter query:NAME:FILTER.")

    @Argument(help: "Sources to follow.") var sources: [String]
    @Option(help: "Tag them (repeat for several tags).") var tag: [String] = []

    func run() throws {
        let interruption = Interruption { SubscriptionsPath.unchanged }
        var file = SubscriptionsPath.load()
        for t in tag {
            do throws(FeedError) { try Source.checkTag(t) } catch { fail("--tag \(t): \(error.message)") }
        }
        let resolved = sources.map(SubscriptionsPath.resolve)
        let said = resolved.map { source in
            file.add(source, tags: tag) ? "following \(source.text)" : "already following \(source.text)"
        }
        try SubscriptionsPath.save(file, unless: interruption)
        said.forEach { print($0) }
    }
}

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop following channels and feeds.")

    @Argument(help: "Sources to stop following.") var sources: [String]

    func run() throws {
        let interruption = Interruption { SubscriptionsPath.unchanged }
        var file = SubscriptionsPath.load()
        var missing: [String] = []
        var removed: [Source] = []
        for text in sources {
            var source = Source(text)
            if case .file(let path) = source { source = .file(URL(fileURLWithPath: path).standardizedFileURL.path) }
            if file.remove(source) { removed.append(source) } else { missing.append(text) }
        }
        if !removed.isEmpty { try SubscriptionsPath.save(file, unless: interruption) }
        for source in removed { print("stopped following \(source.text)") }
        if !missing.isEmpty { fail("not followed: \(missing.joined(separator: ", "))") }
    }
}

struct ImportOPML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-opml", abstract: "Follow every feed of an OPML file (folders and categories become tags).")

    @Argument(help: "The OPML file (newsboat, Feedly, Thunderbird … exports).") var file: String

    func run() throws {
        let interruption = Interruption { SubscriptionsPath.unchanged }
        let feeds: [OPML.Feed]
        do {
            feeds = try OPML.parse(SourceFile.read(file, what: "an OPML file"))
        } catch {
            fail(error.at(file).description)
        }
        var subscriptions = SubscriptionsPath.load()
        var added = 0, refused = 0, repeated = 0
        var seen = Set<Source>()
        for feed in feeds {
            do throws(FeedError) {
                if let refusal = feed.refusal { throw FeedError(refusal) }
                let source = try Source.followable(feed.url, files: false)
                for tag in feed.tags { try Source.checkTag(tag) }
                guard seen.insert(source).inserted else {
                    repeated += 1
                    continue
                }
                if subscriptions.add(source, tags: feed.tags) { added += 1 }
            } catch {
                refused += 1
                warn(FeedError("\(feed.url): \(error.message)", source: file, line: feed.line).description)
            }
        }
        try SubscriptionsPath.save(subscriptions, unless: interruption)
        var summary = "\(feeds.count) feed\(feeds.count == 1 ? "" : "s") in \(file): \(added) added or newly tagged"
        if repeated > 0 { summary += ", \(repeated) listed again (kept once)" }
        if refused > 0 { summary += ", \(refused) refused" }
        print(Sanitize.visible(summary))
        if refused > 0 { throw ExitCode(1) }
    }
}

struct ExportOPML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-opml", abstract: "Print the subscriptions as OPML (files are left out: OPML holds URLs).")

    @OptionGroup var libraryOption: LibraryOption

    func run() throws {
        let interruption = Interruption { "nothing was printed" }
        let subscriptions = SubscriptionsPath.load().subscriptions
        // Titles from the library, for channels it holds.
        let library = libraryOption.existing()
        let feeds = subscriptions.compactMap { s in
            s.source.publicURL.map { url in
                OPML.Feed(url: url, title: (try? library?.followedChannel(s.source))??.0.channel.title, tags: s.tags)
            }
        }
        let opml = OPML.write(feeds)
        try interruption.check()
        print(opml, terminator: "")
        let files = subscriptions.count - feeds.count
        if files > 0 {
            // Files and query channels have no address to give.
            FileHandle.standardError.write(Data("feedtui: \(files) source\(files == 1 ? "" : "s") without a URL (files, query channels) left out of the OPML\n".utf8))
        }
        try LibraryOption.finish(library)
    }
}

/// `--library PATH`: the library database, for the commands that read or refresh followed channels.
struct LibraryOption: ParsableArguments {
    @Option(help: "The library database (default $XDG_DATA_HOME/feedtui/library.sqlite).") var library: String?

    /// `clock`: what the statistics of what it imports are counted on.
    func open(clock: Clock) -> Library { Self.open(path: library, clock: clock) }

    /// The library when its file exists (nil otherwise: reading needs none, and none is created); one set aside is
    /// said as `open` says it, one that cannot be opened ends the command.
    func existing() -> Library? { Self.existing(path: library) }

    static func existing(path: String?) -> Library? {
        let path = path ?? Library.defaultPath(environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return open(path: path)
    }

    /// The library; one set aside (damaged, or a newer feedtui's) is said on stderr here, and the command ends
    /// with 1 (`finish`), as the browser says it on screen.
    static func open(path: String?, clock: Clock = Clock()) -> Library {
        do {
            let library = try Library(path: path ?? Library.defaultPath(environment: ProcessInfo.processInfo.environment), clock: clock)
            if let notice = library.notice { warn(notice) }
            return library
        } catch {
            fail(error.description)
        }
    }

    /// Exit 1 after the work is done when the library was set aside on opening (said then), or found damaged
    /// since (said here: a read that met the damage may have been answered from the source instead).
    static func finish(_ library: Library?) throws {
        guard let library else { return }
        if let damage = library.damageFound {
            warn("the library \(library.path) is damaged (\(damage)); it will be set aside when feedtui opens it next")
            throw ExitCode(1)
        }
        if library.notice != nil { throw ExitCode(1) }
    }
}

struct Refresh: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch new posts of followed channels (all, or those named) into the library, for scripts and cron.",
        discussion: "Prints one line per source that failed (the library keeps what it had) and exits with 1 when any did.")

    @Argument(help: "Sources to refresh (default: every followed one).") var sources: [String] = []
    @Flag(help: "Also walk t.me channels back to their first post (resumes where an interrupted walk stopped).")
    var history = false
    @Option(help: "Stop after this many seconds and name the sources that did not finish (for cron).")
    var deadline: Int?
    @OptionGroup var libraryOption: LibraryOption

    func run() throws {
        let followed = SubscriptionsPath.load().subscriptions.map(\.source)
        let wanted = sources.isEmpty ? followed : sources.map(SubscriptionsPath.resolve)
        guard !wanted.isEmpty else { fail("nothing is followed — feedtui add @NAME follows a channel") }
        if let deadline, deadline <= 0 { fail("--deadline: a number of seconds above 0") }
        // Counted on the configured clock, the browser opens what this imports without counting again.
        let config = loadConfig()
        let refresher = Refresher(
            library: libraryOption.open(clock: Clock(rule: config.dates)), fetcher: FeedTUI.fetcher,
            filters: config.filters(subscriptions: SubscriptionsPath.current))
        // Ctrl-C, SIGTERM and the deadline stop the downloads; a history walk resumes where it stopped.
        let finished = Finished(of: wanted.count)
        let interruption = Interruption { "\(finished.summary); the library keeps what was finished" }
        if let deadline { interruption.deadline(deadline, why: "did not finish within \(deadline) s") }
        // On a terminal, a history walk shows how far back it is, in one line rewritten in place.
        let walk = history && isatty(STDERR_FILENO) == 1 ? WalkLine() : nil
        let reports = refresher.refresh(
            wanted, history: history, cancel: interruption.cancel,
            progress: { report in
                finished.add(report)
                guard let e = report.error else { return }
                // What a stop cut short is named as such, not as the source's fault.
                let why = interruption.cancel.isCancelled && e.hasSuffix("cancelled") ? interruption.reason?.why : nil
                walk?.clear()
                warn("\(report.source.text): \(why ?? e)")
            },
            walked: { walk?.show($0) })
        walk?.clear()
        let failed = reports.filter { $0.error != nil }.count
        let new = reports.reduce(0) { $0 + $1.newPosts }
        let stopped = interruption.end()
        print(Sanitize.visible("refreshed \(reports.count - failed) of \(reports.count): \(new) new post\(new == 1 ? "" : "s")"))
        if let stopped { throw ExitCode(stopped) }
        try LibraryOption.finish(refresher.library)
        if failed > 0 { throw ExitCode(1) }
    }
}

/// The sources a refresh finished, for the line said when a signal cuts it short.
private final class Finished: Sendable {
    private let reports = Mutex<[RefreshReport]>([])
    private let count: Int

    init(of count: Int) { self.count = count }

    func add(_ report: RefreshReport) { reports.withLock { $0.append(report) } }

    var summary: String {
        reports.withLock { reports in
            let new = reports.reduce(0) { $0 + $1.newPosts }
            let done = reports.filter { $0.error == nil }.count
            return "\(done) of \(count) refreshed before the end, \(new) new post\(new == 1 ? "" : "s")"
        }
    }
}

/// `refresh --history` on a terminal: how far back the walks are, one line on stderr rewritten in place.
private final class WalkLine: Sendable {
    /// Pages and posts so far, by source.
    private let walks = Mutex<[Source: (pages: Int, posts: Int)]>([:])

    func show(_ report: RefreshReport) {
        walks.withLock { walks in
            walks[report.source] = (report.pagesWalked, report.newPosts)
            let pages = walks.values.reduce(0) { $0 + $1.pages }
            let posts = walks.values.reduce(0) { $0 + $1.posts }
            var size = winsize()
            let columns = ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 1 ? Int(size.ws_col) - 1 : 79
            let line = Sanitize.visible("walking back: \(pages) page\(pages == 1 ? "" : "s"), \(posts) post\(posts == 1 ? "" : "s") found · \(report.source.text)")
            FileHandle.standardError.write(Data("\r\(line.prefix(columns))\u{1B}[K".utf8))
        }
    }

    /// Leaves the line empty, for what is said next.
    func clear() {
        walks.withLock { _ in FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List followed channels: unread and total posts, last refresh, last error.")

    @OptionGroup var libraryOption: LibraryOption

    func run() throws {
        _ = Interruption { "nothing was printed" }
        // Loading says which lines of the channels file follow nothing.
        let subscriptions = SubscriptionsPath.load().subscriptions
        guard !subscriptions.isEmpty else { return Swift.print(Self.howToFollow(shown: "no channels followed")) }
        let library = LibraryOption.open(path: libraryOption.library)
        Self.print(subscriptions, from: library)
        try LibraryOption.finish(library)
    }

    /// What a newcomer is told beside `shown` (no channels yet, or the sample on screen).
    static func howToFollow(shown: String) -> String {
        "\(shown) — follow one with: feedtui add @NAME (a t.me channel) or feedtui add URL (an RSS/Atom feed)"
    }

    /// The home screen's rows as text, from the library.
    static func print(_ subscriptions: [Subscription], from library: Library) {
        do throws(LibraryError) {
            let rows = try library.followed(subscriptions).map(HomeRow.init)
            Swift.print(PlainText.home(rows, now: Date()).map(Sanitize.visible).joined(separator: "\n"))
        } catch {
            fail(error.description)
        }
    }
}
