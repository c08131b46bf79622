import ArgumentParser
import FeedLibrary
import FeedModel
import Foundation

/// The program's entry (Sources/FeedTUICommand/main.swift): the reader is a library that tests and fuzz targets link.
public func runFeedTUI() {
    FeedTUI.main()
}

struct FeedTUI: ParsableCommand {
    static let version = "0.1.0"
    /// Every download goes through this one fetcher, so its limits (4 at once, 1 per host) hold program-wide.
    static let fetcher = Fetcher(userAgent: "feedtui/\(version)")

    static let configuration = CommandConfiguration(
        commandName: "feedtui",
        abstract: "Browse Telegram-style channels and RSS/Atom feeds in the terminal.",
        // The user's keys when their configuration file reads (the defaults otherwise: help must always work).
        discussion: HelpText.discussion(keys: ((try? Config.load(path: Config.defaultPath(environment: ProcessInfo.processInfo.environment))) ?? Config()).keys),
        version: version,
        subcommands: [
            Browse.self, Stats.self, Export.self, ScreenCommand.self, Add.self, Remove.self, List.self, Refresh.self, ImportOPML.self, ExportOPML.self,
            ConfigCommand.self,
        ],
        defaultSubcommand: Browse.self)
}

/// The configuration file feedtui reads; an error in it ends the program with one line naming file, line, setting.
func loadConfig() -> Config {
    do {
        return try Config.load(path: Config.defaultPath(environment: ProcessInfo.processInfo.environment))
    } catch {
        fail(error.description)
    }
}

extension Format: ExpressibleByArgument {}

/// Options every command that reads a source shares.
struct SourceOptions: ParsableArguments {
    @Option(help: "Source format: auto, page, json, tdesktop, tme or rss.")
    var format: String = "auto"

    func resolvedFormat() throws -> Format? {
        if format == "auto" { return nil }
        guard let f = Format(rawValue: format) else {
            throw ValidationError("unknown format \"\(format)\" (auto, \(Format.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return f
    }

    /// Loads every source (or the bundled sample), each from the library when it holds it (`held`); each channel
    /// with its library key (nil when it was read from the source). A bad source is one line on stderr and the
    /// others still load; when none does, the program ends with the (last) error. A signal (`interruption`) stops
    /// it between sources and cancels a download.
    func load(_ sources: [String], library: Library? = nil, interruption: Interruption? = nil) throws -> [(channel: Channel, key: String?)] {
        let parse = try parser(cancel: interruption?.cancel ?? Cancellation())
        var channels: [(channel: Channel, key: String?)] = []
        var failures: [String] = []
        for path in try paths(sources) {
            try interruption?.check()
            let source = Source(path)
            // A followed channel or an unchanged file: what the library holds, no download or parse.
            if let library, let held = Self.held(source, in: library, fresh: true) {
                channels += held
                continue
            }
            do {
                channels += try parse(path, nil).map { ($0, nil) }
            } catch {
                try interruption?.check()
                // Offline, a channel opened before is still there.
                if let library, let held = Self.held(source, in: library, fresh: false) {
                    channels += held
                } else {
                    failures.append(error.description)
                }
            }
        }
        try interruption?.check()
        for failure in failures.dropLast(channels.isEmpty ? 1 : 0) {
            warn(failure)
        }
        if channels.isEmpty, let last = failures.last { fail(last) }
        return channels
    }

    /// The channels the library holds for a source, with every post: with `fresh`, only a followed one (refreshed
    /// by `feedtui refresh` and the home screen) or a file unchanged since its import; otherwise any it holds.
    static func held(_ source: Source, in library: Library, fresh: Bool) -> [(channel: Channel, key: String?)]? {
        let ids: [Int64]
        if case .file(let path) = source {
            guard let stamp = SourceStamp(path: path), let found = try? library.channels(unchanged: stamp) else { return nil }
            ids = found
        } else {
            guard let (lc, state) = try? library.followedChannel(source), !fresh || state.lastSuccess != nil else { return nil }
            ids = [lc.id]
        }
        let channels = ids.compactMap { id -> (channel: Channel, key: String?)? in
            guard let lc = try? library.channel(id),
                let posts = try? library.window(channel: id, order: .newest, offset: 0, limit: lc.postCount).posts
            else { return nil }
            var ch = lc.channel
            ch.publications = posts
            return (ch, lc.key)
        }
        return channels.isEmpty ? nil : channels
    }

    /// The sources given, or the bundled sample.
    func paths(_ sources: [String]) throws -> [String] {
        sources.isEmpty ? [try Samples.defaultPath()] : sources
    }

    /// Reads one source (a file, `-`, or a URL, downloaded) into channels, handing each post to the stream (if
    /// any) as it is read; to run now or on a background thread. `cancel` stops a download.
    func parser(cancel: Cancellation = Cancellation()) throws -> @Sendable (String, PostStream?) throws(FeedError) -> [Channel] {
        let format = try resolvedFormat()
        return { (path: String, stream: PostStream?) throws(FeedError) -> [Channel] in
            guard case .read(let channels, _) = try FeedTUI.fetcher.read(Source(path), format: format, stream: stream, cancel: cancel)
            else { return [] }
            return channels
        }
    }
}

/// The library the browser reads: `--library`, else the default one. When it cannot be used, a temporary one
/// (deleted on exit) lets feedtui browse anyway, and `notice` says why nothing is kept.
struct OpenedLibrary {
    var library: Library
    var notice: String?
    /// The temporary file to delete on exit, if that is what was opened.
    var temporary: String?
    /// Why the user's marks are not kept: they would go to the temporary library.
    var unkept: String? { temporary == nil ? nil : notice }

    /// `clock`: the run's, which the statistics of what it imports are counted on.
    init(path: String?, oldState: String?, clock: Clock) {
        let env = ProcessInfo.processInfo.environment
        do throws(LibraryError) {
            library = try Library(path: path ?? Library.defaultPath(environment: env), clock: clock)
            notice = library.notice
            // Marks kept by feedtui 0.1 move into the library, once.
            do throws(LibraryError) {
                if let said = try library.importState(from: oldState ?? Library.oldStatePath(environment: env)) { notice = notice ?? said }
            } catch {
                notice = notice ?? error.description
            }
        } catch {
            let opened = Self.temporary(clock: clock)
            library = opened.library
            temporary = opened.path
            notice = "library not kept: \(error)"
        }
    }

    /// A library of its own in the temporary folder, for `screen` and as the fallback above.
    static func temporary(clock: Clock) -> (library: Library, path: String) {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("feedtui-\(getpid())-\(UUID().uuidString).sqlite")
        do {
            return (try Library(path: path, clock: clock), path)
        } catch {
            fail(error.description)
        }
    }

    func close() {
        if let temporary { Self.remove(temporary) }
    }

    /// Deletes a temporary library with its WAL files.
    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// One clear line on stderr and exit code 1: never a trap or a stack trace.
func fail(_ message: String) -> Never {
    warn(message)
    Foundation.exit(1)
}

/// One line on stderr; what it quotes from sources or files reaches the terminal with its controls made visible.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("feedtui: \(Sanitize.visible(message))\n".utf8))
}

enum Samples {
    static let defaultName = "durov-channel-page.txt"

    /// The bundled sample: `$FEEDTUI_SAMPLES`, then `share/feedtui/Samples` beside an installed binary, then the
    /// source tree's `Samples/` above a built one.
    static func defaultPath() throws -> String {
        var candidates: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["FEEDTUI_SAMPLES"] {
            candidates.append(URL(fileURLWithPath: dir))
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("../share/feedtui/Samples"))
        var dir = exe
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("Samples"))
            dir = dir.deletingLastPathComponent()
        }
        for c in candidates {
            let file = c.appendingPathComponent(defaultName).standardizedFileURL.path
            if FileManager.default.fileExists(atPath: file) { return file }
        }
        fail("the bundled sample \(defaultName) was not found (set FEEDTUI_SAMPLES to its folder)")
    }
}

extension Clock.Rule: ExpressibleByArgument {}

/// How dates are shown, for every command that shows them.
struct ClockOption: ParsableArguments {
    @Option(help: "Dates in your local zone (TZ), or in each post's own offset: local or post (default: config.toml's dates, else local).")
    var dates: Clock.Rule?

    /// The option's rule, else the configuration file's.
    func clock(_ config: Config) -> Clock { Clock(rule: dates ?? config.dates) }
}

struct Browse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse", abstract: "Browse sources (the default command); no SOURCE opens the followed channels (the bundled sample when none).")

    @Argument(help: "Files, http(s) URLs, - for standard input.") var sources: [String] = []
    @OptionGroup var options: SourceOptions
    @OptionGroup var dates: ClockOption
    @Flag(help: "No colours (also when NO_COLOR is set).") var noColor = false
    @Option(help: "The library (default $XDG_DATA_HOME/feedtui/library.sqlite).") var library: String?
    @Option(help: "A state database of feedtui 0.1 whose ratings, read marks and bookmarks the library takes in, once (default $XDG_STATE_HOME/feedtui/state.sqlite).")
    var state: String?
    @Flag(name: .customShort("v"), help: "Print the version, as --version does.") var version = false
    /// For `make install`: reads the page `swift package generate-manual` made from these command definitions and
    /// prints it with the KEYS, ENVIRONMENT and FILES sections. Not for users, so in no help.
    @Flag(help: .private) var finishManual = false

    func run() throws {
        if version {
            print(FeedTUI.version)
            return
        }
        if finishManual {
            let generated = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            print(HelpText.manual(from: generated, keys: .standard), terminator: "")
            return
        }
        if let word = Self.mistypedCommand(sources) {
            warn("unknown command or file: \(word) (commands: \(Self.commandNames); feedtui --help)")
            throw ExitCode(64)
        }
        let config = loadConfig()
        // No source and followed channels: the home screen (or, not on a terminal, the list as text).
        let subscriptions = sources.isEmpty ? SubscriptionsPath.load().subscriptions : []
        let followed = !subscriptions.isEmpty
        // Keys come from standard input, or from the terminal when standard input is the feed (`-`).
        let keyboard = isatty(STDIN_FILENO) == 1 || (sources.contains("-") && FileManager.default.isReadableFile(atPath: "/dev/tty"))
        guard isatty(STDOUT_FILENO) == 1, keyboard else {
            let interruption = Interruption { "nothing was printed" }
            if followed {
                let opened = LibraryOption.open(path: library)
                List.print(subscriptions, from: opened)
                return try LibraryOption.finish(opened)
            }
            let opened = LibraryOption.existing(path: library)
            let channels = try options.load(sources, library: opened, interruption: interruption)
            // Not a terminal: print the post list as plain text.
            interruption.done { "the list was cut short" }
            for (ch, _) in channels {
                for line in PlainText.postList(ch, clock: dates.clock(config), order: config.sort) { print(line) }
            }
            return try LibraryOption.finish(opened)
        }
        let env = ProcessInfo.processInfo.environment
        if let problem = CursesBackend.unusableTerminal(named: env["TERM"]) { fail(problem) }
        let useColor = !noColor && (env["NO_COLOR"] ?? "").isEmpty
        // Without a usable library feedtui still browses; the status line says why nothing is kept.
        let clock = dates.clock(config)
        let opened = OpenedLibrary(path: library, oldState: state, clock: clock)
        defer { opened.close() }
        let filters = config.filters(subscriptions: SubscriptionsPath.current)
        let refresher = Refresher(
            library: opened.library, fetcher: FeedTUI.fetcher, format: try options.resolvedFormat(), filters: filters)
        let named = try options.paths(sources)
        // t.me channels and feeds alone are refreshed into the library and opened from it, as from the home screen.
        let channelsOnly = try options.resolvedFormat() == nil && named.allSatisfy { Source($0).url() != nil }
        let runner = EffectRunner(
            library: opened.library, refresher: refresher,
            home: followed ? .subscriptions(path: SubscriptionsPath.current) : .named(channelsOnly ? named : []), sort: config.sort,
            unkept: opened.unkept, filters: filters, pictures: .configured(config))
        let opening: Runtime.Opening =
            if followed {
                .home(refresh: config.refreshAtStart, open: nil)
            } else if channelsOnly, let first = named.first {
                .home(refresh: true, open: first)
            } else {
                // Importing runs beside the event loop: a large file shows progress and q cancels it.
                .files(BackgroundLoad(sources: named, runner: runner, parse: try options.parser()))
            }
        // The first run shows a sample: said, with how to follow a channel of one's own.
        let sample = sources.isEmpty && !followed ? List.howToFollow(shown: "a bundled sample channel") : nil
        let notice = [opened.notice, sample].compactMap { $0 }.joined(separator: " · ")
        switch Runtime.run(opening, runner: runner, useColor: useColor, config: config, clock: clock, notice: notice.isEmpty ? nil : notice) {
        case .exit(0):
            // A library set aside was said on the screen; said again where it stays, with a status a script sees.
            if opened.temporary == nil, let aside = opened.library.notice {
                warn(aside)
                throw ExitCode(1)
            }
            return
        case .exit(let code): throw ExitCode(code)
        case .failed(let message), .unsaved(let message): fail(message)
        }
    }
}

extension Browse {
    static let commandNames = FeedTUI.configuration.subcommands.map { $0._commandName }
        .filter { !$0.isEmpty && $0 != "browse" }.joined(separator: ", ")

    /// A lone bare word that is no file and no channel (`feedtui lsit`) is a command mistyped, not a missing feed.
    static func mistypedCommand(_ sources: [String]) -> String? {
        guard sources.count == 1, let word = sources.first, word != "-", Source(word).url() == nil,
            word.allSatisfy({ $0.isLetter || $0 == "-" }), !FileManager.default.fileExists(atPath: word)
        else { return nil }
        return word
    }
}

/// The sources `stats` and `export` read, with the format option.
struct SourceList: ParsableArguments {
    @Argument(help: "Files, http(s) URLs, or - for standard input.") var sources: [String]
    @OptionGroup var options: SourceOptions

    func validate() throws {
        if sources.isEmpty { throw ValidationError("give at least one source") }
    }

    func load(library: Library?, interruption: Interruption) throws -> [(channel: Channel, key: String?)] {
        try options.load(sources, library: library, interruption: interruption)
    }
}

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the channel statistics and exit.")

    @OptionGroup var input: SourceList
    @OptionGroup var dates: ClockOption
    @Flag(help: "Print JSON instead of aligned text.") var json = false
    @OptionGroup var libraryOption: LibraryOption

    func run() throws {
        let interruption = Interruption { "nothing was printed" }
        let config = loadConfig()
        let clock = dates.clock(config)
        let library = libraryOption.existing()
        // Channels the library holds come from it (every post, their view history), with no download.
        let loaded = try input.load(library: library, interruption: interruption)
        // Posts config.toml's ignore rules hide are left out, and counted.
        let context = config.filters(subscriptions: SubscriptionsPath.current)()
        let kept = loaded.map { config.kept($0.channel, key: $0.key, library: library, context: context) }
        let channels = kept.map(\.channel)
        let reach = loaded.map { ch, key in
            key.flatMap { try? library?.reach(channel: $0, subscribers: ch.subscribers?.value) }
        }
        // Counting a large channel takes a while: a signal meanwhile prints nothing.
        let text =
            json
            ? StatsJSON.encode(channels, clock: clock, reach: reach, ignored: kept.map(\.ignored))
            : channels.enumerated().map { i, ch in
                PlainText.statistics(ch, clock: clock, reach: reach[i], ignored: kept[i].ignored).map(Sanitize.visible).joined(separator: "\n")
            }.joined(separator: "\n\n")
        try interruption.check()
        print(text)
        try LibraryOption.finish(library)
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the channel in feedtui's native JSON format.")

    @OptionGroup var input: SourceList
    @Flag(help: "Native JSON (the only export format, and the default).") var json = false
    @OptionGroup var libraryOption: LibraryOption

    func run() throws {
        let interruption = Interruption { "nothing was printed" }
        let library = libraryOption.existing()
        let channels = try input.load(library: library, interruption: interruption).map(\.channel)
        let json = NativeJSON.encode(channels)
        try interruption.check()
        // What the export leaves out, or read past errors to keep, is said: the JSON holds only what was read.
        let name = input.sources.count == 1 && channels.count == 1 ? input.sources[0] : nil
        for channel in channels {
            for note in [channel.skipped.summary, channel.notice].compactMap({ $0 }) {
                warn("\(name ?? channel.title): \(note)")
            }
        }
        interruption.done { "the export was cut short" }
        FileHandle.standardOutput.write(json)
        try LibraryOption.finish(library)
    }
}

struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen", abstract: "Render the screen after some keys as plain text, without a terminal.")

    @Argument(help: "Files, or - for standard input.") var sources: [String]
    @OptionGroup var options: SourceOptions
    @OptionGroup var dates: ClockOption
    @Option(help: "Screen size as COLSxROWS.") var size: String = "120x40"
    @Option(help: "Keys to press first, separated by spaces: j k Enter Esc Tab PgDn C-l …") var keys: String = ""

    func run() throws {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0, parts[0] <= 1000, parts[1] <= 1000 else {
            throw ValidationError("--size takes COLSxROWS, such as 120x40")
        }
        var keyList: [Key] = []
        for name in keys.split(separator: " ") {
            guard let key = Key(name: String(name)) else { throw ValidationError("unknown key \"\(name)\"") }
            keyList.append(key)
        }
        let config = loadConfig()
        let clock = dates.clock(config)
        // A library of its own: rendering a screen never touches the user's.
        let (library, path) = OpenedLibrary.temporary(clock: clock)
        defer { OpenedLibrary.remove(path) }
        let (views, failures) = try ScreenCommand.views(sources, options: options, library: library, sort: config.sort)
        var state = AppState(
            channels: views, size: Size(width: parts[0], height: parts[1]), useColor: false, config: config, clock: clock)
        // Pictures as a terminal with 256 colours draws them, unless NO_COLOR or the settings say no.
        state.pictures.enabled = config.images == .auto && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        // The same runner as the terminal's, every answer given before the next key.
        let runner = EffectRunner(library: library, sort: config.sort, inline: true, pictures: .configured(config))
        runner.drive(&state, .resize(state.size))
        // A source that could not be read is said in the status line, as the terminal's background load says it.
        if !failures.isEmpty { runner.drive(&state, .notice(failures.joined(separator: "; "))) }
        for key in keyList { runner.drive(&state, .key(key)) }
        print(Screen.render(state).lines.joined(separator: "\n"))
    }

    /// Imports each source into a library, under its identity, and opens its channels as the browser does; the
    /// sources that could not be read are said on stderr and returned (none opened: the last one ends the program).
    static func views(_ sources: [String], options: SourceOptions, library: Library, sort: PostOrder) throws
        -> (views: [ChannelView], failures: [String])
    {
        let parse = try options.parser()
        var views: [ChannelView] = []
        var failures: [String] = []
        for path in try options.paths(sources) {
            do {
                views += try library.importChannels(try parse(path, nil), from: Source(path)).compactMap { id throws(LibraryError) in
                    try ChannelView.opened(id, library: library, sort: sort)
                }
            } catch {
                failures.append("\(error)")
            }
        }
        if views.isEmpty, let last = failures.last {
            failures.dropLast().forEach(warn)
            fail(last)
        }
        failures.forEach(warn)
        return (views, failures)
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the default configuration file, or check one.")

    @Flag(name: .customLong("default"), help: "Print the whole default file, with a comment on every setting.") var printDefault = false
    @Flag(help: "Check a configuration file: \"FILE: ok\", or one line with the file, line, setting and problem.") var check = false
    @Argument(help: "The file to check (default $XDG_CONFIG_HOME/feedtui/config.toml).") var file: String?

    func validate() throws {
        guard printDefault != check else { throw ValidationError("give --default or --check") }
        if printDefault, file != nil { throw ValidationError("--default takes no file") }
    }

    func run() throws {
        if printDefault {
            print(Config.defaultFile, terminator: "")
            return
        }
        let path = file ?? Config.defaultPath(environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if file != nil { fail("\(path): no such file") }
            print("\(path): no such file; feedtui uses the defaults")
            return
        }
        do {
            _ = try Config.load(path: path)
        } catch {
            fail(error.description)
        }
        print("\(path): ok")
    }
}
