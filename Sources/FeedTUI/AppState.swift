import FeedModel

enum PaneID: CaseIterable {
    case list, body, stats
}

enum SortOrder: String, CaseIterable {
    case newest, oldest, mostViewed = "most viewed"
}

/// Everything the screen shows about one open channel, with its own selection and scroll.
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
    var sort = SortOrder.newest

    init(_ channel: Channel) {
        self.channel = channel
        stats = ChannelStatistics(channel)
        order = Array(channel.publications.indices)
        applySort()
    }

    var selectedPost: Publication? {
        order.indices.contains(selected) ? channel.publications[order[selected]] : nil
    }

    /// Re-sorts, keeping the selected post selected.
    mutating func applySort() {
        let keep = order.indices.contains(selected) ? order[selected] : nil
        let posts = channel.publications
        switch sort {
        case .newest: order.sort { (posts[$0].date, $0) > (posts[$1].date, $1) }
        case .oldest: order.sort { (posts[$0].date, $0) < (posts[$1].date, $1) }
        case .mostViewed:
            // Unknown views sort last, whatever the direction.
            order.sort {
                let a = posts[$0].views?.value ?? -1
                let b = posts[$1].views?.value ?? -1
                return a != b ? a > b : (posts[$0].date, $0) > (posts[$1].date, $1)
            }
        }
        if let keep, let i = order.firstIndex(of: keep) { selected = i }
    }
}

enum ScreenMode: Equatable {
    case browse, post, help
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
    var focus = PaneID.list
    var showStats = true
    var useColor = true
    var countPrefix: Int?
    var status: String?
    var quit = false

    init(channels: [Channel], size: Size, useColor: Bool = true) {
        self.channels = channels.map(ChannelView.init)
        self.size = size
        self.useColor = useColor
        status = channels.first?.skipped.summary
    }

    var channel: ChannelView {
        get { channels[current] }
        set { channels[current] = newValue }
    }
}
