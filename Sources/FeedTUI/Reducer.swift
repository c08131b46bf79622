import FeedLibrary
import FeedModel
import Foundation

enum Event: Equatable {
    case key(Key)
    case resize(Size)
    case action(Action)
    case mouse(MouseEvent)
    /// The library's answers to the effects below.
    /// A window of posts, with which of them the user has read.
    case window(channel: Int64, PostWindow, read: Set<String>)
    /// Positions of a search's matches: every one (`complete`), or the first after where it began, the rest to come.
    case searched(channel: Int64, query: String, order: PostOrder, matches: [Int], complete: Bool)
    case located(channel: Int64, order: PostOrder, goal: LocateGoal, positions: [Int])
    /// A first import goes on in the background: posts committed so far.
    case importProgress(ImportProgress)
    /// The channel as the library now holds it (its import ended).
    case channelChanged(LibraryChannel)
    /// Another source's channel is ready, or a channel of the library was opened.
    case channelAdded(ChannelView)
    /// A save (vote, read mark, bookmark, position) failed; `kept` is what the library really holds for the channel,
    /// its read marks those of `posts` (the posts the save was about).
    case saveFailed(channel: String, problem: String, kept: UserMarks?, posts: [String] = [])
    /// A save succeeded.
    case saved
    case librarySearched(query: String, matches: [LibraryMatch], total: Int)
    /// The home screen's rows, read from the subscriptions file and the library.
    case homeLoaded([HomeRow], now: Date)
    /// A followed channel read from the library (after Enter on the home screen, or a refresh).
    case channelOpened(OpenedChannel)
    case notice(String)
    /// A followed source the library holds no channel of yet.
    case notInLibrary(String)
    /// Every source named on the command line was read (or failed: `failure` says which).
    case loadFinished(failure: String?)
    /// One source's refresh finished in the background.
    case refreshed(RefreshReport)
    /// An older page of a channel was fetched (or failed); the channel is read again.
    case olderLoaded(RefreshReport)
    /// A post's views over time.
    case curve(ViewCurve)
    /// Every post of a channel is now marked read in the library.
    case allRead(key: String)
    /// The loop's clock, about once a second while refresh-interval is set: a refresh may be due.
    case tick(Date)
    /// A channel's statistics counted on this run's clock (the answer to `.countStatistics`).
    case statisticsCounted(channel: Int64, Result<ChannelStatistics, LibraryError>)
    /// A picture of the full-screen post, drawn or refused (the answer to `.loadPicture`).
    case pictureLoaded(PictureRequest, PictureState)
}

/// Why posts are looked up by id.
enum LocateGoal: Equatable {
    /// Select the post (it stays selected when the order changes).
    case select
    /// Jump to the next of these posts after the selection (bookmarks).
    case nextBookmark
    /// Jump to the post found, the next unread one after the selection; `unread` is how many there are.
    case nextUnread(unread: Int)
}

enum MouseEvent: Equatable {
    case wheel(up: Bool, x: Int, y: Int)
    case click(x: Int, y: Int)
}

/// Work the reducer asks the runtime to do (I/O); the reducer itself stays pure.
enum Effect: Equatable {
    case redraw
    case saveRating(channel: String, stars: Int?)
    case markRead(channel: String, post: String)
    case saveBookmark(channel: String, post: String, marked: Bool)
    case saveLastSelected(channel: String, post: String)
    case openURL(String)
    /// Posts at positions offset..<offset+limit of a channel in an order (answered by `.window`).
    case loadWindow(channel: Int64, key: String, order: PostOrder, offset: Int, limit: Int)
    /// The positions of the posts matching a query, the first at or after position `from` soonest (answered by
    /// `.searched`, once or twice).
    case search(channel: Int64, query: String, order: PostOrder, from: Int)
    /// The positions of posts by id (answered by `.located`).
    case locate(channel: Int64, posts: [String], order: PostOrder, goal: LocateGoal)
    /// The posts of every channel matching a query (answered by `.librarySearched`).
    case searchLibrary(query: String, limit: Int)
    /// A channel of the library, to open (answered by `.channelAdded`).
    case openChannel(Int64)
    /// Read the subscriptions and the library for the home screen.
    case loadHome
    /// Read a followed channel from the library (`reloadChannel` keeps the selection).
    case openSubscription(String)
    case reloadChannel(String)
    /// Refresh these sources in the background; each result comes back as `.refreshed`.
    case refresh([String])
    /// Fetch the page before post number `before` of a channel.
    /// The page before post `before` (nil: before the oldest post the library holds).
    case loadOlder(source: String, before: Int?)
    /// Mark every post of a channel read (answered by `.allRead`).
    case markAllRead(channel: Int64, key: String)
    case markUnread(channel: String, post: String)
    case loadCurve(channel: String, post: String)
    /// The next post not read yet after a position (answered by `.located` with `.nextUnread`).
    case findUnread(channel: Int64, key: String, order: PostOrder, after: Int)
    /// Count a channel's statistics on `clock` from all its posts, beside the event loop, and keep them in the
    /// library (answered by `.statisticsCounted`).
    case countStatistics(channel: Int64, clock: Clock)
    /// Run the notify program (no shell) with the number of new posts and the channels that have them.
    case notify(program: String, newPosts: Int, channels: [String])
    /// Fetch (or read from the cache or an export), decode and draw a picture beside the loop (`.pictureLoaded`).
    case loadPicture(PictureRequest)
}

/// The only place the state changes. Pure: no I/O, no curses; effects leave as values. When the list shows rows
/// the current window does not hold, the last effect asks the library for them; when the current channel's
/// statistics were counted on another clock, an effect asks for them on this run's.
@discardableResult
func reduce(_ state: inout AppState, _ event: Event) -> [Effect] {
    var effects = step(&state, event)
    if let count = countRequest(&state) { effects.append(count) }
    if let load = windowRequest(state) { effects.append(load) }
    effects += pictureRequests(&state)
    return effects
}

/// Asks once per channel (complete: an import counts on this clock itself) for statistics counted on another clock.
func countRequest(_ state: inout AppState) -> Effect? {
    guard !state.channels.isEmpty, state.channel.importing == nil, state.channel.statisticsCount == nil,
        state.channel.stats.clockID != state.clock.id
    else { return nil }
    state.channel.statisticsCount = .counting
    return .countStatistics(channel: state.channel.stored.id, clock: state.clock)
}

/// The window the screen needs, when the one held does not cover it: the list's rows and the selection, with a
/// screenful either side so that j and k rarely wait.
func windowRequest(_ state: AppState) -> Effect? {
    guard !state.channels.isEmpty else { return nil }
    let view = state.channel
    guard view.total > 0 else { return nil }
    let rows = max(1, Layout(state).list?.height ?? 1)
    var low = min(view.listTop, view.selected)
    var high = min(view.total, max(view.listTop + rows, view.selected + 1))
    if high - low > 4 * rows {
        // The list is not shown (one pane at a time): only the selection matters.
        low = view.selected
        high = view.selected + 1
    }
    let held = view.window.order == view.sort ? view.window.offset..<(view.window.offset + view.window.posts.count) : 0..<0
    if held.lowerBound <= low, held.upperBound >= high { return nil }
    let offset = max(0, low - rows)
    return .loadWindow(channel: view.stored.id, key: view.key, order: view.sort, offset: offset, limit: high + rows - offset)
}

private func step(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .resize(let size):
        state.size = size
        clampScroll(&state)
        return []
    case .action(let action):
        return perform(&state, action, count: nil)
    case .saveFailed(let key, let problem, let kept, let posts):
        state.saveProblem = problem
        // "bookmarked", "you rated…" said what was asked; the failure replaces it.
        state.status = nil
        // The screen shows what is kept, not what was asked for.
        if let kept {
            for i in state.channels.indices where state.channels[i].key == key {
                state.channels[i].userRating = kept.rating
                state.channels[i].read = state.channels[i].read.subtracting(posts).union(kept.read)
                state.channels[i].bookmarks = kept.bookmarks
            }
        }
        return []
    case .saved:
        state.saveProblem = nil
        return []
    case .pictureLoaded(let request, let picture):
        state.pictures.set(request, picture)
        return []
    case .mouse(let m):
        return mouse(&state, m)
    case .window(let id, let window, let read):
        for i in state.channels.indices where state.channels[i].stored.id == id && state.channels[i].sort == window.order {
            // Read marks are held for the window only: the posts both windows hold keep what the screen showed (a
            // mark may still be on its way to the library); the others are as the library has them.
            let held = Set(state.channels[i].window.posts.map(\.id))
            let kept = state.channels[i].read.intersection(held).intersection(window.posts.map(\.id))
            state.channels[i].read = kept.union(read.subtracting(held))
            state.channels[i].window = window
        }
        // The post a search in the text was waiting for has come.
        if state.channel.search?.inText == true, state.channel.search?.matches?.isEmpty == true { findInText(&state, from: state.channel.bodyTop) }
        clampScroll(&state)
        return []
    case .searched(let id, let query, let order, let matches, let complete):
        guard state.channel.stored.id == id, state.channel.sort == order, var s = state.channel.search, s.query == query, !s.inText,
            !(s.complete && s.matches != nil)
        else { return [] }
        // None among the first looked at: still searching.
        guard complete || !matches.isEmpty else { return [] }
        s.matches = matches
        s.complete = complete
        state.channel.search = s
        if state.prompt == .search {
            // Typing: go to the first match at or after where the search began.
            select(&state, matches.first(where: { $0 >= s.origin }) ?? matches.first ?? s.origin)
        }
        updateCurrentMatch(&state)
        clampScroll(&state)
        return []
    case .located(let id, let order, let goal, let positions):
        guard state.channel.stored.id == id, state.channel.sort == order else { return [] }
        switch goal {
        case .select:
            if let p = positions.first { select(&state, p) }
        case .nextBookmark:
            // The next of these posts after the selection, round to the first.
            guard let next = positions.first(where: { $0 > state.channel.selected }) ?? positions.first else {
                state.status = "no bookmarks — m bookmarks a post"
                return []
            }
            select(&state, next)
            state.status = "bookmark \((positions.firstIndex(of: next) ?? 0) + 1)/\(positions.count)"
        case .nextUnread(let unread):
            guard let next = positions.first else {
                state.status = "no unread posts"
                return []
            }
            select(&state, next)
            state.status = "\(unread) unread"
        }
        updateCurrentMatch(&state)
        clampScroll(&state)
        return []
    case .importProgress(let progress):
        for i in state.channels.indices where state.channels[i].stored.id == progress.channel {
            state.channels[i].importing = progress
            state.channels[i].stored.postCount = progress.imported
        }
        return []
    case .channelChanged(let stored):
        var effects: [Effect] = []
        for i in state.channels.indices where state.channels[i].stored.id == stored.id {
            let keep = state.channels[i].chosen ? state.channels[i].selectedPost?.id : nil
            if !state.channels[i].chosen {
                state.channels[i].selected = 0
                state.channels[i].listTop = 0
            }
            state.channels[i].stored = stored
            state.channels[i].importing = stored.complete ? nil : state.channels[i].importing
            // Positions may have moved (posts kept from an older copy): read the window again, keep the selection.
            state.channels[i].window.posts = []
            if let keep { effects.append(.locate(channel: stored.id, posts: [keep], order: state.channels[i].sort, goal: .select)) }
        }
        return effects
    case .channelAdded(let view):
        state.channels.append(view)
        guard let match = state.pendingMatch, match.channel == view.stored.id else { return [] }
        state.pendingMatch = nil
        return showMatch(&state, match)
    case .librarySearched(let query, let matches, let total):
        guard var search = state.librarySearch, search.query == query else { return [] }
        search.matches = matches
        search.total = total
        search.cursor = 0
        state.librarySearch = search
        return []
    case .statisticsCounted(let id, let result):
        for i in state.channels.indices where state.channels[i].stored.id == id {
            switch result {
            case .success(let statistics):
                state.channels[i].stored.statistics = statistics
                state.channels[i].statisticsCount = nil
            case .failure(let problem):
                state.channels[i].statisticsCount = .failed
                state.status = problem.description
            }
        }
        return []
    case .homeLoaded, .channelOpened, .notice, .notInLibrary, .loadFinished, .refreshed, .olderLoaded, .curve, .allRead, .tick:
        return live(&state, event)
    case .key(let key):
        state.status = nil
        if let prompt = state.prompt { return promptKey(&state, prompt, key) }
        switch state.mode {
        case .help:
            // j/k and paging scroll the help; Q quits; any other key closes it.
            let area = Layout(state).frame.inner
            let page = max(1, HelpOverlay.box(in: area, keys: state.config.keys).inner.height - 1)
            switch state.config.keys.action(for: key) {
            case .moveDown: state.helpTop = HelpOverlay.clampedTop(state.helpTop + 1, in: area, keys: state.config.keys)
            case .moveUp: state.helpTop = HelpOverlay.clampedTop(state.helpTop - 1, in: area, keys: state.config.keys)
            case .pageDown: state.helpTop = HelpOverlay.clampedTop(state.helpTop + page, in: area, keys: state.config.keys)
            case .pageUp: state.helpTop = HelpOverlay.clampedTop(state.helpTop - page, in: area, keys: state.config.keys)
            case .quit: return quit(&state)
            default: state.mode = state.helpFromHome ? .home : .browse
            }
            state.helpFromHome = false
            return []
        case .browse, .post, .channels, .links, .libraryMatches, .home:
            break
        }
        // A number first repeats the key (20j), or picks the item (5G, 3o, 2 Enter in a list).
        if case .char(let c) = key, let digit = c.wholeNumberValue, digit <= 9, c.isASCII,
            digit > 0 || state.countPrefix != nil
        {
            state.countPrefix = min(99_999, (state.countPrefix ?? 0) * 10 + digit)
            return []
        }
        let count = state.countPrefix
        state.countPrefix = nil
        guard let action = state.config.keys.action(for: key) else { return [] }
        switch state.mode {
        case .home: return homeKey(&state, action, count: count ?? 1)
        case .channels: return channelListKey(&state, action, count: count)
        case .libraryMatches: return libraryMatchesKey(&state, action, count: count)
        case .links: return linkListKey(&state, action, count: count)
        default: return perform(&state, action, count: count)
        }
    }
}

/// `typed` is the number typed before the key, if any; most actions repeat that many times.
private func perform(_ state: inout AppState, _ action: Action, count typed: Int?) -> [Effect] {
    let count = typed ?? 1
    let layout = Layout(state)
    let listRows = max(1, layout.list?.height ?? 1)
    let bodyRows = max(1, layout.body?.height ?? 1)
    let scrollsBody = state.mode == .post || state.focus == .body
    var effects: [Effect] = []
    if state.mode == .browse, state.focus == .stats, let stats = layout.stats, typed == nil || ![.top, .bottom].contains(action) {
        // The focused statistics pane scrolls (when it is one column; the renderer keeps the last page full).
        let page = max(1, stats.height - 1) * count
        switch action {
        case .moveDown: state.channel.statsTop += count
        case .moveUp: state.channel.statsTop -= count
        case .pageDown: state.channel.statsTop += page
        case .pageUp: state.channel.statsTop -= page
        case .top: state.channel.statsTop = 0
        case .bottom: state.channel.statsTop = Int.max / 2
        default: break
        }
        state.channel.statsTop = max(0, min(StatsPane.maxTop(state.channel, clock: state.clock, in: stats), state.channel.statsTop))
        if [.moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom].contains(action) { return [] }
    }
    switch action {
    case .moveDown, .moveUp:
        let step = action == .moveDown ? count : -count
        if scrollsBody { state.channel.bodyTop += step } else { select(&state, state.channel.selected + step) }
    case .pageDown, .pageUp:
        let page = (scrollsBody ? bodyRows : listRows) * count
        let step = action == .pageDown ? page : -page
        if scrollsBody { state.channel.bodyTop += step } else { select(&state, state.channel.selected + step) }
    case .top, .bottom:
        if let n = typed {
            // 5G: the 5th post, shown full-screen when a post is.
            select(&state, n - 1)
            effects += markReadInPost(&state)
        } else if scrollsBody {
            state.channel.bodyTop = action == .top ? 0 : Int.max / 2
        } else {
            select(&state, action == .top ? 0 : state.channel.total - 1)
        }
    case .nextPost, .previousPost:
        select(&state, state.channel.selected + (action == .nextPost ? count : -count))
        effects += markReadInPost(&state)
    case .open:
        guard state.mode == .browse, state.channel.selectedPost != nil else { break }
        state.mode = .post
        state.channel.bodyTop = 0
        effects += markReadInPost(&state)
    case .back, .backOrQuit:
        if state.mode != .browse {
            state.mode = .browse
        } else if state.focus != .list {
            state.focus = .list
        } else if state.channel.search != nil {
            state.channel.search = nil
        } else if action == .backOrQuit, state.home != nil {
            // From a followed channel, q goes back to the home screen, whose counts are read again.
            state.mode = .home
            return (state.channel.selectedPost.map { [.saveLastSelected(channel: state.channel.key, post: $0.id)] } ?? []) + [.loadHome]
        } else if action == .backOrQuit {
            return quit(&state)
        } else {
            state.status = "q quits"
        }
    case .quit:
        return quit(&state)
    case .refreshAll, .refreshCurrent, .nextUnread, .nextUnreadChannel, .toggleRead, .markChannelRead, .pickTag:
        effects += liveAction(&state, action)
    case .nextPane:
        let panes: [PaneID] = layout.singlePane || state.showStats ? [.list, .body, .stats] : [.list, .body]
        let i = panes.firstIndex(of: state.focus) ?? 0
        state.focus = panes[(i + 1) % panes.count]
    case .toggleStats:
        state.showStats.toggle()
        if !state.showStats && state.focus == .stats { state.focus = .list }
    case .help:
        state.mode = .help
        state.helpTop = 0
    case .redraw:
        effects.append(.redraw)
    case .search:
        state.prompt = .search
        // In a full-screen post or the focused body, the search is in the text on screen.
        if scrollsBody, layout.body != nil {
            state.channel.search = Search(query: "", origin: state.channel.bodyTop, inText: true)
        } else {
            state.channel.search = Search(query: "", origin: state.channel.selected)
        }
    case .searchNext, .searchPrevious:
        jumpToMatch(&state, forward: action == .searchNext, count: count)
    case .searchLibrary:
        state.prompt = .searchLibrary
        state.librarySearch = LibrarySearch()
    case .sort:
        guard state.channel.importing == nil else {
            state.status = "sorting waits for the import to finish"
            break
        }
        let keep = state.channel.selectedPost?.id
        state.channel.sort = state.channel.sort.next
        state.status = "sorted by \(state.channel.sort.rawValue)"
        let view = state.channel
        // The selected post stays selected; the matches are found again in the new order.
        if let keep { effects.append(.locate(channel: view.stored.id, posts: [keep], order: view.sort, goal: .select)) }
        if var s = view.search {
            s.matches = nil
            state.channel.search = s
            effects += searchEffect(state.channel)
        }
    case .rate:
        // A vote there would be filed under the filter, which no channel's rating reads.
        guard !state.channel.isQuery else {
            state.status = "a query channel has no rating of its own — rate a channel from its own list"
            break
        }
        state.prompt = .rate
    case .togglePictures:
        state.pictures.hidden.toggle()
        state.status =
            !state.pictures.enabled ? "pictures are off: images = \"off\" in config.toml, NO_COLOR, or fewer than 256 colours"
            : state.pictures.hidden ? "pictures hidden" : "pictures shown"
    case .openLink:
        effects += openLink(&state, number: typed)
    case .linkList:
        guard let post = state.channel.selectedPost else { break }
        guard !PostBodyPane.numberedLinks(post).isEmpty else {
            state.status = "this post has no links"
            break
        }
        state.linksFrom = state.mode
        state.mode = .links
        state.linkCursor = 0
    case .openPermalink:
        effects += openPermalink(&state)
    case .bookmark:
        guard let post = state.channel.selectedPost else { break }
        let marked = state.channel.bookmarks.insert(post.id).inserted
        if !marked { state.channel.bookmarks.remove(post.id) }
        state.status = marked ? "bookmarked — ' jumps between bookmarks" : "bookmark removed"
        effects.append(.saveBookmark(channel: state.channel.key, post: post.id, marked: marked))
    case .nextBookmark:
        let view = state.channel
        guard !view.bookmarks.isEmpty else {
            state.status = "no bookmarks — m bookmarks a post"
            break
        }
        effects.append(.locate(channel: view.stored.id, posts: view.bookmarks.sorted(), order: view.sort, goal: .nextBookmark))
    case .channels:
        state.mode = .channels
        state.channelCursor = state.current
    case .previousChannel, .nextChannel:
        let n = state.channels.count
        switchChannel(&state, to: (state.current + (action == .nextChannel ? count : n - count % n)) % n)
    }
    clampScroll(&state)
    effects += loadOlderAtEnd(&state, after: action)
    return effects
}

/// A post shown full-screen counts as read.
private func markReadInPost(_ state: inout AppState) -> [Effect] {
    guard state.mode == .post, let post = state.channel.selectedPost else { return [] }
    // The full-screen post draws the views curve from the library's history, which refreshes of its source keep.
    let refreshed = state.channel.source.map { $0 != "-" } ?? false
    let curve: [Effect] = refreshed ? [.loadCurve(channel: state.channel.key, post: post.id)] : []
    guard state.channel.read.insert(post.id).inserted else { return curve }
    return [.markRead(channel: state.channel.key, post: post.id)] + curve
}

private func quit(_ state: inout AppState) -> [Effect] {
    state.quit = true
    return state.channels.compactMap { view in
        view.selectedPost.map { .saveLastSelected(channel: view.key, post: $0.id) }
    }
}

private func switchChannel(_ state: inout AppState, to index: Int) {
    guard state.channels.indices.contains(index) else { return }
    state.current = index
    state.mode = .browse
    if state.channels.count > 1 { state.status = "channel \(index + 1)/\(state.channels.count): \(state.channel.channel.title)" }
    if let summary = state.channel.channel.skipped.summary { state.status = summary }
}

/// Keys while a prompt is open: the search lines edit live; the rating takes one digit.
private func promptKey(_ state: inout AppState, _ prompt: Prompt, _ key: Key) -> [Effect] {
    switch prompt {
    case .searchLibrary:
        guard var search = state.librarySearch else {
            state.prompt = nil
            return []
        }
        switch key {
        case .escape:
            state.prompt = nil
            state.librarySearch = nil
            return []
        case .enter:
            state.prompt = nil
            guard search.matches?.isEmpty == false else {
                if !search.query.isEmpty { state.status = "no match for “\(search.query)” in the library" }
                state.librarySearch = nil
                return []
            }
            state.mode = .libraryMatches
            return []
        case .backspace:
            guard !search.query.isEmpty else {
                state.prompt = nil
                state.librarySearch = nil
                return []
            }
            search.query.removeLast()
        case .char(let c):
            search.query.append(c)
        case .ctrl("u"):
            search.query = ""
        default:
            return []
        }
        search.matches = SearchText.fold(search.query).isEmpty ? [] : nil
        search.total = 0
        state.librarySearch = search
        return search.matches == nil ? [.searchLibrary(query: search.query, limit: LibrarySearch.limit)] : []
    case .markEveryChannelRead:
        state.prompt = nil
        return confirmEveryChannelRead(&state, key)
    case .rate:
        state.prompt = nil
        guard case .char(let c) = key, let n = c.wholeNumberValue, (0...5).contains(n) else {
            state.status = "rating cancelled"
            return []
        }
        let stars = n == 0 ? nil : n
        state.channel.userRating = stars
        state.status = stars.map { "you rated this channel \($0) of 5" } ?? "your rating was withdrawn"
        return [.saveRating(channel: state.channel.key, stars: stars)]
    case .search:
        guard var search = state.channel.search else {
            state.prompt = nil
            return []
        }
        switch key {
        case .escape:
            state.prompt = nil
            state.channel.search = nil
            if search.inText { state.channel.bodyTop = search.origin } else { select(&state, search.origin) }
        case .enter:
            state.prompt = nil
            if search.query.isEmpty { state.channel.search = nil }
        case .backspace:
            if search.query.isEmpty {
                state.prompt = nil
                state.channel.search = nil
            } else {
                search.query.removeLast()
                return updateSearch(&state, search)
            }
        case .char(let c):
            search.query.append(c)
            return updateSearch(&state, search)
        case .ctrl("u"):
            search.query = ""
            return updateSearch(&state, search)
        default:
            break
        }
        clampScroll(&state)
        return []
    }
}

/// Asks the library for the matches of the edited query; the answer moves to the first match at or after where
/// the search began. An empty query matches nothing and goes back there.
private func updateSearch(_ state: inout AppState, _ search: Search) -> [Effect] {
    if search.inText {
        state.channel.search = search
        findInText(&state, from: search.origin)
        clampScroll(&state)
        return []
    }
    var s = search
    s.matches = SearchText.fold(s.query).isEmpty ? [] : nil
    s.complete = true
    state.channel.search = s
    if s.matches != nil { select(&state, s.origin) }
    updateCurrentMatch(&state)
    clampScroll(&state)
    return searchEffect(state.channel)
}

private func searchEffect(_ view: ChannelView) -> [Effect] {
    guard let s = view.search, s.matches == nil else { return [] }
    return [.search(channel: view.stored.id, query: s.query, order: view.sort, from: s.origin)]
}

/// Which match the selection is on, for the counter.
private func updateCurrentMatch(_ state: inout AppState) {
    guard var s = state.channel.search else { return }
    s.current = s.matches?.firstIndex(of: state.channel.selected)
    state.channel.search = s
}

private func jumpToMatch(_ state: inout AppState, forward: Bool, count: Int) {
    guard var s = state.channel.search else {
        state.status = "no search — / to search"
        return
    }
    guard let matches = s.matches, !matches.isEmpty else {
        state.status = "no match for “\(s.query)”"
        return
    }
    var wrapped = false
    if s.inText {
        // Occurrence by occurrence through the text.
        var i = s.current ?? (forward ? -1 : matches.count)
        for _ in 0..<count {
            i += forward ? 1 : -1
            if i >= matches.count || i < 0 {
                i = forward ? 0 : matches.count - 1
                wrapped = true
            }
        }
        s.current = i
        state.channel.search = s
        showLine(&state, matches[i])
    } else {
        var target = state.channel.selected
        for _ in 0..<count {
            let step = forward ? matches.first(where: { $0 > target }) : matches.last(where: { $0 < target })
            if let step {
                target = step
            } else if !s.complete {
                // Past the first matches found: the others are still being counted (the counter says so).
                break
            } else {
                target = forward ? matches[0] : matches[matches.count - 1]
                wrapped = true
            }
        }
        select(&state, target)
        updateCurrentMatch(&state)
    }
    guard let shown = state.channel.search else { return }
    let wrap = wrapped ? (forward ? " — past the last match, back to the first" : " — past the first match, back to the last") : ""
    state.status = "/\(shown.query)  \(shown.counter)\(wrap)"
}

/// The lines of the selected post as the body shows them, one entry per occurrence of the query.
private func textMatches(_ state: AppState, _ query: String) -> [Int] {
    guard !SearchText.fold(query).isEmpty, let body = Layout(state).body, let (_, lines) = PostBodyPane.shown(state, in: body) else { return [] }
    return lines.indices.flatMap { i in Array(repeating: i, count: Highlight.count(of: query, in: lines[i])) }
}

/// The text's lines changed under a search in it (a views curve came): its matches are counted again.
func recountTextMatches(_ state: inout AppState) {
    guard var s = state.channel.search, s.inText else { return }
    let matches = textMatches(state, s.query)
    s.matches = matches
    if let c = s.current, !matches.indices.contains(c) { s.current = matches.isEmpty ? nil : 0 }
    state.channel.search = s
}

/// Finds the query in the text again and shows the first match at or below line `line`.
private func findInText(_ state: inout AppState, from line: Int) {
    guard var s = state.channel.search, s.inText else { return }
    let matches = textMatches(state, s.query)
    s.matches = matches
    s.current = matches.firstIndex { $0 >= line } ?? (matches.isEmpty ? nil : 0)
    state.channel.search = s
    if let i = s.current { showLine(&state, matches[i]) }
}

/// Scrolls the body so that line `line` is on screen (at the top when it was not).
private func showLine(_ state: inout AppState, _ line: Int) {
    let rows = Layout(state).body?.height ?? 1
    if line < state.channel.bodyTop || line >= state.channel.bodyTop + rows { state.channel.bodyTop = line }
    clampScroll(&state)
}

/// Opens link `number` of the selected post (links, then the preview's URL), or without a number the first
/// link that may open: http and https only.
private func openLink(_ state: inout AppState, number: Int?) -> [Effect] {
    guard let post = state.channel.selectedPost else { return [] }
    let links = PostBodyPane.numberedLinks(post)
    guard !links.isEmpty else {
        state.status = "this post has no links"
        return []
    }
    let index: Int
    if let number {
        guard links.indices.contains(number - 1) else {
            state.status = "no link \(number) (the post has \(links.count))"
            return []
        }
        index = number - 1
    } else {
        guard let first = links.firstIndex(where: LinkOpener.isAllowed) else {
            state.status = "not opened: only http and https links open, and this post has none"
            return []
        }
        index = first
    }
    let url = links[index]
    guard LinkOpener.isAllowed(url) else {
        state.status = "not opened: only http and https links open"
        return []
    }
    state.status = (number == nil && index > 0 ? "skipped \(index) link\(index == 1 ? "" : "s") that are not http(s); " : "") + "opening \(url)"
    return [.openURL(url)]
}

/// Opens the selected post's own page at its source.
private func openPermalink(_ state: inout AppState) -> [Effect] {
    guard let post = state.channel.selectedPost else { return [] }
    guard let url = post.permalink else {
        state.status = "this post has no address of its own"
        return []
    }
    guard LinkOpener.isAllowed(url) else {
        state.status = "not opened: only http and https links open"
        return []
    }
    state.status = "opening \(url)"
    return [.openURL(url)]
}

/// Keys in the list of library matches: j/k move, Enter opens the post in its channel, q/Esc closes.
private func libraryMatchesKey(_ state: inout AppState, _ action: Action, count: Int?) -> [Effect] {
    guard var search = state.librarySearch, let matches = search.matches, !matches.isEmpty else {
        state.mode = .browse
        return []
    }
    let last = matches.count - 1
    if let n = count { search.cursor = max(0, min(last, n - 1)) }
    switch action {
    case .moveDown: search.cursor = min(last, search.cursor + 1)
    case .moveUp: search.cursor = max(0, search.cursor - 1)
    case .pageDown: search.cursor = min(last, search.cursor + 10)
    case .pageUp: search.cursor = max(0, search.cursor - 10)
    case .top: search.cursor = 0
    case .bottom: search.cursor = last
    case .open:
        state.librarySearch = search
        state.mode = .browse
        let match = matches[search.cursor]
        guard state.channels.contains(where: { $0.stored.id == match.channel }) else {
            state.pendingMatch = match
            return [.openChannel(match.channel)]
        }
        return showMatch(&state, match)
    case .back, .backOrQuit, .searchLibrary: state.mode = .browse
    case .quit: return quit(&state)
    default: break
    }
    state.librarySearch = search
    return []
}

/// Switches to the match's channel and selects its post.
private func showMatch(_ state: inout AppState, _ match: LibraryMatch) -> [Effect] {
    guard let index = state.channels.firstIndex(where: { $0.stored.id == match.channel }) else { return [] }
    switchChannel(&state, to: index)
    state.channel.search = nil
    return [.locate(channel: match.channel, posts: [match.post.id], order: state.channel.sort, goal: .select)]
}

/// Keys in the channel list: a number picks the channel (2 Enter), j/k move, Enter switches.
private func channelListKey(_ state: inout AppState, _ action: Action, count: Int?) -> [Effect] {
    let last = state.channels.count - 1
    if let n = count { state.channelCursor = max(0, min(last, n - 1)) }
    switch action {
    case .moveDown: state.channelCursor = min(last, state.channelCursor + 1)
    case .moveUp: state.channelCursor = max(0, state.channelCursor - 1)
    case .top where count == nil: state.channelCursor = 0
    case .bottom where count == nil: state.channelCursor = last
    case .open: switchChannel(&state, to: state.channelCursor)
    case .back, .backOrQuit, .channels: state.mode = .browse
    case .quit: return quit(&state)
    default: break
    }
    clampScroll(&state)
    return []
}

/// Keys in the link list: j/k move, Enter or o opens the link under the cursor (or the numbered one: 12 Enter).
private func linkListKey(_ state: inout AppState, _ action: Action, count: Int?) -> [Effect] {
    let total = state.channel.selectedPost.map { PostBodyPane.numberedLinks($0).count } ?? 0
    switch action {
    case .moveDown: state.linkCursor = min(total - 1, state.linkCursor + (count ?? 1))
    case .moveUp: state.linkCursor = max(0, state.linkCursor - (count ?? 1))
    case .top: state.linkCursor = 0
    case .bottom: state.linkCursor = max(0, total - 1)
    case .open, .openLink:
        let number = count ?? state.linkCursor + 1
        if (1...max(1, total)).contains(number) { state.linkCursor = number - 1 }
        return openLink(&state, number: number)
    case .back, .backOrQuit, .linkList: state.mode = state.linksFrom
    case .quit: return quit(&state)
    default: break
    }
    return []
}

/// Selects a post by position (clamped) and resets the body to its top.
private func select(_ state: inout AppState, _ position: Int) {
    let last = state.channel.total - 1
    let target = max(0, min(last, position))
    guard target != state.channel.selected else { return }
    state.channel.chosen = true
    state.channel.bodyTop = 0
    state.channel.selected = target
    // A search in the text goes on in the post now shown.
    if state.channel.search?.inText == true { findInText(&state, from: 0) }
}

/// Keeps the selection visible in the list and the body scroll inside the text.
func clampScroll(_ state: inout AppState) {
    guard !state.channels.isEmpty else { return }
    let layout = Layout(state)
    if let list = layout.list, list.height > 0 {
        var top = state.channel.listTop
        let sel = state.channel.selected
        if sel < top { top = sel }
        if sel >= top + list.height { top = sel - list.height + 1 }
        state.channel.listTop = max(0, min(top, max(0, state.channel.total - list.height)))
    }
    // At the top already: the body is not laid out (each key typed in a search comes here).
    guard state.channel.bodyTop > 0 else { return }
    if let body = layout.body, let (_, lines) = PostBodyPane.shown(state, in: body) {
        state.channel.bodyTop = max(0, min(state.channel.bodyTop, lines.count - body.height))
    } else {
        state.channel.bodyTop = 0
    }
}

/// Wheel scrolls what is under the pointer; a click on a list row selects it, a second click opens it.
private func mouse(_ state: inout AppState, _ m: MouseEvent) -> [Effect] {
    let layout = Layout(state)
    switch m {
    case .wheel(let up, let x, let y):
        // The pane under the pointer scrolls, whichever has the focus; the focus stays where it was.
        guard state.prompt == nil, [.browse, .post].contains(state.mode) else { return [] }
        let focus = state.focus
        if state.mode == .browse {
            if let list = layout.list, list.contains(x: x, y: y) {
                state.focus = .list
            } else if let body = layout.body, body.contains(x: x, y: y) {
                state.focus = .body
            } else if let stats = layout.stats, stats.contains(x: x, y: y) {
                state.focus = .stats
            }
        }
        let effects = perform(&state, up ? .moveUp : .moveDown, count: 3)
        state.focus = focus
        return effects
    case .click(let x, let y):
        guard state.mode == .browse, state.prompt == nil else { return [] }
        if let list = layout.list, list.contains(x: x, y: y) {
            let position = state.channel.listTop + (y - list.y)
            guard position < state.channel.total else { return [] }
            state.focus = .list
            if position == state.channel.selected { return perform(&state, .open, count: nil) }
            select(&state, position)
        } else if let body = layout.body, body.contains(x: x, y: y) {
            state.focus = .body
        } else if let stats = layout.stats, stats.contains(x: x, y: y) {
            state.focus = .stats
        }
        clampScroll(&state)
        return []
    }
}
