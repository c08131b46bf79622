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

    public init(
        library: Library, fetcher: Fetcher, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.library = library
        self.fetcher = fetcher
        self.environment = environment
        self.now = now
    }

    /// Refreshes every source, several at once (the fetcher keeps to 4 downloads and 1 per host); `progress`
    /// is called from the working threads after each source.
    public func refresh(
        _ sources: [Source], history: Bool = false, cancel: Cancellation = Cancellation(),
        progress: @escaping @Sendable (RefreshReport) -> Void = { _ in }
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
                    let report = self.refresh(sources[i], history: history, cancel: cancel)
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

    /// Refreshes one source: the newest page (and with `history`, every older page down to the first post,
    /// resuming where an interrupted walk stopped).
    public func refresh(_ source: Source, history: Bool = false, cancel: Cancellation = Cancellation()) -> RefreshReport {
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
            try fetchNewest(source, &state, &report, cancel: cancel)
            if history, case .telegram = source { try walkBack(source, &state, &report, cancel: cancel) }
            state.lastSuccess = now()
            state.lastError = nil
        } catch {
            state.lastError = Self.line(error)
            report.error = Self.line(error)
        }
        do {
            try library.saveRefreshState(state)
        } catch {
            report.error = report.error ?? error.description
        }
        return report
    }

    /// The page before post `before` of a channel (older posts, for scrolling past the oldest one).
    public func loadOlder(_ source: Source, before: Int, cancel: Cancellation = Cancellation()) -> RefreshReport {
        var report = RefreshReport(source: source)
        do throws(FeedError) {
            guard let url = source.url(before: before, environment: environment) else { return report }
            guard case .fetched(let data, _) = try fetcher.fetch(url, cancel: cancel) else { return report }
            let channels = try FeedLoader.load(data: data, format: .tme)
            report.channelKey = channels.first.map(Library.key(of:))
            report.newPosts = try store(channels, &report)
        } catch {
            report.error = Self.line(error)
        }
        return report
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
        let channels: [Channel]
        var stamp: SourceStamp?
        if let url = source.url(environment: environment) {
            switch try fetcher.fetch(url, validators: state.validators, cancel: cancel) {
            case .notModified:
                report.notModified = true
                return
            case .fetched(let data, let validators):
                channels = try FeedLoader.load(data: data, format: nil).map { ch in
                    var ch = ch
                    if ch.url == nil, case .feed(let u) = source { ch.url = u }
                    return ch
                }
                state.validators = validators
            }
        } else {
            guard case .file(let path) = source else { return }
            // A file is imported again only when it changed (size, time, sampled hash: the library's stamp).
            stamp = SourceStamp(path: path)
            if let stamp, (try? library.channels(unchanged: stamp)) != nil {
                report.notModified = true
                return
            }
            channels = try FeedLoader.load(path: path)
        }
        report.newPosts += try store(channels, &report, from: stamp)
        state.channelKey = report.channelKey
    }

    /// `?before=` pages down to the first post; the state is saved after each page, so an interrupted walk resumes.
    private func walkBack(_ source: Source, _ state: inout RefreshState, _ report: inout RefreshReport, cancel: Cancellation)
        throws(FeedError)
    {
        guard !state.historyComplete else { return }
        var before = state.historyBefore
        if before == nil, let key = report.channelKey { before = try oldestID(key) }
        while let b = before, !cancel.isCancelled {
            guard let url = source.url(before: b, environment: environment),
                case .fetched(let data, _) = try fetcher.fetch(url, cancel: cancel)
            else { return }
            let channels = try FeedLoader.load(data: data, format: .tme)
            let ids = channels.flatMap(\.publications).compactMap { Source.postNumber($0.id) }.filter { $0 < b }
            report.newPosts += try store(channels, &report)
            if let oldest = ids.min() {
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
        }
        if cancel.isCancelled { throw FeedError("cancelled") }
    }

    /// Imports the channels and records their posts' counters; returns how many posts are new to the library.
    private func store(_ channels: [Channel], _ report: inout RefreshReport, from stamp: SourceStamp? = nil) throws(FeedError) -> Int {
        do {
            let before = try counts()
            let time = now()
            try library.importChannels(channels, from: stamp)
            for ch in channels {
                try library.recordSamples(channel: Library.key(of: ch), posts: ch.publications, at: time)
            }
            if report.channelKey == nil { report.channelKey = channels.first.map(Library.key(of:)) }
            let after = try counts()
            return channels.map(Library.key(of:)).reduce(0) { $0 + max(0, (after[$1] ?? 0) - (before[$1] ?? 0)) }
        } catch {
            throw FeedError(error.description)
        }
    }

    private func counts() throws(LibraryError) -> [String: Int] {
        Dictionary(try library.channels().map { ($0.key, $0.postCount) }, uniquingKeysWith: { a, _ in a })
    }

    private func oldestID(_ key: String) throws(FeedError) -> Int? {
        do {
            guard let ch = try library.channels().first(where: { $0.key == key }) else { return nil }
            return try library.window(channel: ch.id, order: .oldest, offset: 0, limit: 1).posts.first.flatMap { Source.postNumber($0.id) }
        } catch {
            throw FeedError(error.description)
        }
    }
}
