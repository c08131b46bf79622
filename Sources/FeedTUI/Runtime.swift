import FeedLibrary
import FeedModel
import Foundation

enum RunOutcome: Equatable {
    case exit(Int32)
    /// Loading failed: the message is printed after the terminal is restored.
    case failed(String)
    /// What the user did was not all kept (the position on quit, say): said on stderr, exit status 1.
    case unsaved(String)
}

/// The event loop: backend events become reducer events; effects are carried out here, the library's by
/// `LibraryEffects`. Sources come into the library beside the loop (`BackgroundLoad`).
enum Runtime {
    static func run(loading: BackgroundLoad, library: Library, useColor: Bool, config: Config, clock: Clock, notice: String?) -> RunOutcome {
        // A fast load (the usual case) fails before the terminal is touched, like any other error.
        let early = loading.wait(upTo: 0.3)
        if let failure = early.failure, early.finished, early.ready.isEmpty, early.importing == nil { return .failed(failure) }
        let backend = CursesBackend(useColor: useColor)
        defer { backend.end() }
        let first: BackgroundLoad.Progress
        switch waitForFirstChannel(loading, keys: config.keys, backend: backend) {
        case .success(let p): first = p
        case .failure(let stop): return stop.outcome
        }
        var views: [ChannelView] = []
        do throws(LibraryError) {
            for id in first.ready + [first.importing?.channel].compactMap({ $0 }) {
                if var view = try LibraryEffects.view(id, library: library, sort: config.sort) {
                    view.source = first.sourceOf[id]
                    views.append(view)
                }
            }
        } catch {
            return .failed(error.description)
        }
        guard !views.isEmpty else { return .failed(first.failure ?? "no channel to show") }
        var state = AppState(channels: views, size: backend.size, useColor: useColor, config: config, clock: clock)
        // A library that was set aside, or marks imported from an old state database, are said at once.
        if let notice { state.status = notice }
        // Sources that could not be read beside those that opened.
        if let failure = first.failure { state.status = failure }
        let counter = StatisticsCounter(library: library)
        perform(LibraryEffects.drive(&state, .resize(backend.size), library: library), counter: counter, backend: backend, state: &state)
        if let p = first.importing {
            perform(LibraryEffects.drive(&state, .importProgress(p), library: library), counter: counter, backend: backend, state: &state)
        }
        var seen = first
        backend.draw(Screen.render(state), force: true)
        while !state.quit {
            if let signal = backend.pendingSignal() {
                // Save what a normal quit saves, then leave with the conventional status.
                LibraryEffects.drive(&state, .action(.quit), library: library)
                finish(loading)
                return state.saveProblem.map(RunOutcome.unsaved) ?? .exit(128 + signal)
            }
            var started: [Effect] = []
            var changed = follow(loading, seen: &seen, state: &state, library: library, effects: &started)
            for answer in counter.drain() {
                started += LibraryEffects.drive(&state, answer, library: library)
                changed = true
            }
            perform(started, counter: counter, backend: backend, state: &state)
            guard let event = backend.nextEvent(timeoutMs: 100) else {
                if changed { backend.draw(Screen.render(state)) }
                continue
            }
            // Keys typed faster than they are handled (a pasted query) are handled together, drawn once.
            var events = [event]
            while events.count < 256, let more = backend.nextEvent(timeoutMs: 0) { events.append(more) }
            var force = false
            for (i, e) in events.enumerated() where !state.quit {
                let typing = i + 1 < events.count && LibraryEffects.editsQuery(events[i + 1])
                force = perform(LibraryEffects.drive(&state, e, library: library, typingOn: typing), counter: counter, backend: backend, state: &state) || force
                if case .resize = e { force = true }
            }
            if !state.quit { backend.draw(Screen.render(state), force: force) }
        }
        finish(loading)
        return state.saveProblem.map(RunOutcome.unsaved) ?? .exit(0)
    }

    /// The home screen of followed channels: the first frame comes from the library at once; a refresh (unless the
    /// configuration turns it off) runs in the background, its results coming back as events.
    static func runHome(live: LiveWork, useColor: Bool, config: Config, clock: Clock, notice: String?) -> RunOutcome {
        let backend = CursesBackend(useColor: useColor)
        defer { backend.end() }
        var state = AppState(channels: [], size: backend.size, useColor: useColor, config: config, clock: clock)
        let counter = StatisticsCounter(library: live.library)
        state.mode = .home
        reduce(&state, live.homeRows())
        if let notice { state.status = notice }
        if config.refreshAtStart, let rows = state.home?.rows {
            for effect in startRefresh(&state, rows.map(\.source)) { _ = live.start(effect) }
        }
        defer { live.finish() }
        backend.draw(Screen.render(state), force: true)
        while !state.quit {
            if let signal = backend.pendingSignal() {
                perform(LibraryEffects.drive(&state, .action(.quit), library: live.library), live: live, counter: counter, backend: backend, state: &state)
                return state.saveProblem.map(RunOutcome.unsaved) ?? .exit(128 + signal)
            }
            // Results of background work (refreshes, library reads, counts) are events like keys.
            var events = live.drain() + counter.drain()
            if let event = backend.nextEvent(timeoutMs: events.isEmpty ? 100 : 0) { events.append(event) }
            guard !events.isEmpty else { continue }
            var force = false
            for event in events {
                force = perform(LibraryEffects.drive(&state, event, library: live.library), live: live, counter: counter, backend: backend, state: &state) || force
                if case .resize = event { force = true }
            }
            if !state.quit { backend.draw(Screen.render(state), force: force) }
        }
        return state.saveProblem.map(RunOutcome.unsaved) ?? .exit(0)
    }

    /// Stops an import that is still going on (what it wrote for its unfinished channel is deleted), waiting a
    /// little for it; an import killed outright is cleaned up by the next one.
    private static func finish(_ loading: BackgroundLoad) {
        guard !loading.progress.finished else { return }
        loading.cancel()
        // Still reading a source (a slow pipe, a download): nothing is written yet, nothing to wait for.
        guard loading.progress.importing != nil else { return }
        let deadline = Date().addingTimeInterval(3)
        while !loading.progress.finished, Date() < deadline { usleep(10_000) }
    }

    /// Turns what the background load did since `seen` into events: progress, a finished import, a new channel,
    /// a failure; adds the effects they ask for to `effects`. Returns whether anything changed.
    private static func follow(
        _ loading: BackgroundLoad, seen: inout BackgroundLoad.Progress, state: inout AppState, library: Library, effects: inout [Effect]
    ) -> Bool {
        let now = loading.progress
        guard now != seen else { return false }
        defer { seen = now }
        let shown = Set(state.channels.map(\.stored.id))
        do throws(LibraryError) {
            for id in now.ready where !seen.ready.contains(id) {
                if shown.contains(id) {
                    if let stored = try library.channel(id) { effects += LibraryEffects.drive(&state, .channelChanged(stored), library: library) }
                } else if var view = try LibraryEffects.view(id, library: library, sort: state.config.sort) {
                    view.source = now.sourceOf[id]
                    effects += LibraryEffects.drive(&state, .channelAdded(view), library: library)
                }
            }
            if let p = now.importing, p != seen.importing {
                if shown.contains(p.channel) {
                    effects += LibraryEffects.drive(&state, .importProgress(p), library: library)
                } else if var view = try LibraryEffects.view(p.channel, library: library, sort: state.config.sort) {
                    view.source = now.sourceOf[p.channel]
                    effects += LibraryEffects.drive(&state, .channelAdded(view), library: library)
                }
            }
        } catch {
            state.status = error.description
        }
        if let failure = now.failure, failure != seen.failure { state.status = failure }
        return true
    }

    private struct Stop: Error {
        var outcome: RunOutcome
    }

    /// Shows progress until the first channel can be shown; q, Esc or a signal cancels.
    private static func waitForFirstChannel(_ loading: BackgroundLoad, keys: KeyTable, backend: CursesBackend) -> Result<BackgroundLoad.Progress, Stop> {
        while true {
            let p = loading.progress
            if !p.ready.isEmpty || p.importing != nil { return .success(p) }
            if p.finished { return .failure(Stop(outcome: .failed(p.failure ?? "no channel to show"))) }
            if let signal = backend.pendingSignal() {
                finish(loading)
                return .failure(Stop(outcome: .exit(128 + signal)))
            }
            let seconds = Date().timeIntervalSince(loading.started)
            backend.draw(Screen.loading(size: backend.size, seconds: seconds))
            if case .key(let key) = backend.nextEvent(timeoutMs: 100), [.back, .backOrQuit, .quit].contains(keys.action(for: key)) {
                finish(loading)
                return .failure(Stop(outcome: .failed("loading cancelled")))
            }
        }
    }

    /// Carries out the effects the library does not; returns whether the screen must be redrawn from scratch.
    @discardableResult
    private static func perform(
        _ effects: [Effect], live: LiveWork? = nil, counter: StatisticsCounter, backend: CursesBackend, state: inout AppState
    ) -> Bool {
        var force = false
        for effect in effects {
            if let live, live.start(effect) { continue }
            if counter.start(effect) { continue }
            switch effect {
            case .redraw:
                force = true
            case .openURL(let url):
                // The configuration file's browser comes before $BROWSER (same form: a list, %s for the URL).
                var environment = ProcessInfo.processInfo.environment
                if let browser = state.config.browser { environment["BROWSER"] = browser }
                state.status = LinkOpener.open(url, environment: environment) { run in
                    force = true
                    return backend.suspended(run)
                }
            case .loadHome, .openSubscription, .reloadChannel, .refresh, .loadOlder, .loadCurve:
                // Sources named on the command line: nothing is followed in this session.
                state.status = "nothing is followed here — feedtui with no source opens the followed channels"
            default:
                break
            }
        }
        return force
    }
}
