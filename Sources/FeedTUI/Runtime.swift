import FeedLibrary
import FeedModel
import Foundation

enum RunOutcome: Equatable {
    case exit(Int32)
    /// Loading failed: the message is printed after the terminal is restored.
    case failed(String)
}

/// The event loop: backend events become reducer events; effects are carried out here.
enum Runtime {
    static func run(loading: BackgroundLoad, useColor: Bool, config: Config, store: StateStore?, notice: String?) -> RunOutcome {
        // A fast load (the usual case) fails before the terminal is touched, like any other error.
        if case .failure(let e) = loading.wait(upTo: 0.3) { return .failed(e.description) }
        let backend = CursesBackend(useColor: useColor)
        defer { backend.end() }
        let channels: [Channel]
        switch waitForLoad(loading, keys: config.keys, backend: backend) {
        case .success(let loaded): channels = loaded
        case .failure(let stop): return stop.outcome
        }
        var state = AppState(channels: channels, size: backend.size, useColor: useColor, config: config)
        if let store {
            var stored: [String: StoredChannelState] = [:]
            for view in state.channels { stored[view.key] = store.load(channel: view.key) }
            reduce(&state, .restored(stored))
        }
        // A database that was set aside, or one that could not be read, is said at once, never swallowed.
        if let message = notice ?? store?.lastError { state.status = message }
        backend.draw(Screen.render(state), force: true)
        while !state.quit {
            if let signal = backend.pendingSignal() {
                // Save what a normal quit saves, then leave with the conventional status.
                perform(reduce(&state, .action(.quit)), store: store, backend: backend, state: &state)
                return .exit(128 + signal)
            }
            guard let event = backend.nextEvent(timeoutMs: 100) else { continue }
            var force = perform(reduce(&state, event), store: store, backend: backend, state: &state)
            if case .resize = event { force = true }
            if !state.quit { backend.draw(Screen.render(state), force: force) }
        }
        return .exit(0)
    }

    private struct Stop: Error {
        var outcome: RunOutcome
    }

    /// Shows progress until the sources are loaded; q, Esc or a signal cancels.
    private static func waitForLoad(_ loading: BackgroundLoad, keys: KeyTable, backend: CursesBackend) -> Result<[Channel], Stop> {
        while true {
            switch loading.result {
            case .success(let channels): return .success(channels)
            case .failure(let e): return .failure(Stop(outcome: .failed(e.description)))
            case nil: break
            }
            if let signal = backend.pendingSignal() { return .failure(Stop(outcome: .exit(128 + signal))) }
            let seconds = Date().timeIntervalSince(loading.started)
            backend.draw(Screen.loading(size: backend.size, seconds: seconds))
            if case .key(let key) = backend.nextEvent(timeoutMs: 100), [.back, .backOrQuit, .quit].contains(keys.action(for: key)) {
                return .failure(Stop(outcome: .failed("loading cancelled")))
            }
        }
    }

    /// Carries out effects; returns whether the screen must be redrawn from scratch.
    @discardableResult
    private static func perform(_ effects: [Effect], store: StateStore?, backend: CursesBackend, state: inout AppState) -> Bool {
        var force = false
        for effect in effects {
            do {
                switch effect {
                case .redraw:
                    force = true
                case .saveRating(let channel, let stars):
                    try store?.setRating(stars, channel: channel)
                case .markRead(let channel, let post):
                    try store?.markRead(post, channel: channel)
                case .saveBookmark(let channel, let post, let marked):
                    try store?.setBookmark(post, marked: marked, channel: channel)
                case .saveLastSelected(let channel, let post):
                    try store?.setLastSelected(post, channel: channel)
                case .openURL(let url):
                    // The configuration file's browser comes before $BROWSER (same form: a list, %s for the URL).
                    var environment = ProcessInfo.processInfo.environment
                    if let browser = state.config.browser { environment["BROWSER"] = browser }
                    state.status = LinkOpener.open(url, environment: environment) { run in
                        force = true
                        return backend.suspended(run)
                    }
                }
            } catch {
                state.status = "state not saved: \(error)"
            }
        }
        return force
    }
}
