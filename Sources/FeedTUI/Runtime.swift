import FeedModel
import Foundation

/// The event loop: backend events become reducer events; effects are carried out here.
enum Runtime {
    /// Returns the exit code: 0, or 128 + the signal that stopped us.
    static func run(channels: [Channel], useColor: Bool, store: StateStore?, notice: String?) -> Int32 {
        let backend = CursesBackend(useColor: useColor)
        defer { backend.end() }
        var state = AppState(channels: channels, size: backend.size, useColor: useColor)
        if let store {
            var stored: [String: StoredChannelState] = [:]
            for view in state.channels { stored[view.key] = store.load(channel: view.key) }
            reduce(&state, .restored(stored))
        }
        clampScroll(&state)
        if let notice { state.status = notice }
        backend.draw(Screen.render(state), force: true)
        while !state.quit {
            var event: Event?
            if let signal = backend.pendingSignal() {
                // Save what a normal quit saves, then leave with the conventional status.
                perform(reduce(&state, .action(.quit)), store: store, backend: backend, state: &state)
                return 128 + signal
            }
            event = backend.nextEvent(timeoutMs: 100)
            guard let event else { continue }
            let force = perform(reduce(&state, event), store: store, backend: backend, state: &state)
            if !state.quit {
                if case .resize = event {
                    backend.draw(Screen.render(state), force: true)
                } else {
                    backend.draw(Screen.render(state), force: force)
                }
            }
        }
        return 0
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
                case .saveLastSelected(let channel, let post):
                    try store?.setLastSelected(post, channel: channel)
                case .openURL(let url):
                    let problem = backend.suspended { LinkOpener.open(url) }
                    state.status = problem ?? "opened \(url)"
                    force = true
                }
            } catch {
                state.status = "state not saved: \(error)"
            }
        }
        return force
    }
}
