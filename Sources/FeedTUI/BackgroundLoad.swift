import FeedLibrary
import FeedModel
import Foundation
import Synchronization

/// Brings the sources into the library on a thread of its own, so the terminal stays responsive: a file that
/// has not changed since its last import is taken from the library at once; any other source is read and
/// imported in batches, and its channel can be shown from the first committed batch. The event loop polls
/// `progress`; `cancel` stops an import between two batches (what it wrote is deleted).
final class BackgroundLoad: Sendable {
    struct Progress: Equatable {
        /// Channels whose import is complete (or that needed none), in the sources' order.
        var ready: [Int64] = []
        /// The channel being imported, once its first batch is in.
        var importing: ImportProgress?
        /// The source being read (parsed) before its import starts.
        var reading: String?
        var finished = false
        /// The source (file, `-` or URL) each channel came from.
        var sourceOf: [Int64: String] = [:]
        /// One line per source that could not be read; the others are still read.
        var failures: [String] = []

        /// Every failure so far, for the status line (which wraps a long one).
        var failure: String? { failures.isEmpty ? nil : failures.joined(separator: "; ") }
    }

    private let state = Mutex(Progress())
    private let stop = Atomic<Bool>(false)
    let started = Date()

    /// `parse` reads one source (a file, `-` or a URL) into channels, handing each post to the stream as it goes.
    init(sources: [String], library: Library, parse: @escaping @Sendable (String, PostStream?) throws(FeedError) -> [Channel]) {
        let thread = Thread { [self] in
            for source in sources {
                do throws(LibraryError) {
                    let stamp = SourceStamp(path: source)
                    if let stamp, let ids = try library.channels(unchanged: stamp) {
                        state.withLock {
                            $0.ready += ids
                            for id in ids { $0.sourceOf[id] = source }
                        }
                        continue
                    }
                    state.withLock { $0.reading = source }
                    let ids = try library.importSource(Source(source), from: stamp, read: { stream throws(FeedError) in try parse(source, stream) }) { progress in
                        state.withLock {
                            $0.reading = nil
                            $0.importing = progress
                            $0.sourceOf[progress.channel] = source
                        }
                        return !stop.load(ordering: .relaxed)
                    }
                    state.withLock {
                        $0.ready += ids
                        for id in ids { $0.sourceOf[id] = source }
                        $0.importing = nil
                    }
                } catch {
                    state.withLock {
                        $0.failures.append(error.description)
                        $0.importing = nil
                        $0.reading = nil
                    }
                    continue
                }
            }
            state.withLock {
                $0.reading = nil
                $0.finished = true
            }
            // Replaced copies go once the new ones are shown (the next source's import would start with that too),
            // and those of imports killed long ago even when nothing had to be imported this time. Batch by batch,
            // beside the browser; a quit stops it anywhere.
            library.collectGarbage()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    var progress: Progress { state.withLock { $0 } }

    /// Asks the import to stop after its current batch; `progress.finished` tells when it has.
    func cancel() { stop.store(true, ordering: .relaxed) }

    /// Waits until something can be shown, the load ended, or `seconds` passed.
    func wait(upTo seconds: Double) -> Progress {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let p = progress
            if p.finished || !p.ready.isEmpty || p.importing != nil || Date() >= deadline { return p }
            usleep(5_000)
        }
    }
}
