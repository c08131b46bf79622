import FeedLibrary
import FeedModel
import Foundation
import Synchronization

/// Counts statistics again beside the event loop (`.countStatistics`): it reads every post of a channel, which
/// the screen must never wait for. Each answer comes back as an event the loop drains.
final class StatisticsCounter: Sendable {
    let library: Library
    private let queue = DispatchQueue(label: "feedtui.statistics")
    private let answers = Mutex<[Event]>([])

    init(library: Library) { self.library = library }

    /// Starts the effect if it is a count; returns false for every other effect.
    func start(_ effect: Effect) -> Bool {
        guard case .countStatistics(let channel, let clock) = effect else { return false }
        queue.async {
            let counted = Result { () throws(LibraryError) in try self.library.countStatistics(channel: channel, clock: clock) }
            self.answers.withLock { $0.append(.statisticsCounted(channel: channel, counted)) }
        }
        return true
    }

    /// The answers that arrived since the last call.
    func drain() -> [Event] {
        answers.withLock { events in
            defer { events = [] }
            return events
        }
    }
}
