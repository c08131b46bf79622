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

/// The event loop, one for whatever was opened: keys and the runner's answers are events; the reducer's effects
/// go to the runner (`EffectRunner`), which carries each out where it belongs.
enum Runtime {
    /// How often an import's progress is drawn, at most, when nothing else changes.
    static let progressFrames = 10.0

    /// What the loop opens.
    enum Opening {
        /// The home screen of the runner's sources; `refresh`: refreshed at once, in the background. `open`: the
        /// source opened as soon as the library has it (a t.me channel or feed named on the command line).
        case home(refresh: Bool, open: String?)
        /// Files (or `-`) brought into the library beside the loop.
        case files(BackgroundLoad)
    }

    static func run(_ opening: Opening, runner: EffectRunner, useColor: Bool, config: Config, clock: Clock, notice: String?) -> RunOutcome {
        var first: [Event] = []
        if case .files = opening {
            // A fast load (the usual case) fails before the terminal is touched, like any other error.
            first = waitForChannels(runner, upTo: 0.3)
            if let failure = loadFailure(first) { return .failed(failure) }
        }
        let backend = CursesBackend(useColor: useColor)
        defer { backend.end() }
        var state: AppState
        // Answered through the inbox, like every effect of the home screen.
        var effects: [Effect] = []
        switch opening {
        case .home(let refresh, let open):
            state = AppState(channels: [], size: backend.size, useColor: useColor, config: config, clock: clock)
            state.mode = .home
            state.opening = open
            // The first frame comes from the library at once.
            reduce(&state, runner.homeRows())
            if let open { effects.append(.openSubscription(open)) }
            if refresh, let rows = state.home?.rows { effects += startRefresh(&state, rows.map(\.source)) }
        case .files(let loading):
            switch waitForFirstChannel(runner, loading: loading, seen: first, keys: config.keys, backend: backend) {
            case .success(let events): first = events
            case .failure(let stop): return stop.outcome
            }
            // The channels ready now open together (their skip notices said at once); the rest as they come.
            let views = first.compactMap { if case .channelAdded(let view) = $0 { view } else { nil } }
            first.removeAll { if case .channelAdded = $0 { true } else { false } }
            state = AppState(channels: views, size: backend.size, useColor: useColor, config: config, clock: clock)
        }
        // A library that was set aside, or marks imported from an old state database, are said at once.
        if let notice { state.status = notice }
        state.pictures.enabled = config.images == .auto && backend.colors >= 256
        runner.drive(&state, .resize(backend.size), terminal: backend)
        for effect in effects { _ = runner.run(effect, terminal: backend, browser: config.browser) }
        for event in first { runner.drive(&state, event, terminal: backend) }
        backend.draw(Screen.render(state), force: true)
        var signal: Int32?
        var lastTick = Date.distantPast
        // An import's progress alone is drawn at most `progressFrames` times a second (`undrawn` until then): a
        // frame a batch cost the terminal more than the news is worth (100 000 posts: over 100 frames).
        var lastDraw = Date.distantPast
        var undrawn = false
        while !state.quit {
            if let s = backend.pendingSignal() {
                // Save what a normal quit saves, then leave with the conventional status.
                signal = s
                runner.drive(&state, .action(.quit))
                break
            }
            // Answers from beside the loop come first, then the keys typed meanwhile.
            var events = runner.drain()
            let answers = events.count
            // An answer of the worker (a search, the next unread post) is due within milliseconds.
            if let key = backend.nextEvent(timeoutMs: !events.isEmpty ? 0 : runner.waiting ? 5 : 100) {
                events.append(key)
                // Keys typed faster than they are handled (a pasted query) are handled together, drawn once.
                while events.count < answers + 256, let more = backend.nextEvent(timeoutMs: 0) { events.append(more) }
            }
            // The clock, once a second, for refresh-interval's refreshes and the "next refresh in" of the bottom line.
            if config.refreshInterval > 0, Date().timeIntervalSince(lastTick) >= 1 {
                lastTick = Date()
                events.append(.tick(lastTick))
            }
            guard !events.isEmpty else {
                if undrawn, Date().timeIntervalSince(lastDraw) >= 1 / Self.progressFrames {
                    backend.draw(Screen.render(state))
                    (lastDraw, undrawn) = (Date(), false)
                }
                continue
            }
            var force = false
            for (i, event) in events.enumerated() where !state.quit {
                let typing = i >= answers && i + 1 < events.count && EffectRunner.editsQuery(events[i + 1])
                let rest = runner.drive(&state, event, terminal: backend, typingOn: typing)
                // Asked for, or after another program had the terminal: drawn whole.
                if rest.contains(where: { if case .openURL = $0 { true } else { $0 == .redraw } }) { force = true }
                if case .resize = event { force = true }
            }
            guard !state.quit else { break }
            let progressOnly = events.allSatisfy { if case .importProgress = $0 { true } else { false } }
            if progressOnly, !force, Date().timeIntervalSince(lastDraw) < 1 / Self.progressFrames {
                undrawn = true
            } else {
                backend.draw(Screen.render(state), force: force)
                (lastDraw, undrawn) = (Date(), false)
            }
        }
        if case .files(let loading) = opening { loading.finish() }
        // The saves of the quit are written before the program ends; one that failed is said.
        runner.finish()
        for event in runner.drain() { reduce(&state, event) }
        if let problem = state.saveProblem { return .unsaved(problem) }
        return .exit(signal.map { 128 + $0 } ?? 0)
    }

    /// The failure of a load that ended with nothing to show.
    private static func loadFailure(_ events: [Event]) -> String? {
        guard !events.contains(where: { if case .channelAdded = $0 { true } else { false } }) else { return nil }
        for case .loadFinished(let failure) in events { return failure ?? "no channel to show" }
        return nil
    }

    /// The load's events until a channel can be shown, the load ended, or `seconds` passed.
    private static func waitForChannels(_ runner: EffectRunner, upTo seconds: Double, seen: [Event] = []) -> [Event] {
        let deadline = Date().addingTimeInterval(seconds)
        var events = seen
        while true {
            events += runner.drain()
            let ended = events.contains { if case .loadFinished = $0 { true } else { false } }
            let shown = events.contains { if case .channelAdded = $0 { true } else { false } }
            if ended || shown || Date() >= deadline { return events }
            usleep(5_000)
        }
    }

    private struct Stop: Error {
        var outcome: RunOutcome
    }

    /// Shows progress until the first channel can be shown; q, Esc or a signal cancels.
    private static func waitForFirstChannel(
        _ runner: EffectRunner, loading: BackgroundLoad, seen: [Event], keys: KeyTable, backend: CursesBackend
    ) -> Result<[Event], Stop> {
        var events = seen
        while true {
            events = waitForChannels(runner, upTo: 0, seen: events)
            if events.contains(where: { if case .channelAdded = $0 { true } else { false } }) { return .success(events) }
            if let failure = loadFailure(events) { return .failure(Stop(outcome: .failed(failure))) }
            if let signal = backend.pendingSignal() {
                loading.finish()
                return .failure(Stop(outcome: .exit(128 + signal)))
            }
            let seconds = Date().timeIntervalSince(loading.started)
            backend.draw(Screen.loading(size: backend.size, seconds: seconds))
            if case .key(let key) = backend.nextEvent(timeoutMs: 100), [.back, .backOrQuit, .quit].contains(keys.action(for: key)) {
                loading.finish()
                return .failure(Stop(outcome: .failed("loading cancelled")))
            }
        }
    }
}
