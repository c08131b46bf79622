import FeedModel
import Foundation
import Synchronization

/// Loads sources on a thread of its own so the terminal stays responsive; the event loop polls `result`.
final class BackgroundLoad: Sendable {
    private let outcome = Mutex<Result<[Channel], FeedError>?>(nil)
    let started = Date()

    init(_ work: @escaping @Sendable () throws(FeedError) -> [Channel]) {
        let thread = Thread {
            let r = Result<[Channel], FeedError> { () throws(FeedError) in try work() }
            self.outcome.withLock { $0 = r }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    var result: Result<[Channel], FeedError>? { outcome.withLock { $0 } }

    /// Waits a little for a fast load, so small files open without a progress screen.
    func wait(upTo seconds: Double) -> Result<[Channel], FeedError>? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let r = result { return r }
            usleep(5_000)
        }
        return result
    }
}
