import ArgumentParser
import FeedLibrary
import Foundation
import Synchronization

/// SIGINT and SIGTERM for the commands that print and end (refresh, add, import-opml, stats, export, …). The first
/// signal cancels what stops at once (downloads, a history walk, the steps between sources) and the command ends
/// on its own, saying what it did, with 130 or 143. What cannot stop at once (a large file being read or
/// imported) is cut short after half a second with the same line: every write to the library is a transaction and
/// the channels file is replaced whole, so both keep what was finished.
struct Interruption: Sendable {
    /// What the signal handlers share with the command.
    private final class State: Sendable {
        /// Why the work stopped and the exit status; the first reason wins.
        let stop = Mutex<(why: String, status: Int32)?>(nil)
        /// What the command has done so far, for the line said when it is cut short.
        let done: Mutex<@Sendable () -> String>
        /// The line was said: the command ends now, whichever comes first.
        let said = Atomic<Bool>(false)
        /// The signals' handlers, kept for as long as the command runs.
        let handlers = Mutex<[any DispatchSourceSignal]>([])

        init(done: @escaping @Sendable () -> String) { self.done = Mutex(done) }

        func say() -> Bool {
            guard !said.exchange(true, ordering: .relaxed) else { return false }
            warn("\(stop.withLock { $0?.why } ?? "interrupted"): \(done.withLock { $0 }())")
            return true
        }
    }

    /// How long work that cannot stop at once has after a signal before the command is ended anyway.
    static let grace = 0.5
    /// Cancels the command's downloads and walks.
    let cancel = Cancellation()
    private let state: State

    /// `done`: what the command has done when it is stopped before its end ("nothing was printed").
    init(done: @escaping @Sendable () -> String) {
        let state = State(done: done)
        let cancel = self.cancel
        self.state = state
        state.handlers.withLock { $0 = Self.handle(state, cancel) }
    }

    /// The handlers of SIGINT and SIGTERM: each stops the work, then ends the command after `grace`.
    private static func handle(_ state: State, _ cancel: Cancellation) -> [any DispatchSourceSignal] {
        [(SIGINT, Int32(130)), (SIGTERM, Int32(143))].map { sig, status in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            signal(sig, SIG_IGN)
            source.setEventHandler {
                stop(state, cancel, "interrupted", status: status)
                DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
                    if state.say() { Foundation.exit(status) }
                }
            }
            source.resume()
            return source
        }
    }

    /// Stops the work after `seconds` as a signal does, without cutting it short: `why` says it, the status is 1.
    func deadline(_ seconds: Int, why: String) {
        let (state, cancel) = (state, cancel)
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) { Self.stop(state, cancel, why, status: 1) }
    }

    private static func stop(_ state: State, _ cancel: Cancellation, _ why: String, status: Int32) {
        state.stop.withLock { $0 = $0 ?? (why, status) }
        cancel.cancel()
    }

    /// Why the work was stopped, if it was.
    var reason: (why: String, status: Int32)? { state.stop.withLock { $0 } }

    /// What the line says the command did, from now on.
    func done(_ text: @escaping @Sendable () -> String) { state.done.withLock { $0 = text } }

    /// When the work was stopped: says what was done and ends the command with the stop's status.
    func check() throws {
        guard let status = reason?.status else { return }
        guard state.say() else { waitForExit() }
        throw ExitCode(status)
    }

    /// The command says itself what it did: the stop's status, if it was stopped (nothing is said for it).
    func end() -> Int32? {
        guard let status = reason?.status else { return nil }
        guard !state.said.exchange(true, ordering: .relaxed) else { waitForExit() }
        return status
    }

    /// The grace timer said the line first and is ending the process.
    private func waitForExit() -> Never {
        while true { sleep(1) }
    }
}
