import FeedModel

enum PaneID: CaseIterable {
    case list, body, stats
}

enum SortOrder: String, CaseIterable {
    case newest, oldest, mostViewed = "most viewed"

    var next: SortOrder {
        let all = SortOrder.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }
}

/// An incremental search: matches are positions in the display order, recomputed as the query changes.
struct Search: Equatable {
    var query: String
    var matches: [Int] = []
    /// Index into `matches` of the match the selection is on.
    var current: Int?
    /// Where the selection was when the search began, to go back on Esc.
    var origin: Int
    /// The folded query and the sort order `matches` were computed for.
    var matchedNeedle: String?
    var matchedOrder: SortOrder?

    var counter: String {
        guard !matches.isEmpty else { return "no match" }
        return "\((current ?? 0) + 1)/\(matches.count)"
    }
}

/// Everything the screen shows about one open channel, with its own selection, scroll and the user's marks.
struct ChannelView {
    var channel: Channel
    var stats: ChannelStatistics
    /// Indexes into `channel.publications`, in display order.
    var order: [Int]
    /// Position in `order`.
    var selected = 0
    /// First visible row of the list.
    var listTop = 0
    /// First visible line of the post body (split pane or full-screen).
    var bodyTop = 0
    /// First row of the statistics pane when it is one scrolling column.
    var statsTop = 0
    var sort = SortOrder.newest
    var search: Search?
    /// The user's own vote (1–5) and the posts they opened, from the state database.
    var userRating: Int?
    var read: Set<String> = []
    var bookmarks: Set<String> = []
    /// Case- and diacritic-folded text of each publication, built on the first search.
    private var searchIndex: [String]?

    init(_ channel: Channel, sort: SortOrder = .newest) {
        self.channel = channel
        stats = ChannelStatistics(channel)
        order = Array(channel.publications.indices)
        self.sort = sort
        applySort()
        selected = 0
    }

    /// The key the state database files this channel under.
    var key: String {
        if let handle = channel.handle { return "@" + handle }
        return channel.url ?? channel.title
    }

    var selectedPost: Publication? {
        order.indices.contains(selected) ? channel.publications[order[selected]] : nil
    }

    /// Re-sorts, keeping the selected post selected.
    mutating func applySort() {
        let keep: Int? = order.indices.contains(selected) ? order[selected] : nil
        let posts = channel.publications
        let dates = Publication.placeDates(posts)
        switch sort {
        case .newest: order.sort { (dates[$0], $1) > (dates[$1], $0) }
        case .oldest: order.sort { (dates[$0], $0) < (dates[$1], $1) }
        case .mostViewed:
            // Unknown views sort last.
            order.sort {
                let a = posts[$0].views?.value ?? -1
                let b = posts[$1].views?.value ?? -1
                return a != b ? a > b : (dates[$0], $1) > (dates[$1], $0)
            }
        }
        if let keep, let i = order.firstIndex(of: keep) { selected = i }
        if search != nil { findMatches() }
    }

    /// Selects the post with this id, if present (the last position from the state database).
    mutating func select(id: String) {
        if let i = order.firstIndex(where: { channel.publications[$0].id == id }) { selected = i }
    }

    /// Text, link preview and links: everything a search looks through.
    static func searchable(_ p: Publication) -> String {
        var parts = [p.text]
        if let lp = p.linkPreview { parts += [lp.site, lp.title, lp.description, lp.url].compactMap { $0 } }
        parts += p.links
        if let from = p.forwardedFrom { parts.append(from) }
        return parts.joined(separator: "\n")
    }

    /// Recomputes the matches. When the query only grew (typing), only the previous matches are looked at again.
    mutating func findMatches() {
        guard var s = search else { return }
        let needle = SearchText.fold(s.query)
        if searchIndex == nil {
            var folder = SearchText()
            searchIndex = channel.publications.map { folder.fold(Self.searchable($0)) }
        }
        let index = searchIndex ?? []
        if needle.isEmpty {
            s.matches = []
        } else if let previous = s.matchedNeedle, !previous.isEmpty, needle.hasPrefix(previous), s.matchedOrder == sort {
            s.matches = s.matches.filter { SearchText.contains(index[order[$0]], needle) }
        } else {
            s.matches = order.indices.filter { SearchText.contains(index[order[$0]], needle) }
        }
        s.matchedNeedle = needle
        s.matchedOrder = sort
        s.current = s.matches.firstIndex(of: selected)
        search = s
    }
}

enum ScreenMode: Equatable {
    case browse, post, help, channels
    /// Every link of the selected post, numbered (key L); back returns to `AppState.linksFrom`.
    case links
}

/// A one-line prompt on the bottom row that takes the keys until it is done.
enum Prompt: Equatable {
    case search
    case rate
}

struct Size: Equatable {
    var width: Int
    var height: Int
}

/// The whole app state. `reduce` is the only thing that changes it; rendering only reads it.
struct AppState {
    var channels: [ChannelView]
    var current = 0
    var size: Size
    var mode = ScreenMode.browse
    var prompt: Prompt?
    var focus = PaneID.list
    var showStats = true
    var useColor = true
    /// The user's keys, theme and settings.
    var config: Config
    var countPrefix: Int?
    /// A one-line message for the bottom row until the next key.
    var status: String?
    /// First line of the help overlay shown (it scrolls on small terminals).
    var helpTop = 0
    /// Cursor of the channel list (key c).
    var channelCursor = 0
    /// Cursor of the link list (key L) and the screen it was opened from.
    var linkCursor = 0
    var linksFrom = ScreenMode.browse
    var quit = false

    init(channels: [Channel], size: Size, useColor: Bool = true, config: Config = Config()) {
        self.channels = channels.map { ChannelView($0, sort: config.sort) }
        self.size = size
        self.useColor = useColor
        self.config = config
        status = Self.skipNotice(channels) ?? channels.lazy.compactMap(\.notice).first
    }

    /// What the importers skipped, for the status line at start: the first channel with skips, named when
    /// several are open.
    static func skipNotice(_ channels: [Channel]) -> String? {
        guard let ch = channels.first(where: { $0.skipped.count > 0 }), let summary = ch.skipped.summary else { return nil }
        let others = channels.filter { $0.skipped.count > 0 }.count - 1
        let name = channels.count > 1 ? "\(ch.title): " : ""
        return name + summary + (others > 0 ? " (and \(others) more channel\(others == 1 ? "" : "s"))" : "")
    }

    /// The current channel, modified in place (a get/set pair would copy its large arrays on every change).
    var channel: ChannelView {
        get { channels[current] }
        _modify { yield &channels[current] }
    }
}
