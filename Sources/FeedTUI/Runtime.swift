import FeedModel
import Foundation

/// The event loop: backend events become reducer events; effects are carried out here.
enum Runtime {
    /// Returns the exit code: 0, or 128 + the signal that stopped us.
    static func run(channels: [Channel], useColor: Bool) -> Int32 {
        let backend = CursesBackend(useColor: useColor)
        defer { backend.end() }
        var state = AppState(channels: channels, size: backend.size, useColor: useColor)
        clampScroll(&state)
        backend.draw(Screen.render(state), force: true)
        while !state.quit {
            if let signal = backend.pendingSignal() { return 128 + signal }
            guard let event = backend.nextEvent(timeoutMs: 100) else { continue }
            var force = false
            for effect in reduce(&state, event) {
                switch effect {
                case .redraw: force = true
                }
            }
            if case .resize = event { force = true }
            if !state.quit { backend.draw(Screen.render(state), force: force) }
        }
        return 0
    }
}
