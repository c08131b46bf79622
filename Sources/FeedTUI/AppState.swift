import FeedLibrary
import Foundation
import FeedModel

enum PaneID: CaseIterable {
    case list, body, stats
}

/// An incremental search. Over the list, matches are positions of posts in the display order, as the library
/// found them. In a full-screen post or the body pane (`inText`), they are the text's lines, one per occurrence.
struct Search: Equatable {
    var query: String
    /// Ascending; nil until the library answers for `query` in the current order.
    var matches: [Int]? = nil
    /// Whether `matches` holds every match; when not, the first after `origin`, and the whole answer is coming.
    var complete = true
    /// Index into `matches` of the match shown.
    var current: Int?
    /// Where the selection (or in the text, the scroll) was when the search began, to go back on Esc.
    var origin: Int
    var inText = false

    /// "post 2/17" or "match 3/5": what is counted is said.
    var counter: String {
        guard let matches else { return "searching…" }
        guard !matches.isEmpty else { return "no match" }
        guard complete else { return "counting…" }
        return "\(inText ? "match" : "post") \((current ?? 0) + 1)/\(matches.count)"
    }
}

/// Everything the screen shows about one open channel: a window of its posts in the library (the rows on screen
/// and a page either side, never the whole channel), its selection and scroll, and the user's marks.
struct ChannelView: Equatable {
    /// The channel in the library, with its statistics; `channel.publications` is empty.
    var stored: LibraryChannel
    /// The posts around the screen, in `sort` order; when it does not cover the screen, the reducer asks for another.
    var window: PostWindow
    /// Position of the selected post in the order.
    var selected = 0
    /// The selection is the user's (moved to, or their last position): an import that reorders the list keeps it
    /// selected; until then the first post of the order (the newest while importing) stays selected.
    var chosen = false
    /// First visible row of the list.
    var listTop = 0
    /// First visible line of the post body (split pane or full-screen).
    var bodyTop = 0
    /// First row of the statistics pane when it is one scrolling column.
    var statsTop = 0
    var sort: PostOrder
    var search: Search?
    /// The user's own vote (1–5), the posts they opened and bookmarked, from the library.
    var userRating: Int?
    var read: Set<String> = []
    var bookmarks: Set<String> = []
    /// While the channel's first import goes on: posts imported so far, and in all; nil once it is complete.
    var importing: ImportProgress?
    /// The file, `-`, URL or followed source (`@name`, as in the subscriptions file) the channel came from: named
    /// in the channel list where titles repeat; refreshing and older pages use it.
    var source: String?
    /// When the library last got this channel from the network: shown as "cached 2 d ago" when a refresh failed.
    var cachedAt: Date?
    /// Reach at 24 h / 48 h and ERR from the library's view history.
    var reach: ViewReach?
    /// The views over time of one post (the full-screen post draws them).
    var curve: ViewCurve?
    /// An older page is being fetched, or the first post was reached.
    var loadingOlder = false
    var reachedFirst = false
    /// The library's statistics were counted on another clock than this run's (another `TZ`, `--dates`): they are
    /// counted again beside the event loop, asked once per channel and run.
    var statisticsCount: StatisticsCount?

    init(_ stored: LibraryChannel, marks: UserMarks = UserMarks(), sort: PostOrder = .newest, selected: Int = 0, window: PostWindow? = nil) {
        self.stored = stored
        self.sort = sort
        self.selected = max(0, min(stored.postCount - 1, selected))
        self.window = window ?? PostWindow(order: sort, offset: 0, posts: [])
        userRating = marks.rating
        read = marks.read
        bookmarks = marks.bookmarks
        if !stored.complete {
            importing = ImportProgress(channel: stored.id, imported: stored.postCount, bytesRead: 0, byteCount: 0)
            // Until the import ends, the posts are in the newest-first order or, read as they come, the source's.
            self.sort = .newest
            self.window.order = .newest
        }
    }

    var channel: Channel { stored.channel }
    var stats: ChannelStatistics { stored.statistics }
    /// How many posts the list has.
    var total: Int { stored.postCount }
    /// The key the library files the user's marks under.
    var key: String { stored.key }
    /// A query channel holds other channels' posts: it has no rating of its own.
    var isQuery: Bool { Library.isQueryKey(stored.key) }

    func post(at position: Int) -> Publication? {
        window.order == sort ? window.post(at: position) : nil
    }

    var selectedPost: Publication? { post(at: selected) }

    /// What stands for the statistics that depend on the clock (the weekly series, the posting rhythm) while
    /// those held were counted on another one: nil when they were counted on `clock`.
    func pending(on clock: Clock) -> String? {
        guard stats.clockID != clock.id else { return nil }
        return statisticsCount == .failed ? Fmt.unknown : "counting…"
    }
}

enum StatisticsCount: Equatable {
    case counting
    /// The library could not count them (the status line said why); they are not asked again in this run.
    case failed
}

/// A search of every channel in the library (key F): the first matches, newest first, and how many there are.
struct LibrarySearch: Equatable {
    var query = ""
    /// nil until the library answers for `query`.
    var matches: [LibraryMatch]?
    var total = 0
    var cursor = 0
    /// The most matches listed (the total counts them all).
    static let limit = 200
}

enum ScreenMode: Equatable {
    case browse, post, help, channels
    /// The matches of a library search (key F): Enter opens one in its channel.
    case libraryMatches
    /// The followed channels (when there are any and no source was named).
    case home
    /// Every link of the selected post, numbered (key L); back returns to `AppState.linksFrom`.
    case links
}

/// A one-line prompt on the bottom row that takes the keys until it is done.
enum Prompt: Equatable {
    case search
    case searchLibrary
    case rate
    /// The home screen's "mark every channel read?": one key confirms.
    case markEveryChannelRead
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
    /// The one rule every date follows (local zone by default, or each post's own offset).
    var clock: Clock
    /// A one-line message for the bottom row until the next key.
    var status: String?
    /// Why the last save failed; shown (when no other message is) until a save succeeds.
    var saveProblem: String?
    /// First line of the help overlay shown (it scrolls on small terminals).
    var helpTop = 0
    var librarySearch: LibrarySearch?
    /// A library match being opened in a channel that is not open yet: selected once the channel is added.
    var pendingMatch: LibraryMatch?
    /// Cursor of the channel list (key c).
    var channelCursor = 0
    /// Cursor of the link list (key L) and the screen it was opened from.
    var linkCursor = 0
    var linksFrom = ScreenMode.browse
    /// The home screen of followed channels; nil when feedtui was started on sources of its own.
    var home: Home?
    /// A source named on the command line, opened as soon as the library has its channel.
    var opening: String?
    /// When the followed channels are next refreshed by themselves (refresh-interval), and the loop's last tick.
    var refreshDue: Date?
    var now: Date?
    /// The notify program to run once the home rows read after a refresh name its channels: program, new posts, sources.
    var pendingNotify: (String, Int, [String])?
    /// The channel next-unread-channel is opening: its first unread post is selected once it has opened.
    var openingAtUnread: String?
    /// Help was opened from the home screen: closing it goes back there.
    var helpFromHome = false
    /// A refresh running in the background.
    var refresh: RefreshProgress?
    /// The pictures of the posts opened full-screen.
    var pictures = PictureShelf()
    var quit = false

    /// `channels` come from the library (`ChannelView.opened`); none on the home screen.
    init(channels: [ChannelView], size: Size, useColor: Bool = true, config: Config = Config(), clock: Clock = Clock()) {
        self.channels = channels
        self.clock = clock
        self.size = size
        self.useColor = useColor
        self.config = config
        let plain = channels.map(\.channel)
        status = Self.skipNotice(plain) ?? plain.lazy.compactMap(\.notice).first
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
