import FeedLibrary
import FeedModel
import Foundation

/// One followed source on the home screen, as the library knows it.
struct HomeRow: Equatable {
    /// The line of the subscriptions file (`@name`, the URL, the path): what refreshing and opening use.
    var source: String
    var title: String
    var tags: [String] = []
    /// The library's channel, once a refresh filled it.
    var channel: Int64?
    var key: String?
    /// Unknown (—) until the channel was refreshed once.
    var unread: Int?
    var total: Int?
    var lastRefresh: Date?
    var lastError: String?
    /// A query channel's filter: its posts are other channels' posts, not counted again in the totals.
    var filter: String?
}

extension HomeRow {
    /// The next row after `index` with unread posts, round to the top; `index` itself last unless `skipping` it.
    static func nextUnread(_ rows: [HomeRow], after index: Int, skipping: Bool = false) -> Int? {
        guard !rows.isEmpty else { return nil }
        return (1...rows.count).map { (index + $0) % rows.count }.first { (rows[$0].unread ?? 0) > 0 && !(skipping && $0 == index) }
    }

    /// The title, and what it is read from when that says more: the source, or a query channel's filter.
    var label: String {
        filter.map { "\(title)  \($0)" } ?? (title == source ? source : "\(title)  \(source)")
    }

    /// The unread posts of these rows, query channels left out (their posts are counted in their channels).
    static func unread(_ rows: [HomeRow]) -> Int {
        rows.filter { $0.filter == nil }.compactMap(\.unread).reduce(0, +)
    }

    init(_ f: FollowedSource) {
        let source = f.subscription.source.text
        self.init(
            source: source, title: f.channel?.channel.title ?? f.subscription.source.name, tags: f.subscription.tags,
            channel: f.channel?.id, key: f.channel?.key, unread: f.channel?.unread, total: f.channel?.postCount,
            lastRefresh: f.state?.lastSuccess, lastError: f.state?.problem)
        if case .query(_, let filter) = f.subscription.source { self.filter = filter }
    }
}

/// The home screen: every followed channel, filtered by one tag or none.
struct Home: Equatable {
    var rows: [HomeRow] = []
    /// Position in `visible`.
    var cursor = 0
    var top = 0
    var tag: String?
    /// The tag picker, when open: the cursor among `tagChoices`.
    var tagCursor: Int?
    /// The time the "3 h ago" texts are measured from (set when the rows arrive).
    var now = Date()

    var visible: [HomeRow] {
        guard let tag else { return rows }
        return rows.filter { $0.tags.contains(tag) }
    }

    var selected: HomeRow? {
        let v = visible
        return v.indices.contains(cursor) ? v[cursor] : nil
    }

    /// Every tag, in the order they first appear.
    var tags: [String] {
        var seen: [String] = []
        for r in rows { for t in r.tags where !seen.contains(t) { seen.append(t) } }
        return seen
    }

    /// The tag picker's choices: every channel (nil), then each tag, with the unread posts of its channels.
    var tagChoices: [TagChoice] {
        [TagChoice(tag: nil, unread: HomeRow.unread(rows))] + tags.map { t in TagChoice(tag: t, unread: HomeRow.unread(rows.filter { $0.tags.contains(t) })) }
    }
}

struct TagChoice: Equatable {
    var tag: String?
    var unread: Int
}

/// A refresh in progress: how many sources are done, how many failed.
struct RefreshProgress: Equatable {
    var total: Int
    var done = 0
    var failed = 0
    var newPosts = 0
    /// The sources that brought new posts, for the notify program.
    var sourcesWithNew: [String] = []
    /// The first failure, for the status line.
    var firstError: String?

    var text: String {
        if done < total { return "refreshing \(done)/\(total)…" + (failed > 0 ? " \(failed) failed" : "") }
        let why = firstError.map { ": \($0)" } ?? ""
        // Nothing refreshed is said as a failure, not as "refreshed 10 sources … 10 failed".
        if failed == total { return "\(failed) failed of \(total)" + why }
        let posts = "\(newPosts) new post\(newPosts == 1 ? "" : "s")"
        if failed == 0 { return "refreshed \(total) source\(total == 1 ? "" : "s"): " + posts }
        return "refreshed \(total - failed) of \(total) sources: " + posts + " · \(failed) failed" + why
    }
}

enum Ago {
    /// "just now", "5 min ago", "3 h ago", "2 d ago"; "never" for nil.
    static func text(_ date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        let s = max(0, now.timeIntervalSince(date))
        switch s {
        case ..<60: return "just now"
        case ..<3600: return "\(Int(s / 60)) min ago"
        case ..<(48 * 3600): return "\(Int(s / 3600)) h ago"
        default: return "\(Int(s / 86400)) d ago"
        }
    }
}

/// Keys on the home screen.
func homeKey(_ state: inout AppState, _ action: Action?, count: Int) -> [Effect] {
    guard var home = state.home else { return [] }
    if let cursor = home.tagCursor {
        tagPickerKey(&home, cursor, action, count: count)
        state.home = home
        return []
    }
    let n = home.visible.count
    var effects: [Effect] = []
    switch action {
    case .moveDown: home.cursor += count
    case .moveUp: home.cursor -= count
    case .pageDown: home.cursor += max(1, HomePane.rows(state.size)) * count
    case .pageUp: home.cursor -= max(1, HomePane.rows(state.size)) * count
    case .top: home.cursor = 0
    case .bottom: home.cursor = n - 1
    case .open:
        if let row = home.selected { effects.append(.openSubscription(row.source)) }
    case .refreshAll:
        effects += startRefresh(&state, home.rows.map(\.source))
    case .refreshCurrent:
        if let row = home.selected { effects += startRefresh(&state, [row.source]) }
    case .markChannelRead:
        if home.rows.contains(where: { ($0.unread ?? 0) > 0 }) {
            state.prompt = .markEveryChannelRead
        } else {
            state.status = "no channel has unread posts"
        }
    case .nextUnread:
        let rows = home.visible
        if let next = HomeRow.nextUnread(rows, after: home.cursor) {
            home.cursor = next
            state.status = "\(rows[next].title): \(rows[next].unread ?? 0) unread"
        } else {
            state.status = "no channel has unread posts"
        }
    case .pickTag:
        guard home.tags.count > 0 else {
            state.status = "no channel has a tag — feedtui add SOURCE --tag NAME"
            break
        }
        home.tagCursor = home.tagChoices.firstIndex { $0.tag == home.tag } ?? 0
    case .backOrQuit, .quit, .back:
        state.quit = true
    case .help:
        state.mode = .help
        state.helpTop = 0
        state.helpFromHome = true
    case .redraw:
        effects.append(.redraw)
    default:
        break
    }
    home.cursor = max(0, min(home.visible.count - 1, home.cursor))
    let rows = HomePane.rows(state.size)
    if home.cursor < home.top { home.top = home.cursor }
    if home.cursor >= home.top + rows { home.top = home.cursor - rows + 1 }
    state.home = home
    return effects
}

/// The key typed at "mark every channel read?": `y` marks them (each channel the library holds), any other cancels.
func confirmEveryChannelRead(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard key == .char("y"), let rows = state.home?.rows else {
        state.status = "nothing marked"
        return []
    }
    let held = rows.compactMap { row in row.channel.flatMap { id in row.key.map { (id, $0) } } }
    state.status = "every channel marked read"
    return held.map { .markAllRead(channel: $0.0, key: $0.1) }
}

/// Keys in the tag picker: move, Enter shows the tag's channels only (or all), any other key closes it.
private func tagPickerKey(_ home: inout Home, _ cursor: Int, _ action: Action?, count: Int) {
    let choices = home.tagChoices
    switch action {
    case .moveDown: home.tagCursor = min(choices.count - 1, cursor + count)
    case .moveUp: home.tagCursor = max(0, cursor - count)
    case .top: home.tagCursor = 0
    case .bottom: home.tagCursor = choices.count - 1
    case .open:
        home.tag = choices.indices.contains(cursor) ? choices[cursor].tag : nil
        home.tagCursor = nil
        home.cursor = 0
        home.top = 0
    default: home.tagCursor = nil
    }
}

/// The loop's clock: every `refresh-interval` minutes the followed channels are refreshed (the first time one
/// interval after the first tick; a refresh still running puts it off to the tick after it ends).
func tick(_ state: inout AppState, _ now: Date) -> [Effect] {
    state.now = now
    let minutes = state.config.refreshInterval
    guard minutes > 0, let rows = state.home?.rows, !rows.isEmpty else { return [] }
    let interval = TimeInterval(minutes * 60)
    guard let due = state.refreshDue else {
        state.refreshDue = now.addingTimeInterval(interval)
        return []
    }
    guard now >= due, state.refresh == nil else { return [] }
    state.refreshDue = now.addingTimeInterval(interval)
    return startRefresh(&state, rows.map(\.source))
}

/// "next refresh in 12 min" for the bottom line, while refresh-interval is set and no refresh is running.
func nextRefreshText(_ state: AppState) -> String? {
    guard state.refresh == nil, let due = state.refreshDue, let now = state.now else { return nil }
    let minutes = Int((due.timeIntervalSince(now) / 60).rounded(.up))
    return minutes <= 1 ? "next refresh within a minute" : "next refresh in \(minutes) min"
}

/// Starts refreshing `sources` unless a refresh is already running.
func startRefresh(_ state: inout AppState, _ sources: [String]) -> [Effect] {
    guard !sources.isEmpty else { return [] }
    if let p = state.refresh, p.done < p.total {
        state.status = "a refresh is already running (\(p.done)/\(p.total))"
        return []
    }
    state.refresh = RefreshProgress(total: sources.count)
    return [.refresh(sources)]
}

/// A source's refresh finished (from the background).
func refreshed(_ state: inout AppState, _ report: RefreshReport) -> [Effect] {
    guard var p = state.refresh else { return [] }
    p.done += 1
    p.newPosts += report.newPosts
    if report.newPosts > 0 { p.sourcesWithNew.append(report.source.text) }
    if let e = report.error {
        p.failed += 1
        if p.firstError == nil { p.firstError = "\(report.source.text): \(e)" }
    }
    state.refresh = p
    // The home screen's counts follow each source as it is done; open channels are read again at the end.
    var effects: [Effect] = state.home == nil ? [] : [.loadHome]
    guard p.done >= p.total else { return effects }
    state.refresh = nil
    state.status = p.text
    if state.home != nil, let program = state.config.notify, p.newPosts > 0 { state.pendingNotify = (program, p.newPosts, p.sourcesWithNew) }
    if let source = state.opening {
        effects.append(.openSubscription(source))
    } else if state.mode != .home {
        // The one opened from the home screen, or every one named on the command line.
        effects += (state.home == nil ? refreshable(state) : state.channels.isEmpty ? [] : state.channel.source.map { [$0] } ?? [])
            .map { .reloadChannel($0) }
    }
    return effects
}
