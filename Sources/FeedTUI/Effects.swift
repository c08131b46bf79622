import FeedLibrary
import FeedModel
import Foundation
import Synchronization

/// Carries out every effect the reducer asks for, each where it belongs, and brings every answer back as an event
/// through one inbox that the event loop drains. The one `switch` in `run` says for each effect where it runs:
/// - in place, on the loop: index reads bounded by the window (a window of posts, positions by id, a search's
///   first matches);
/// - on the library worker, one serial queue: every write and every scan (a search's whole answer among them);
/// - on the network, a thread per job, cancelled on quit: refreshes and older pages;
/// - on the terminal, on the loop: redraw, open a link (handing the terminal to a terminal browser).
final class EffectRunner: Sendable {
    /// The sources the home screen lists.
    enum HomeSources: Sendable {
        /// The subscriptions file (`feedtui` with no source).
        case subscriptions(path: String)
        /// The t.me channels and feeds named on the command line.
        case named([String])
    }

    let library: Library
    /// nil where nothing goes to the network (`feedtui screen`, tests).
    let refresher: Refresher?
    let home: HomeSources
    /// Where pictures come from; nil: none are drawn.
    let pictures: PictureStore?
    /// The order a channel opens in (the configuration's).
    let sort: PostOrder
    /// The channels' tags and the ignore rules: what query channels hold and what no list or search shows.
    let filters: @Sendable () -> FilterContext
    /// Why the user's marks are not kept (the library is a temporary one, deleted on exit): every save fails with it.
    let unkept: String?
    /// `feedtui screen` and the tests: the worker's jobs run at once on the caller's thread.
    let inline: Bool
    /// Cancels every download when the program quits.
    let cancel = Cancellation()
    private let inbox = Mutex<[Event]>([])
    private let queue = DispatchQueue(label: "feedtui.library")
    /// Quitting: reads still queued are dropped; the writes queued before still run.
    private let stopping = Atomic<Bool>(false)
    /// Searches asked for so far: the whole answer of one superseded (or of any, on quitting) is not sought, or is
    /// abandoned where it has got to.
    private let searches = Atomic<Int>(0)
    /// Jobs on the worker whose answers have not come yet: the loop looks at the inbox more often meanwhile.
    private let queuedJobs = Atomic<Int>(0)
    var waiting: Bool { queuedJobs.load(ordering: .relaxed) > 0 }

    /// Pictures are drawn one at a time, so memory holds one decoded picture.
    private let pictureQueue = DispatchQueue(label: "feedtui.pictures")

    init(
        library: Library, refresher: Refresher? = nil, home: HomeSources = .named([]), sort: PostOrder = .newest, unkept: String? = nil,
        inline: Bool = false, filters: @escaping @Sendable () -> FilterContext = { FilterContext() }, pictures: PictureStore? = nil
    ) {
        self.filters = filters
        self.library = library
        self.pictures = pictures
        self.refresher = refresher
        self.home = home
        self.sort = sort
        self.unkept = unkept
        self.inline = inline
    }

    /// An answer from beside the loop (the worker, the network, a background load).
    func post(_ event: Event) { inbox.withLock { $0.append(event) } }

    /// The answers that arrived since the last call, in the order they came.
    func drain() -> [Event] {
        inbox.withLock { events in
            defer { events = [] }
            return events
        }
    }

    /// Stops the downloads and waits for the worker's jobs queued so far (the saves of a quit).
    func finish() {
        stopping.store(true, ordering: .relaxed)
        cancel.cancel()
        queue.sync {}
    }

    /// Reduces `event`, then carries out its effects (and those of the answers given in place); returns every
    /// effect not answered in place: the loop redraws from scratch after `.redraw` and `.openURL`, tests look at
    /// the saves. Inline, the worker's answers are reduced before it returns. `typingOn`: the next event edits the
    /// query of an open search prompt, which asks again: this query's search is skipped.
    @discardableResult
    func drive(_ state: inout AppState, _ event: Event, terminal: CursesBackend? = nil, typingOn: Bool = false) -> [Effect] {
        var pending = reduce(&state, event)
        if typingOn, state.prompt == .search || state.prompt == .searchLibrary {
            pending.removeAll { if case .search = $0 { true } else if case .searchLibrary = $0 { true } else { false } }
        }
        var rest: [Effect] = []
        // An answer that does not satisfy the reducer (a post that cannot be read) must not loop.
        var answers = 0
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if let answer = run(effect, terminal: terminal, browser: state.config.browser) {
                answers += 1
                if answers <= 16 { pending += reduce(&state, answer) }
            } else {
                rest.append(effect)
            }
            if inline { for answer in drain() { pending += reduce(&state, answer) } }
        }
        return rest
    }

    /// Carries out one effect where it belongs; returns the answer of an effect carried out in place.
    func run(_ effect: Effect, terminal: CursesBackend?, browser: String?) -> Event? {
        switch effect {
        // In place: index lookups bounded by the window.
        case .loadWindow(let channel, let key, let order, let offset, let limit):
            return inPlace { () throws(LibraryError) in
                let window = try library.window(channel: channel, order: order, offset: offset, limit: limit)
                return .window(channel: channel, window, read: try library.read(channel: key, among: window.posts.map(\.id)))
            }
        case .locate(let channel, let posts, let order, let goal):
            return inPlace { () throws(LibraryError) in
                .located(channel: channel, order: order, goal: goal, positions: try library.positions(of: Set(posts), channel: channel, order: order))
            }
        case .search(let channel, let query, let order, let from):
            // The first matches after `from` (every one when the index gives few posts to look at) in place, the
            // whole answer from the worker unless another search has been asked for meanwhile or q quits.
            let asked = searches.add(1, ordering: .relaxed).newValue
            return inPlace { () throws(LibraryError) in
                let first = try library.firstMatches(channel: channel, query: query, order: order, from: from)
                if !first.complete {
                    onWorker { library throws(LibraryError) in
                        let wanted = { self.searches.load(ordering: .relaxed) == asked && !self.stopping.load(ordering: .relaxed) }
                        do throws(LibraryError) {
                            guard wanted() else { return nil }
                            let matches = try library.search(channel: channel, query: query, order: order, while: wanted)
                            return .searched(channel: channel, query: query, order: order, matches: matches, complete: true)
                        } catch where !wanted() {
                            // Abandoned for a newer search, or to quit.
                            return nil
                        }
                    }
                }
                return .searched(channel: channel, query: query, order: order, matches: first.matches, complete: first.complete)
            }

        // On the library worker: scans and every write.
        case .searchLibrary(let query, let limit):
            onWorker { library throws(LibraryError) in
                let (matches, total) = try library.searchAll(query: query, limit: limit, hiding: self.filters())
                return .librarySearched(query: query, matches: matches, total: total)
            }
        case .findUnread(let channel, let key, let order, let after):
            onWorker { library throws(LibraryError) in
                let (position, unread) = try library.nextUnread(channel: channel, key: key, order: order, after: after)
                return .located(channel: channel, order: order, goal: .nextUnread(unread: unread), positions: position.map { [$0] } ?? [])
            }
        case .countStatistics(let channel, let clock):
            queued { [library] in
                .statisticsCounted(channel: channel, Result { () throws(LibraryError) in try library.countStatistics(channel: channel, clock: clock) })
            }
        case .openChannel(let id):
            let sort = self.sort
            onWorker { library throws(LibraryError) in
                guard let view = try ChannelView.opened(try library.shown(id, context: self.filters()), library: library, sort: sort) else { throw LibraryError("the channel is no longer in the library") }
                return .channelAdded(view)
            }
        case .loadHome:
            queued { self.homeRows() }
        case .openSubscription(let source), .reloadChannel(let source):
            let keep: Bool = if case .reloadChannel = effect { true } else { false }
            queued { self.open(source, keepPosition: keep) }
        case .loadCurve(let channel, let post):
            onWorker { library throws(LibraryError) in
                .curve(ViewCurve(channel: channel, post: post, samples: try library.samples(channel: channel, post: post)))
            }
        case .saveRating(let key, let stars):
            save(key) { library throws(LibraryError) in try library.setRating(stars, channel: key) }
        case .markRead(let key, let post):
            save(key, posts: [post]) { library throws(LibraryError) in try library.markRead(post, channel: key) }
        case .markUnread(let key, let post):
            save(key, posts: [post]) { library throws(LibraryError) in try library.markUnread(post, channel: key) }
        case .saveBookmark(let key, let post, let marked):
            save(key) { library throws(LibraryError) in try library.setBookmark(post, marked: marked, channel: key) }
        case .saveLastSelected(let key, let post):
            save(key) { library throws(LibraryError) in try library.setLastSelected(post, channel: key) }
        case .markAllRead(let channel, let key):
            save(key) { library throws(LibraryError) in
                try library.markAllRead(channel: key, channelID: channel)
                return .allRead(key: key)
            }

        // On the network: a thread per job; each result comes back as it is known.
        case .refresh(let sources):
            guard let refresher else { return nil }
            Thread { _ = refresher.refresh(sources.map(Source.init), cancel: self.cancel) { self.post(.refreshed($0)) } }.start()
        case .loadOlder(let source, let before):
            guard let refresher else { return nil }
            Thread { self.post(.olderLoaded(refresher.loadOlder(Source(source), before: before, cancel: self.cancel))) }.start()
        case .loadPicture(let request):
            guard let pictures else { return .pictureLoaded(request, .refused("no picture store")) }
            if inline { return .pictureLoaded(request, request.draw(from: pictures, cancel: cancel)) }
            pictureQueue.async {
                guard !self.stopping.load(ordering: .relaxed) else { return }
                self.post(.pictureLoaded(request, request.draw(from: pictures, cancel: self.cancel)))
            }

        // On the terminal.
        case .redraw:
            // The loop draws the next frame from scratch.
            return nil
        case .notify(let program, let newPosts, let channels):
            return Self.notify(program, arguments: [String(newPosts)] + channels, environment: ProcessInfo.processInfo.environment)
        case .openURL(let url):
            guard let terminal else { return nil }
            return .notice(LinkOpener.open(url, configured: browser, environment: ProcessInfo.processInfo.environment) { run in
                terminal.suspended(run)
            })
        }
        return nil
    }

    /// Starts config.toml's notify program beside feedtui (no shell, no terminal, not waited for); a program that
    /// cannot run is said in the status line, naming the setting.
    static func notify(_ program: String, arguments: [String], environment: [String: String]) -> Event? {
        let words = LinkOpener.words(program)
        guard let name = words.first else { return nil }
        guard let executable = LinkOpener.resolve(name, path: environment["PATH"] ?? "/usr/bin:/bin") else {
            return .notice("notify: \(name) not found (check notify in config.toml)")
        }
        switch LinkOpener.spawnBeside(executable, words + arguments, environment: environment) {
        case .success: return nil
        case .failure(let e): return .notice("notify: cannot run \(name): \(e.message) (check notify in config.toml)")
        }
    }

    private func inPlace(_ query: () throws(LibraryError) -> Event) -> Event {
        do throws(LibraryError) {
            return try query()
        } catch {
            return .notice(error.description)
        }
    }

    /// Queues a job on the worker (runs it at once when inline); its answer goes to the inbox. A read still
    /// queued when the program quits is dropped.
    private func queued(writes: Bool = false, _ job: @escaping @Sendable () -> Event?) {
        if inline {
            job().map(post)
        } else {
            queuedJobs.add(1, ordering: .relaxed)
            queue.async {
                defer { self.queuedJobs.subtract(1, ordering: .relaxed) }
                guard writes || !self.stopping.load(ordering: .relaxed) else { return }
                job().map(self.post)
            }
        }
    }

    /// A read on the worker; a failure is said in the status line. Answering nil: nothing to say.
    private func onWorker(_ query: @escaping @Sendable (Library) throws(LibraryError) -> Event?) {
        queued { [library] in
            do throws(LibraryError) {
                return try query(library)
            } catch {
                return .notice(error.description)
            }
        }
    }

    /// A write of the user's marks on the worker: `.saved` (or the write's own answer) when it is kept; when it
    /// fails, `.saveFailed` with what the library really holds, which the screen then shows.
    private func save(_ key: String, posts: [String] = [], _ write: @escaping @Sendable (Library) throws(LibraryError) -> Event?) {
        queued(writes: true) { [library, unkept] in
            do throws(LibraryError) {
                if let unkept { throw LibraryError(unkept) }
                return try write(library) ?? .saved
            } catch {
                return .saveFailed(channel: key, problem: error.description, kept: try? library.marks(channel: key, readAmong: posts), posts: posts)
            }
        }
    }

    private func save(_ key: String, posts: [String] = [], _ write: @escaping @Sendable (Library) throws(LibraryError) -> Void) {
        save(key, posts: posts) { library throws(LibraryError) -> Event? in
            try write(library)
            return nil
        }
    }

    // MARK: - The library's answers for followed channels

    /// Every source of the home screen with what the library knows of it.
    func homeRows() -> Event {
        let subscriptions: [Subscription]
        switch home {
        case .subscriptions(let path):
            do {
                subscriptions = try SubscriptionFile.load(path: path).subscriptions
            } catch {
                return .notice(error.description)
            }
        case .named(let sources):
            subscriptions = sources.map { Subscription(source: Source($0)) }
        }
        do throws(LibraryError) {
            return .homeLoaded(try library.followed(subscriptions).map(HomeRow.init), now: Date())
        } catch {
            return .notice(error.description)
        }
    }

    /// A followed source's channel as the library holds it, with its refresh state and reach.
    private func open(_ source: String, keepPosition: Bool) -> Event {
        do throws(LibraryError) {
            let context = filters()
            // A query channel shows what matches now; a channel, what the ignore rules leave of it.
            if case .query(let name, let filter) = Source(source), let parsed = try? Filter.parse(filter) {
                try library.fillQuery(key: Source(source).identity, title: name, filter: parsed, context: context)
            }
            guard let (lc, state) = try library.followedChannel(Source(source)),
                let view = try ChannelView.opened(try library.shown(lc.id, context: context), library: library, sort: sort)
            else {
                return .notInLibrary(source)
            }
            let reach = try library.reach(channel: lc.key, subscribers: lc.channel.subscribers?.value)
            return .channelOpened(OpenedChannel(
                source: source, view: view, cachedAt: state.lastSuccess, lastError: state.problem, reach: reach, now: Date(),
                keepPosition: keepPosition))
        } catch {
            return .notice(error.description)
        }
    }

    /// Whether an event changes the text of an open search prompt.
    static func editsQuery(_ event: Event) -> Bool {
        switch event {
        case .key(.char), .key(.backspace), .key(.ctrl("u")): true
        default: false
        }
    }
}

extension ChannelView {
    /// A channel of the library as the browser opens it: the user's marks, the order from the settings (newest
    /// first while it is still being imported), the last selected post selected.
    static func opened(_ id: Int64, library: Library, sort: PostOrder) throws(LibraryError) -> ChannelView? {
        guard let stored = try library.channel(id) else { return nil }
        // Read marks come with each window of posts.
        let marks = try library.marks(channel: stored.key, readAmong: [])
        var view = ChannelView(stored, marks: marks, sort: sort)
        if let last = marks.lastSelected, let position = try library.positions(of: [last], channel: id, order: view.sort).first {
            view.selected = position
            view.chosen = true
        }
        return view
    }
}
