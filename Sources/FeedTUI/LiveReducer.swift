import FeedLibrary
import FeedModel
import Foundation

/// A followed channel as the library gives it to the screen.
struct OpenedChannel: Equatable {
    var source: String
    /// Opened as the browser opens any channel of the library (`ChannelView.opened`).
    var view: ChannelView
    /// The last successful refresh (nil: never fetched — it came from an import).
    var cachedAt: Date?
    /// The last refresh's error, if it failed: the channel is then shown as cached.
    var lastError: String?
    var reach: ViewReach
    var now: Date
    /// Re-read after a refresh or an older page: keep the selection and the screen.
    var keepPosition = false
}

/// One post's views as the refreshes saw them.
struct ViewCurve: Equatable {
    var channel: String
    var post: String
    var samples: [ViewSample]
}

extension ChannelView {
    /// The views curve of `post`, when it is the one loaded.
    func curve(of post: Publication) -> [ViewSample]? {
        curve?.post == post.id ? curve?.samples : nil
    }
}

/// The live-channel events: home rows, opened channels, refresh results, older pages, view curves.
func live(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .homeLoaded(let rows, let now):
        var home = state.home ?? Home()
        let keep = home.selected?.source
        home.rows = rows
        home.now = now
        if let keep, let i = home.visible.firstIndex(where: { $0.source == keep }) { home.cursor = i }
        home.cursor = max(0, min(home.visible.count - 1, home.cursor))
        state.home = home
        // After a refresh with new posts the rows name the channels it filled: the notify program gets the names.
        if let (program, newPosts, sources) = state.pendingNotify {
            state.pendingNotify = nil
            let names = sources.map { source in Sanitize.line(rows.first { $0.source == source }?.title ?? source) }
            return [.notify(program: program, newPosts: newPosts, channels: names)]
        }
    case .channelOpened(let opened):
        var view = opened.view
        view.source = opened.source
        view.cachedAt = opened.cachedAt
        view.reach = opened.reach
        if opened.keepPosition, let i = state.channels.firstIndex(where: { $0.source == opened.source && $0.key == view.key }) {
            // The same channel, read again: the selected post, the order and the screen stay.
            let old = state.channels[i]
            view.sort = old.sort
            view.window = PostWindow(order: old.sort, offset: 0, posts: [])
            view.selected = min(old.selected, max(0, view.total - 1))
            view.chosen = old.chosen
            view.listTop = old.listTop
            view.curve = old.curve
            view.reachedFirst = old.reachedFirst
            // A search (its prompt may be open, taking keys) goes on over the posts read again.
            view.search = old.search
            if view.search?.inText == false {
                view.search?.matches = nil
                view.search?.complete = true
            }
            state.channels[i] = view
            // Another of the channels named on the command line: its window is read when it is shown.
            guard i == state.current else { return [] }
            clampScroll(&state)
            var effects: [Effect] = old.selectedPost.map { [.locate(channel: view.stored.id, posts: [$0.id], order: view.sort, goal: .select)] } ?? []
            if let s = view.search, !s.inText, !SearchText.fold(s.query).isEmpty {
                effects.append(.search(channel: view.stored.id, query: s.query, order: view.sort, from: s.origin))
            }
            return effects
        }
        state.opening = nil
        if state.prompt == .search { state.prompt = nil }
        state.channels = [view]
        state.current = 0
        state.mode = .browse
        state.focus = .list
        if let error = opened.lastError {
            state.status = "cached \(Ago.text(opened.cachedAt, now: opened.now)) — last refresh failed: \(error)"
        } else if opened.cachedAt == nil {
            state.status = "not refreshed yet" + (state.config.keys.label(.refreshCurrent).map { " — \($0) refreshes it" } ?? "")
        }
        clampScroll(&state)
        if state.openingAtUnread == opened.source {
            state.openingAtUnread = nil
            return [.findUnread(channel: view.stored.id, key: view.key, order: view.sort, after: -1)]
        }
    case .allRead(let key):
        for i in state.channels.indices where state.channels[i].key == key { state.channels[i].read.formUnion(state.channels[i].window.posts.map(\.id)) }
        if state.mode == .home { return [.loadHome] }
    case .notice(let message):
        state.status = message
    case .tick(let now):
        return tick(&state, now)
    case .notInLibrary(let source):
        // A source named on the command line is opened once its refresh brought it in.
        if state.opening != source {
            let keys = state.config.keys
            let how = [keys.label(.refreshAll).map { "\($0) refreshes every channel" }, keys.label(.refreshCurrent).map { "\($0) this one" }]
                .compactMap { $0 }
            state.status = "\(source) is not in the library yet" + (how.isEmpty ? "" : " — " + how.joined(separator: ", "))
        }
    case .loadFinished:
        // The load's failures were said as they came.
        break
    case .refreshed(let report):
        return refreshed(&state, report)
    case .olderLoaded(let report):
        guard !state.channels.isEmpty, state.channel.source == report.source.text else { return [] }
        state.channel.loadingOlder = false
        if let e = report.error {
            state.status = "older posts not loaded: \(e)"
        } else if report.newPosts == 0 {
            state.channel.reachedFirst = true
            state.status = "this is the channel's first post"
        } else {
            state.status = "\(report.newPosts) older post\(report.newPosts == 1 ? "" : "s") loaded"
            return [.reloadChannel(report.source.text)]
        }
    case .curve(let curve):
        guard !state.channels.isEmpty, state.channel.key == curve.channel else { return [] }
        state.channel.curve = curve
        recountTextMatches(&state)
    default:
        break
    }
    return []
}

/// Refresh, unread and tag keys outside the home screen.
func liveAction(_ state: inout AppState, _ action: Action) -> [Effect] {
    switch action {
    case .refreshAll:
        // The home screen's channels; without one, those named on the command line.
        let sources = state.home?.rows.map(\.source) ?? refreshable(state)
        guard !sources.isEmpty else {
            state.status = "nothing is followed — feedtui add @NAME"
            return []
        }
        return startRefresh(&state, sources)
    case .refreshCurrent:
        guard !state.channels.isEmpty, let source = state.channel.source, state.home != nil || refreshable(state).contains(source) else {
            state.status = "this channel cannot be read again — feedtui add follows a channel or a file"
            return []
        }
        return startRefresh(&state, [source])
    case .nextUnread:
        return [.findUnread(channel: state.channel.stored.id, key: state.channel.key, order: state.channel.sort, after: state.channel.selected)]
    case .nextUnreadChannel:
        guard let rows = state.home?.rows, !rows.isEmpty else {
            state.status = "nothing is followed — feedtui add @NAME"
            return []
        }
        // After the open channel in the home screen's order, round to the top; the open one's count is stale.
        let here = rows.firstIndex { $0.source == state.channel.source }
        guard let next = HomeRow.nextUnread(rows, after: here ?? rows.count - 1, skipping: here != nil) else {
            state.status = "no other channel has unread posts"
            return []
        }
        state.openingAtUnread = rows[next].source
        state.status = "opening \(rows[next].title)…"
        return [.openSubscription(rows[next].source)]
    case .toggleRead:
        guard let post = state.channel.selectedPost else { return [] }
        if state.channel.read.remove(post.id) != nil {
            state.status = "marked unread"
            return [.markUnread(channel: state.channel.key, post: post.id)]
        }
        state.channel.read.insert(post.id)
        state.status = "marked read"
        return [.markRead(channel: state.channel.key, post: post.id)]
    case .markChannelRead:
        state.status = "all posts of this channel marked read"
        state.channel.read.formUnion(state.channel.window.posts.map(\.id))
        return [.markAllRead(channel: state.channel.stored.id, key: state.channel.key)]
    default:
        break
    }
    return []
}

/// The sources of the channels named on the command line that a refresh can read again: not standard input, and
/// not a file of several channels (each of its channels would be read back as its first).
func refreshable(_ state: AppState) -> [String] {
    let sources = state.channels.compactMap(\.source)
    var seen: Set<String> = []
    return sources.filter { source in source != "-" && sources.filter { $0 == source }.count == 1 && seen.insert(source).inserted }
}

/// Scrolling past the oldest post of a followed t.me channel fetches the page before it: past the end of the list
/// (`action` down), or past its start when the list is oldest first (`action` up). Newest or oldest first, the
/// oldest post is the one at that end; in the most-viewed order the library finds it.
func loadOlderAtEnd(_ state: inout AppState, after action: Action) -> [Effect] {
    guard !state.channels.isEmpty else { return [] }
    let view = state.channel
    let up = [.moveUp, .pageUp, .top, .previousPost].contains(action)
    let down = [.moveDown, .pageDown, .bottom, .nextPost].contains(action)
    guard let source = view.source, case .telegram = Source(source), !view.loadingOlder, !view.reachedFirst,
        view.total > 0, view.sort == .oldest ? up && view.selected == 0 : down && view.selected == view.total - 1
    else { return [] }
    let oldest: Int? =
        switch view.sort {
        case .newest: view.post(at: view.total - 1).flatMap { Source.postNumber($0.id) }
        case .oldest: view.post(at: 0).flatMap { Source.postNumber($0.id) }
        case .mostViewed: nil
        }
    state.channel.loadingOlder = true
    state.status = "loading older posts…"
    return [.loadOlder(source: source, before: oldest)]
}
