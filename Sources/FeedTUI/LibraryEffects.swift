import FeedLibrary
import FeedModel

/// Carries out the effects that read or write the library and feeds the answers back to the reducer. The
/// queries are index lookups (well under a millisecond), so the runtime performs them at once.
enum LibraryEffects {
    /// Reduces `event`, then carries out its library effects (and those of the answers); returns every effect
    /// but the queries: the runtime carries out the rest (redraw, open a link), tests look at the saves.
    /// `typingOn`: the next event edits the query of an open search prompt, which asks again: this query's
    /// search is skipped (the library would answer a query already gone).
    @discardableResult
    static func drive(_ state: inout AppState, _ event: Event, library: Library, typingOn: Bool = false) -> [Effect] {
        var pending = reduce(&state, event)
        if typingOn, state.prompt == .search || state.prompt == .searchLibrary {
            pending.removeAll { if case .search = $0 { true } else if case .searchLibrary = $0 { true } else { false } }
        }
        var rest: [Effect] = []
        // An answer that does not satisfy the reducer (a post that cannot be read) must not loop.
        var answers = 0
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            do {
                guard let answer = try perform(effect, library: library, sort: state.config.sort) else {
                    if effect.savedChannel != nil, state.saveProblem != nil { pending += reduce(&state, .saved) }
                    rest.append(effect)
                    continue
                }
                answers += 1
                if answers <= 16 { pending += reduce(&state, answer) }
            } catch {
                if let key = effect.savedChannel {
                    pending += reduce(&state, .saveFailed(channel: key, problem: error.description, kept: try? library.marks(channel: key)))
                } else {
                    state.status = error.description
                }
            }
        }
        return rest
    }

    /// Does one effect; returns the event that answers it, if it asks a question.
    private static func perform(_ effect: Effect, library: Library, sort: PostOrder) throws(LibraryError) -> Event? {
        switch effect {
        case .redraw, .openURL, .loadHome, .openSubscription, .reloadChannel, .refresh, .loadOlder, .loadCurve, .countStatistics:
            // The runtime's, the live channels' (`LiveWork`) and the statistics counter's, beside the event loop.
            return nil
        case .markAllRead(let channel, let key):
            try library.markAllRead(channel: key, channelID: channel)
            return .readMarks(key: key, read: try library.marks(channel: key).read)
        case .markUnread(let channel, let post):
            try library.markUnread(post, channel: channel)
        case .findUnread(let channel, let key, let order, let after):
            let (position, unread) = try library.nextUnread(channel: channel, key: key, order: order, after: after)
            return .located(channel: channel, order: order, goal: .nextUnread(unread: unread), positions: position.map { [$0] } ?? [])
        case .saveRating(let channel, let stars):
            try library.setRating(stars, channel: channel)
        case .markRead(let channel, let post):
            try library.markRead(post, channel: channel)
        case .saveBookmark(let channel, let post, let marked):
            try library.setBookmark(post, marked: marked, channel: channel)
        case .saveLastSelected(let channel, let post):
            try library.setLastSelected(post, channel: channel)
        case .loadWindow(let channel, let order, let offset, let limit):
            return .window(channel: channel, try library.window(channel: channel, order: order, offset: offset, limit: limit))
        case .search(let channel, let query, let order):
            return .searched(channel: channel, query: query, order: order, matches: try library.search(channel: channel, query: query, order: order))
        case .locate(let channel, let posts, let order, let goal):
            return .located(channel: channel, order: order, goal: goal, positions: try library.positions(of: Set(posts), channel: channel, order: order))
        case .searchLibrary(let query, let limit):
            let (matches, total) = try library.searchAll(query: query, limit: limit)
            return .librarySearched(query: query, matches: matches, total: total)
        case .openChannel(let id):
            guard let view = try view(id, library: library, sort: sort) else { throw LibraryError("the channel is no longer in the library") }
            return .channelAdded(view)
        }
        return nil
    }

    /// Whether an event changes the text of an open search prompt.
    static func editsQuery(_ event: Event) -> Bool {
        switch event {
        case .key(.char), .key(.backspace), .key(.ctrl("u")): true
        default: false
        }
    }

    /// A channel of the library as the browser opens it: the user's marks, the order from the settings (newest
    /// first while it is still being imported), the last selected post selected.
    static func view(_ id: Int64, library: Library, sort: PostOrder) throws(LibraryError) -> ChannelView? {
        guard let stored = try library.channel(id) else { return nil }
        let marks = try library.marks(channel: stored.key)
        var view = ChannelView(stored, marks: marks, sort: sort)
        if let last = marks.lastSelected, let position = try library.positions(of: [last], channel: id, order: view.sort).first {
            view.selected = position
        }
        return view
    }
}

extension Effect {
    /// The channel key a save writes under; nil for every other effect.
    var savedChannel: String? {
        switch self {
        case .saveRating(let key, _), .markRead(let key, _), .saveBookmark(let key, _, _), .saveLastSelected(let key, _): key
        default: nil
        }
    }
}
