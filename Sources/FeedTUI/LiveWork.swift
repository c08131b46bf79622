import FeedLibrary
import FeedModel
import Foundation
import Synchronization

/// Carries out the live-channel effects beside the event loop: library reads on one serial queue, refreshes
/// and older pages on threads of their own. Every result comes back as an event in `inbox`, which the event loop
/// drains; nothing here touches the screen or the state.
final class LiveWork: Sendable {
    let library: Library
    let refresher: Refresher
    let subscriptionsPath: String
    /// The order a channel opens in (the configuration's).
    let sort: PostOrder
    /// Cancels every download when the program quits.
    let cancel = Cancellation()
    private let inbox = Mutex<[Event]>([])
    private let queue = DispatchQueue(label: "feedtui.library")

    init(library: Library, refresher: Refresher, subscriptionsPath: String, sort: PostOrder = .newest) {
        self.library = library
        self.refresher = refresher
        self.subscriptionsPath = subscriptionsPath
        self.sort = sort
    }

    /// The events that arrived since the last call.
    func drain() -> [Event] {
        inbox.withLock { events in
            defer { events = [] }
            return events
        }
    }

    private func post(_ event: Event) { inbox.withLock { $0.append(event) } }

    /// Starts the effect if it is a live one; returns false for effects the runtime carries out itself.
    func start(_ effect: Effect) -> Bool {
        switch effect {
        case .loadHome:
            queue.async { self.post(self.homeRows()) }
        case .openSubscription(let source), .reloadChannel(let source):
            let keep: Bool = if case .reloadChannel = effect { true } else { false }
            queue.async { self.post(self.open(source, keepPosition: keep)) }
        case .refresh(let sources):
            Thread {
                _ = self.refresher.refresh(sources.map(Source.init), cancel: self.cancel) { self.post(.refreshed($0)) }
            }.start()
        case .loadOlder(let source, let before):
            Thread { self.post(.olderLoaded(self.refresher.loadOlder(Source(source), before: before, cancel: self.cancel))) }.start()
        case .loadCurve(let channel, let post):
            queue.async {
                if let samples = try? self.library.samples(channel: channel, post: post) {
                    self.post(.curve(ViewCurve(channel: channel, post: post, samples: samples)))
                }
            }
        default:
            return false
        }
        return true
    }

    /// Stops the downloads and waits for the library reads queued so far (before the program exits).
    func finish() {
        cancel.cancel()
        queue.sync {}
    }

    // MARK: - Reading the library

    /// Every followed source with what the library knows of it.
    func homeRows() -> Event {
        let subscriptions: [Subscription]
        do {
            subscriptions = try SubscriptionFile.load(path: subscriptionsPath).subscriptions
        } catch {
            return .notice(error.description)
        }
        let states = (try? library.refreshStates()) ?? [:]
        let channels = Dictionary(((try? library.channels()) ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = subscriptions.map { s -> HomeRow in
            let state = states[s.source.text]
            let ch = channels[state?.channelKey ?? s.source.identity]
            return HomeRow(
                source: s.source.text, title: ch.map { Sanitize.line($0.channel.title) } ?? s.source.text, tags: s.tags,
                channel: ch?.id, key: ch?.key, unread: ch?.unread, total: ch?.postCount, lastRefresh: state?.lastSuccess,
                lastError: state?.problem)
        }
        return .homeLoaded(rows, now: Date())
    }

    func open(_ source: String, keepPosition: Bool) -> Event {
        do throws(LibraryError) {
            guard let (lc, state) = try library.followedChannel(Source(source)), let view = try LibraryEffects.view(lc.id, library: library, sort: sort) else {
                return .notice("\(source) is not in the library yet — R refreshes every channel, C-r this one")
            }
            let reach = try library.reach(channel: lc.key, subscribers: lc.channel.subscribers?.value)
            return .channelOpened(OpenedChannel(
                source: source, view: view, cachedAt: state.lastSuccess, lastError: state.problem, reach: reach, now: Date(),
                keepPosition: keepPosition))
        } catch {
            return .notice(error.description)
        }
    }
}
