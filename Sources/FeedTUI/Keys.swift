import FeedModel

/// A key as the backend reports it, independent of curses.
enum Key: Hashable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace

    /// Names used by `feedtui screen --keys` and in help: "j", "Enter", "C-l", "PgDn", "Space".
    init?(name: String) {
        switch name {
        case "Enter", "Return": self = .enter
        case "Esc", "Escape": self = .escape
        case "Tab": self = .tab
        case "BTab", "S-Tab": self = .backTab
        case "BSpace", "Backspace": self = .backspace
        case "Up": self = .up
        case "Down": self = .down
        case "Left": self = .left
        case "Right": self = .right
        case "PgUp", "PageUp", "PPage": self = .pageUp
        case "PgDn", "PageDown", "NPage": self = .pageDown
        case "Home": self = .home
        case "End": self = .end
        case "Space": self = .char(" ")
        default:
            if name.hasPrefix("C-"), name.count == 3, let c = name.last {
                self = .ctrl(c)
            } else if name.count == 1, let c = name.first, !c.unicodeScalars.contains(where: Sanitize.isControl) {
                // A control character (ESC, U+009B) is no key a terminal sends as a character, and shown in help
                // it would steer the terminal.
                self = .char(c)
            } else {
                return nil
            }
        }
    }

    /// The name the configuration file and `feedtui screen --keys` use: the inverse of `init(name:)`.
    var name: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "C-\(c)"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "BSpace"
        }
    }

    /// The key as help shows it: its name, with arrows drawn.
    var label: String {
        switch self {
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        default: name
        }
    }
}

/// What the user can ask for, apart from the keys that ask for it (tests call actions directly).
enum Action: Equatable, Hashable {
    case moveDown, moveUp, pageDown, pageUp, top, bottom
    case open, back, backOrQuit, quit
    case nextPost, previousPost
    case nextPane, toggleStats
    case search, searchNext, searchPrevious, searchLibrary
    case rate, openLink, linkList, openPermalink, sort, bookmark, nextBookmark, togglePictures
    case channels, previousChannel, nextChannel
    case help, redraw
    case refreshAll, refreshCurrent, nextUnread, nextUnreadChannel, toggleRead, markChannelRead, pickTag

    /// The action's name in the configuration file: the case name in kebab case (`moveDown` is `move-down`), so
    /// a new action is configurable without more code.
    var configName: String {
        var name = ""
        for c in String(describing: self) {
            if c.isUppercase { name += "-" + c.lowercased() } else { name.append(c) }
        }
        return name
    }
}

/// One row of the key table: the keys, the action, and the help text. The reducer, the help overlay, the hint
/// line and `--help` all read this table, so they cannot drift apart.
struct KeyBinding: Equatable {
    var keys: [Key]
    var action: Action
    var help: String
    /// Short labels for the hint line in the browser and in a full-screen post; nil keeps the binding out.
    var hint: String?
    var postHint: String?

    /// The help text with `%k` written as the key in force ("5%k: the 5th post" is "5G…" by default).
    var helpText: String { help.replacingOccurrences(of: "%k", with: keys.first?.name ?? "") }
}

/// The keys in force: the standard table, or the one the configuration file made from it.
struct KeyTable: Equatable {
    private(set) var bindings: [KeyBinding]
    private var byKey: [Key: Action] = [:]

    init(bindings: [KeyBinding]) {
        self.bindings = bindings
        for b in bindings { for k in b.keys { byKey[k] = b.action } }
    }

    static let standard = KeyTable(bindings: [
        KeyBinding(keys: [.char("j"), .down], action: .moveDown, help: "next post (or scroll down)", hint: "move", postHint: "scroll"),
        KeyBinding(keys: [.char("k"), .up], action: .moveUp, help: "previous post (or scroll up)"),
        KeyBinding(keys: [.pageDown, .char(" ")], action: .pageDown, help: "page down", postHint: "page"),
        KeyBinding(keys: [.pageUp, .char("b")], action: .pageUp, help: "page up"),
        KeyBinding(keys: [.char("g"), .home], action: .top, help: "first post / top (5%k: the 5th post)"),
        KeyBinding(keys: [.char("G"), .end], action: .bottom, help: "last post / bottom (5%k: the 5th post)"),
        KeyBinding(keys: [.char("J")], action: .nextPost, help: "next post, also from a full-screen post", postHint: "post"),
        KeyBinding(keys: [.char("K")], action: .previousPost, help: "previous post, also from a full-screen post"),
        KeyBinding(keys: [.enter, .char("l"), .right], action: .open, help: "open the post full-screen", hint: "open"),
        KeyBinding(keys: [.char("q")], action: .backOrQuit, help: "back one level; on the list: quit", hint: "quit", postHint: "back"),
        KeyBinding(keys: [.escape, .char("h"), .left], action: .back, help: "back one level: post, pane or kept search to the list"),
        KeyBinding(keys: [.char("Q")], action: .quit, help: "quit from anywhere"),
        KeyBinding(keys: [.tab], action: .nextPane, help: "focus the next pane", hint: "pane"),
        KeyBinding(keys: [.char("s")], action: .toggleStats, help: "show or hide the statistics pane", hint: "stats"),
        KeyBinding(keys: [.char("/")], action: .search, help: "search text, previews and links", hint: "search", postHint: "search"),
        KeyBinding(keys: [.char("F")], action: .searchLibrary, help: "search every channel of the library"),
        KeyBinding(keys: [.char("n")], action: .searchNext, help: "next search match"),
        KeyBinding(keys: [.char("N")], action: .searchPrevious, help: "previous search match"),
        KeyBinding(keys: [.char("S")], action: .sort, help: "sort: newest, oldest, most viewed"),
        KeyBinding(keys: [.char("r")], action: .rate, help: "rate the channel: r then 1–5, r 0 withdraws", hint: "rate"),
        KeyBinding(keys: [.char("m")], action: .bookmark, help: "bookmark the post, or remove its bookmark"),
        KeyBinding(keys: [.char("'")], action: .nextBookmark, help: "next bookmarked post"),
        KeyBinding(keys: [.char("o")], action: .openLink, help: "open the first http(s) link; 3%k opens link 3", postHint: "open link"),
        KeyBinding(keys: [.char("L")], action: .linkList, help: "list the post's links to open one", postHint: "links"),
        KeyBinding(keys: [.char("p")], action: .openPermalink, help: "open the post's own page at its source"),
        KeyBinding(keys: [.char("I")], action: .togglePictures, help: "show or hide the pictures of a full-screen post"),
        KeyBinding(keys: [.char("c")], action: .channels, help: "list of open channels"),
        KeyBinding(keys: [.char("[")], action: .previousChannel, help: "previous channel"),
        KeyBinding(keys: [.char("]")], action: .nextChannel, help: "next channel"),
        KeyBinding(keys: [.char("R")], action: .refreshAll, help: "refresh every followed channel"),
        KeyBinding(keys: [.ctrl("r")], action: .refreshCurrent, help: "refresh this channel"),
        KeyBinding(keys: [.char("u")], action: .nextUnread, help: "next unread post; home screen: next channel with unread posts"),
        KeyBinding(keys: [.char(">")], action: .nextUnreadChannel, help: "the next channel with unread posts, at its first unread post"),
        KeyBinding(keys: [.char("U")], action: .toggleRead, help: "mark the post read or unread"),
        KeyBinding(keys: [.char("A")], action: .markChannelRead, help: "mark the whole channel read; home screen: every channel, after y"),
        KeyBinding(keys: [.char("T")], action: .pickTag, help: "home screen: pick a tag, each with its unread posts"),
        KeyBinding(keys: [.char("?")], action: .help, help: "this help", hint: "help", postHint: "help"),
        KeyBinding(keys: [.ctrl("l")], action: .redraw, help: "redraw the screen"),
    ])

    func action(for key: Key) -> Action? { byKey[key] }

    func keys(for action: Action) -> [Key] { bindings.first { $0.action == action }?.keys ?? [] }

    /// The first key of `action` as help shows it, nil when the action is unbound: hints name the keys in force.
    func label(_ action: Action) -> String? { keys(for: action).first?.label }

    /// A copy with these actions bound to these keys instead (an empty list unbinds the action).
    func rebinding(_ keys: [Action: [Key]]) -> KeyTable {
        KeyTable(bindings: bindings.map { b in
            var b = b
            if let k = keys[b.action] { b.keys = k }
            return b
        })
    }

    /// "j/k move  Enter open  Tab pane  / search  s stats  r rate  ? help  q quit"; in a post, its own keys.
    func hintLine(inPost: Bool = false) -> String {
        // Leaving is the hint users look for last; keep it at the end as in the spec's screen.
        let ordered = bindings.filter { $0.action != .backOrQuit } + bindings.filter { $0.action == .backOrQuit }
        return ordered.compactMap { b -> String? in
            // An unbound action has no hint.
            guard let hint = inPost ? b.postHint : b.hint, let first = b.keys.first else { return nil }
            let keys =
                switch b.action {
                case .moveDown: first.label + (self.keys(for: .moveUp).first.map { "/" + $0.label } ?? "")
                case .openLink: "[n]" + first.label
                case .nextPost: first.label + (self.keys(for: .previousPost).first.map { "/" + $0.label } ?? "")
                default: first.label
                }
            return "\(keys) \(hint)"
        }.joined(separator: "  ")
    }
}
