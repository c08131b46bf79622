import FeedModel

enum Event: Equatable {
    case key(Key)
    case resize(Size)
    case action(Action)
    case mouse(MouseEvent)
}

enum MouseEvent: Equatable {
    case wheelUp, wheelDown
    case click(x: Int, y: Int)
}

/// Work the reducer asks the runtime to do; results come back as events.
enum Effect: Equatable {
    case redraw
}

/// The only place the state changes. Pure: no I/O, no curses; effects leave as values.
@discardableResult
func reduce(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .resize(let size):
        state.size = size
        clampScroll(&state)
        return []
    case .action(let action):
        return perform(&state, action, count: 1)
    case .mouse(let m):
        return mouse(&state, m)
    case .key(let key):
        if state.mode == .help {
            // Any key closes the help overlay.
            state.mode = .browse
            return []
        }
        if case .char(let c) = key, let digit = c.wholeNumberValue, digit <= 9,
            digit > 0 || state.countPrefix != nil
        {
            state.countPrefix = min(99_999, (state.countPrefix ?? 0) * 10 + digit)
            return []
        }
        let count = state.countPrefix ?? 1
        state.countPrefix = nil
        guard let action = KeyTable.action(for: key) else { return [] }
        return perform(&state, action, count: count)
    }
}

private func perform(_ state: inout AppState, _ action: Action, count: Int) -> [Effect] {
    let layout = Layout(size: state.size, showStats: state.showStats, focus: state.focus, mode: state.mode)
    let listRows = max(1, layout.list?.height ?? 1)
    let bodyRows = max(1, layout.body?.height ?? 1)
    let scrollsBody = state.mode == .post || state.focus == .body
    switch action {
    case .moveDown, .moveUp:
        let step = action == .moveDown ? count : -count
        if scrollsBody { state.channel.bodyTop += step } else { select(&state, state.channel.selected + step) }
    case .pageDown, .pageUp:
        let page = (scrollsBody ? bodyRows : listRows) * count
        let step = action == .pageDown ? page : -page
        if scrollsBody { state.channel.bodyTop += step } else { select(&state, state.channel.selected + step) }
    case .top:
        if scrollsBody { state.channel.bodyTop = 0 } else { select(&state, 0) }
    case .bottom:
        if scrollsBody { state.channel.bodyTop = Int.max / 2 } else { select(&state, state.channel.order.count - 1) }
    case .open:
        guard state.mode == .browse, state.channel.selectedPost != nil else { break }
        state.mode = .post
        state.channel.bodyTop = 0
    case .back:
        switch state.mode {
        case .post, .help: state.mode = .browse
        case .browse: state.quit = true
        }
    case .quit:
        state.quit = true
    case .nextPane:
        let panes: [PaneID] = layout.singlePane || state.showStats ? [.list, .body, .stats] : [.list, .body]
        let i = panes.firstIndex(of: state.focus) ?? 0
        state.focus = panes[(i + 1) % panes.count]
    case .toggleStats:
        state.showStats.toggle()
        if !state.showStats && state.focus == .stats { state.focus = .list }
    case .help:
        state.mode = .help
    case .redraw:
        return [.redraw]
    case .search, .searchNext, .searchPrevious, .rate, .openLink, .sort, .channels, .previousChannel, .nextChannel:
        break
    }
    clampScroll(&state)
    return []
}

/// Selects a post by position (clamped) and resets the body to its top.
private func select(_ state: inout AppState, _ position: Int) {
    let last = state.channel.order.count - 1
    let target = max(0, min(last, position))
    if target != state.channel.selected { state.channel.bodyTop = 0 }
    state.channel.selected = target
}

/// Keeps the selection visible in the list and the body scroll inside the text.
func clampScroll(_ state: inout AppState) {
    let layout = Layout(size: state.size, showStats: state.showStats, focus: state.focus, mode: state.mode)
    if let list = layout.list, list.height > 0 {
        var top = state.channel.listTop
        let sel = state.channel.selected
        if sel < top { top = sel }
        if sel >= top + list.height { top = sel - list.height + 1 }
        state.channel.listTop = max(0, min(top, max(0, state.channel.order.count - list.height)))
    }
    if let body = layout.body, let post = state.channel.selectedPost {
        let lines = PostBodyPane.lines(for: post, width: body.width, full: state.mode == .post).count
        state.channel.bodyTop = max(0, min(state.channel.bodyTop, lines - body.height))
    } else {
        state.channel.bodyTop = 0
    }
}

/// Wheel scrolls what is under the pointer; a click on a list row selects it, a second click opens it.
private func mouse(_ state: inout AppState, _ m: MouseEvent) -> [Effect] {
    let layout = Layout(size: state.size, showStats: state.showStats, focus: state.focus, mode: state.mode)
    switch m {
    case .wheelUp, .wheelDown:
        return perform(&state, m == .wheelUp ? .moveUp : .moveDown, count: 3)
    case .click(let x, let y):
        guard state.mode == .browse else { return [] }
        if let list = layout.list, list.contains(x: x, y: y) {
            let position = state.channel.listTop + (y - list.y)
            guard position < state.channel.order.count else { return [] }
            state.focus = .list
            if position == state.channel.selected { return perform(&state, .open, count: 1) }
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
