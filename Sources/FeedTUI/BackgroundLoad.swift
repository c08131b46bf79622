import FeedLibrary
import FeedModel
import Foundation
import Synchronization

/// Brings the sources into the library on a thread of its own, so the terminal stays responsive: a file that
/// has not changed since its last import is taken from the library at once; a t.me channel or a feed is refreshed
/// (the refresher's merge, counters and refresh state, as from the home screen); any other source is read and
/// imported in batches, and its channel can be shown from the first committed batch. Everything it does comes
/// back as events through the runner's inbox: `.channelAdded` for each channel (from its first batch on),
/// `.importProgress`, `.channelChanged` when an import ends, `.notice` for sources that could not be read, and
/// `.loadFinished` last. `cancel` stops an import between two batches (what it wrote is deleted).
final class BackgroundLoad: Sendable {
    private let stop = Atomic<Bool>(false)
    /// Stops a download of a source named on the command line.
    private let cancel = Cancellation()
    /// Writing an import: a quit waits (a little) for it to stop.
    private let writing = Atomic<Bool>(false)
    private let done = Atomic<Bool>(false)
    let started = Date()

    /// `parse` reads one source (a file or `-`) into channels, handing each post to the stream as it goes.
    init(
        sources: [String], runner: EffectRunner, parse: @escaping @Sendable (String, PostStream?) throws(FeedError) -> [Channel]
    ) {
        let library = runner.library
        let thread = Thread { [self] in
            var failures: [String] = []
            // Channels already shown: an import that ends changes them rather than adding them again.
            var shown: Set<Int64> = []
            func show(_ id: Int64, _ source: String) throws(LibraryError) {
                if shown.contains(id) {
                    if let stored = try library.channel(id) { runner.post(.channelChanged(stored)) }
                } else if var view = try ChannelView.opened(id, library: library, sort: runner.sort) {
                    view.source = source
                    shown.insert(id)
                    runner.post(.channelAdded(view))
                }
            }
            for source in sources {
                do throws(LibraryError) {
                    // A t.me channel or a feed is refreshed into the library as the home screen refreshes it, and
                    // shown from there (its copy from before when it cannot be read now, said with the error).
                    if let refresher = runner.refresher, Source(source).url() != nil {
                        let report = refresher.refresh(Source(source), cancel: cancel)
                        guard let (held, _) = try library.followedChannel(Source(source)) else {
                            throw LibraryError("\(source): \(report.error ?? "nothing to show")")
                        }
                        if let error = report.error { runner.post(.notice("\(source): \(error) — the library's copy is shown")) }
                        try show(held.id, source)
                        continue
                    }
                    let stamp = SourceStamp(path: source)
                    if let stamp, let ids = try library.channels(unchanged: stamp) {
                        for id in ids { try show(id, source) }
                        continue
                    }
                    writing.store(true, ordering: .relaxed)
                    defer { writing.store(false, ordering: .relaxed) }
                    var failed: LibraryError?
                    let ids = try library.importSource(Source(source), from: stamp, read: { stream throws(FeedError) in try parse(source, stream) }) { progress in
                        if !shown.contains(progress.channel) {
                            do throws(LibraryError) { try show(progress.channel, source) } catch { failed = error }
                        }
                        runner.post(.importProgress(progress))
                        return !stop.load(ordering: .relaxed) && failed == nil
                    }
                    if let failed { throw failed }
                    for id in ids { try show(id, source) }
                } catch {
                    failures.append(error.description)
                    runner.post(.notice(failures.joined(separator: "; ")))
                }
            }
            runner.post(.loadFinished(failure: failures.isEmpty ? nil : failures.joined(separator: "; ")))
            done.store(true, ordering: .relaxed)
            // Replaced copies go once the new ones are shown (the next source's import would start with that too),
            // and those of imports killed long ago even when nothing had to be imported this time. Batch by batch,
            // beside the browser; a quit stops it anywhere.
            library.collectGarbage()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Stops an import that is still going on (what it wrote for its unfinished channel is deleted), waiting a
    /// little for it; an import killed outright is cleaned up by the next one. Still reading a source (a slow
    /// pipe): nothing is written yet, nothing to wait for.
    func finish() {
        stop.store(true, ordering: .relaxed)
        cancel.cancel()
        let deadline = Date().addingTimeInterval(3)
        while writing.load(ordering: .relaxed), !done.load(ordering: .relaxed), Date() < deadline { usleep(10_000) }
    }
}
