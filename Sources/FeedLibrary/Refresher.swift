import FeedModel
import Foundation
import Synchronization

/// Brings followed sources up to date in the library: downloads (conditional GET), imports, records each post's
/// counters with the time, and keeps each source's refresh state. Every method blocks its thread: the program
/// runs them beside its event loop. Failures never touch what the library holds.
public final class Refresher: Sendable {
    public let library: Library
    public let fetcher: Fetcher
    let environment: [String: String]
    /// The time a refresh is recorded at (a test's own, in tests).
    let now: @Sendable () -> Date
    /// Pages one refresh reads back to the newest post held (or into a gap) before it leaves the rest for the next
    /// refresh: 500 pages of about 20 posts, a channel unread for a long time.
    let pageLimit: Int
    /// Pages one `refresh --history` reads (100 000 posts of 20 a page) before it stops; the next one resumes.
    let historyPageLimit: Int
    /// The format sources are read in (`--format`); nil: detected.
    let format: Format?
    /// What query channels are filled with: the channels' tags and the ignore rules, read when they are filled.
    let filters: @Sendable () -> FilterContext

    public init(
        library: Library, fetcher: Fetcher, format: Format? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        pageLimit: Int = 500, historyPageLimit: Int = 5_000, now: @escaping @Sendable () -> Date = Date.init,
        filters: @escaping @Sendable () -> FilterContext = { FilterContext() }
    ) {
        self.filters = filters
        self.library = library
        self.fetcher = fetcher
        self.format = format
        self.environment = environment
        self.pageLimit = pageLimit
        self.historyPageLimit = historyPageLimit
        self.now = now
    }

    /// Refreshes every source, several at once (the fetcher keeps to 4 downloads and 1 per host); `progress`
    /// is called from the working threads after each source, `walked` after each page of a history walk.
    public func refresh(
        _ sources: [Source], history: Bool = false, cancel: Cancellation = Cancellation(),
        progress: @escaping @Sendable (RefreshReport) -> Void = { _ in }, walked: @escaping @Sendable (RefreshReport) -> Void = { _ in }
    ) -> [RefreshReport] {
        // Query channels are filled last, from what the others brought.
        let isQuery = sources.map { if case .query = $0 { true } else { false } }
        let fetched = fetch(
            sources.indices.filter { !isQuery[$0] }.map { sources[$0] }, history: history, cancel: cancel, progress: progress, walked: walked)
        var reports = fetched.makeIterator()
        let all = sources.map { source in
            guard case .query = source else { return reports.next() ?? RefreshReport(source: source) }
            let report = refresh(source, cancel: cancel)
            progress(report)
            return report
        }
        // Copies replaced now, and those of imports killed before, go once every source is done (not when cancelled:
        // a signal ends the program within a second).
        if !cancel.isCancelled { library.collectGarbage() }
        return all
    }

    private func fetch(
        _ sources: [Source], history: Bool, cancel: Cancellation, progress: @escaping @Sendable (RefreshReport) -> Void,
        walked: @escaping @Sendable (RefreshReport) -> Void
    ) -> [RefreshReport] {
        let reports = Mutex([RefreshReport?](repeating: nil, count: sources.count))
        let next = Mutex(0)
        let group = DispatchGroup()
        for _ in 0..<min(sources.count, fetcher.limits.maxConcurrent) {
            group.enter()
            let thread = Thread {
                while true {
                    let i = next.withLock { n -> Int in
                        defer { n += 1 }
                        return n
                    }
                    guard i < sources.count else { break }
                    let report = self.refresh(sources[i], history: history, cancel: cancel, walked: walked)
                    reports.withLock { $0[i] = report }
                    progress(report)
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return reports.withLock { $0 }.enumerated().map { i, r in
            r ?? { var r = RefreshReport(source: sources[i]); r.error = "cancelled"; return r }()
        }
    }

    /// Refreshes one source. A t.me channel is read from its newest page back to the newest post the library holds
    /// (`?before=` pages), so that no post is skipped however many arrived; then gaps left by a refresh cut short
    /// are filled; with `history`, every older page down to the first post (resuming where a walk stopped), and
    /// `walked` hears of each. A refresh cancelled (a signal, a quit, a deadline) is not recorded as the source's
    /// error: the last one stays.
    public func refresh(
        _ source: Source, history: Bool = false, cancel: Cancellation = Cancellation(),
        walked: @Sendable (RefreshReport) -> Void = { _ in }
    ) -> RefreshReport {
        var report = RefreshReport(source: source)
        var state: RefreshState
        do {
            state = try library.refreshState(source)
        } catch {
            report.error = error.description
            return report
        }
        report.channelKey = state.channelKey
        state.lastAttempt = now()
        do throws(FeedError) {
            if case .query(let name, let filter) = source {
                try fill(source, name: name, filter: filter, &state)
            } else {
                try fetchNewest(source, &state, &report, cancel: cancel)
            }
            if case .telegram = source {
                try fillGaps(source, &state, &report, cancel: cancel)
                if history { try walkBack(source, &state, &report, cancel: cancel, walked: walked) }
            }
            state.lastSuccess = now()
            state.lastError = nil
        } catch {
            if !cancel.isCancelled { state.lastError = Self.line(error) }
            report.error = Self.line(error)
        }
        hideIgnored(source, &report)
        report.gaps = state.gaps
        do {
            try library.saveRefreshState(state)
        } catch {
            report.error = report.error ?? error.description
        }
        return report
    }

    /// Fills a query channel from the library as it now is (what the other sources just brought included).
    private func fill(_ source: Source, name: String, filter: String, _ state: inout RefreshState) throws(FeedError) {
        let parsed: Filter
        do throws(FilterError) {
            parsed = try Filter.parse(filter)
        } catch {
            throw FeedError(error.description)
        }
        do throws(LibraryError) {
            try library.fillQuery(key: source.identity, title: name, filter: parsed, context: filters())
        } catch {
            throw FeedError(error.description)
        }
        state.channelKey = source.identity
    }

    /// The page before post `before` of a channel (older posts, for scrolling past the oldest one); nil: before the
    /// oldest post the library holds.
    public func loadOlder(_ source: Source, before: Int?, cancel: Cancellation = Cancellation()) -> RefreshReport {
        var report = RefreshReport(source: source)
        report.channelKey = source.identity
        do throws(FeedError) {
            var oldest = before
            if oldest == nil {
                do {
                    oldest = try library.numbers(atStartOf: .oldest, key: source.identity).min()
                } catch {
                    throw FeedError(error.description)
                }
            }
            guard let oldest else { return report }
            _ = try page(source, before: oldest, &report, cancel: cancel)
        } catch {
            report.error = Self.line(error)
        }
        if report.newPosts > 0 { hideIgnored(source, &report) }
        return report
    }

    /// What config.toml's ignore rules hide is hidden from what came in too: the channel's `shown:` selection is
    /// filled again, whichever channel the screen shows.
    private func hideIgnored(_ source: Source, _ report: inout RefreshReport) {
        do throws(LibraryError) {
            if let (channel, _) = try library.followedChannel(source) { _ = try library.shown(channel.id, context: filters()) }
        } catch {
            report.error = report.error ?? error.description
        }
    }

    /// The error without its URL: the report names the source already.
    static func line(_ error: FeedError) -> String {
        var e = error
        e.source = nil
        return e.description
    }

    private func fetchNewest(_ source: Source, _ state: inout RefreshState, _ report: inout RefreshReport, cancel: Cancellation)
        throws(FeedError)
    {
        if case .file(let path) = source, let stamp = SourceStamp(path: path) {
            // A file is imported again only when it changed (size, time, sampled hash: the library's stamp), as it
            // is read: however large, its posts are never all held.
            if (try? library.channels(unchanged: stamp)) != nil {
                report.notModified = true
            } else {
                report.newPosts += try importFile(source, stamp, &report, cancel: cancel)
                state.channelKey = report.channelKey
            }
            return
        }
        guard case .read(let channels, let validators) = try fetcher.read(
            source, format: format, validators: state.validators, environment: environment, cancel: cancel)
        else {
            report.notModified = true
            return
        }
        state.validators = validators
        var held: Int?
        if case .telegram = source {
            do {
                held = try library.numbers(atStartOf: .newest, key: source.identity).max()
            } catch {
                throw FeedError(error.description)
            }
        }
        report.newPosts += try store(channels, from: source, &report)
        state.channelKey = report.channelKey
        // A channel held already: read back to its newest post, so that nothing between is skipped.
        guard let held, let oldest = Self.numbers(channels).min(), oldest > held else { return }
        try fill(Gap(older: held, newer: oldest), source, &state, &report, cancel: cancel)
    }

    /// Reads the pages before `gap.newer` until one reaches `gap.older`. Cut short (the page limit, an error, a
    /// cancel), what is still missing is kept in `state.gaps` for the next refresh, and the error is thrown.
    private func fill(_ gap: Gap, _ source: Source, _ state: inout RefreshState, _ report: inout RefreshReport, cancel: Cancellation)
        throws(FeedError)
    {
        var missing = gap
        var pages = 0
        do throws(FeedError) {
            while missing.newer > missing.older + 1 {
                if cancel.isCancelled { throw FeedError("cancelled") }
                if pages >= pageLimit {
                    throw FeedError("stopped after \(pageLimit) older pages; the next refresh reads on")
                }
                pages += 1
                guard let oldest = try page(source, before: missing.newer, &report, allNew: true, cancel: cancel) else {
                    // Nothing before: the channel starts there (or the posts between were deleted).
                    break
                }
                missing.newer = oldest
            }
        } catch {
            state.gaps.append(missing)
            throw error
        }
    }

    /// Fills the gaps earlier refreshes left, newest first.
    private func fillGaps(_ source: Source, _ state: inout RefreshState, _ report: inout RefreshReport, cancel: Cancellation)
        throws(FeedError)
    {
        // One that cannot be filled now goes back (what is left of it), with the others, for the next time.
        while let gap = state.gaps.popLast() {
            try fill(gap, source, &state, &report, cancel: cancel)
        }
    }

    /// Reads and stores the page before post `before`; the smallest message number on it below `before`, nil when
    /// there is none (the channel starts there).
    /// `allNew`: the page is of a gap, whose posts are news (see `Library.merge`).
    private func page(_ source: Source, before: Int, _ report: inout RefreshReport, allNew: Bool = false, cancel: Cancellation)
        throws(FeedError) -> Int?
    {
        guard case .telegram = source,
            case .read(let channels, _) = try fetcher.read(source, before: before, environment: environment, cancel: cancel)
        else { return nil }
        report.newPosts += try store(channels, from: source, &report, allNew: allNew)
        return Self.numbers(channels).filter { $0 < before }.min()
    }

    /// `?before=` pages down to the first post; the state is saved after each page, so an interrupted walk resumes.
    private func walkBack(
        _ source: Source, _ state: inout RefreshState, _ report: inout RefreshReport, cancel: Cancellation,
        walked: (RefreshReport) -> Void
    ) throws(FeedError) {
        guard !state.historyComplete else { return }
        var before = state.historyBefore
        if before == nil {
            do {
                before = try library.numbers(atStartOf: .oldest, key: source.identity).min()
            } catch {
                throw FeedError(error.description)
            }
        }
        while let b = before, !cancel.isCancelled {
            // A source whose pages go back for ever (or a very long history) ends the walk here; the next resumes.
            if report.pagesWalked >= historyPageLimit {
                throw FeedError("stopped after \(historyPageLimit) older pages; refresh --history reads on from post \(b)")
            }
            let oldest = try page(source, before: b, &report, cancel: cancel)
            report.pagesWalked += 1
            if let oldest {
                before = oldest
                state.historyBefore = oldest
            } else {
                before = nil
                state.historyComplete = true
            }
            // Saved after each page: an interrupted walk resumes here.
            do {
                try library.saveRefreshState(state)
            } catch {
                throw FeedError(error.description)
            }
            walked(report)
        }
        if cancel.isCancelled { throw FeedError("cancelled") }
    }

    private static func numbers(_ channels: [Channel]) -> [Int] {
        channels.flatMap(\.publications).compactMap { Source.postNumber($0.id) }
    }

    /// Brings the channels read from `source` into the library, under the source's identity, and records their
    /// posts' counters; returns how many posts are new to the library. A single channel the library holds already
    /// is merged in place (what changed is written); otherwise the source is imported whole.
    private func store(_ channels: [Channel], from source: Source, _ report: inout RefreshReport, allNew: Bool = false) throws(FeedError) -> Int {
        do {
            let time = now()
            let keys = channels.map { source.key(of: $0, among: channels.count) }
            let added: Int
            if channels.count == 1, let merged = try library.merge(channels[0], key: source.identity, allNew: allNew) {
                try library.recordSamples(channel: keys[0], posts: channels[0].publications, at: time)
                added = merged.added
            } else {
                added = try self.added(to: keys) { () throws(LibraryError) in try library.importChannels(channels, from: source, samplesAt: time) }
            }
            if report.channelKey == nil { report.channelKey = keys.first }
            return added
        } catch {
            throw FeedError(error.description)
        }
    }

    /// Imports a file into the library as it is read; the posts it added.
    private func importFile(_ source: Source, _ stamp: SourceStamp, _ report: inout RefreshReport, cancel: Cancellation) throws(FeedError) -> Int {
        var keys: [String] = []
        let read = { (stream: PostStream) throws(FeedError) -> [Channel] in
            guard case .read(let channels, _) = try self.fetcher.read(source, format: self.format, stream: stream, environment: self.environment)
            else { return [] }
            keys = channels.map { source.key(of: $0, among: channels.count) }
            return channels
        }
        do {
            let added = try added(to: keys) { () throws(LibraryError) in
                try library.importSource(source, from: stamp, samplesAt: now(), read: read) { _ in !cancel.isCancelled }
            }
            if report.channelKey == nil { report.channelKey = keys.first }
            return added
        } catch {
            throw FeedError(error.description)
        }
    }

    /// How many posts `importing` added to the channels `keys` name.
    private func added(to keys: @autoclosure () -> [String], _ importing: () throws(LibraryError) -> Void) throws(LibraryError) -> Int {
        let before = try counts()
        try importing()
        let after = try counts()
        return keys().reduce(0) { $0 + max(0, (after[$1] ?? 0) - (before[$1] ?? 0)) }
    }

    private func counts() throws(LibraryError) -> [String: Int] {
        Dictionary(try library.channels().map { ($0.key, $0.postCount) }, uniquingKeysWith: { a, _ in a })
    }
}
