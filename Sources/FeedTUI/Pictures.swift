import FeedLibrary
import FeedModel
import Foundation

/// One picture at the size a post draws it: its address (or export path), the channel it belongs to (an export's
/// pictures are found beside its file) and the most cells it may take.
struct PictureRequest: Hashable, Sendable {
    var address: String
    var channel: String
    var columns: Int
    var rows: Int
}

/// Where a picture stands: being fetched and drawn (the marker holds its place), drawn, or refused with a word.
enum PictureState: Equatable {
    case loading
    case drawn([StyledLine])
    case refused(String)
}

/// The pictures of the posts opened full-screen, drawn beside the event loop and kept for the few posts read last.
struct PictureShelf: Equatable {
    /// images = "auto" in config.toml, and a terminal with 256 colours (not NO_COLOR, not monochrome).
    var enabled = false
    /// The user hid them (key I) for this run.
    var hidden = false
    private(set) var drawings: [PictureRequest: PictureState] = [:]
    /// Oldest first: past `kept`, the oldest drawing is forgotten (drawn again from the cache if needed).
    private var order: [PictureRequest] = []
    static let kept = 48

    var showing: Bool { enabled && !hidden }

    subscript(_ request: PictureRequest) -> PictureState? { drawings[request] }

    mutating func set(_ request: PictureRequest, _ state: PictureState) {
        if drawings.updateValue(state, forKey: request) == nil { order.append(request) }
        while order.count > Self.kept { drawings[order.removeFirst()] = nil }
    }
}

extension PictureShelf {
    /// The pictures the full-screen post draws, at the sizes it draws them (`PostBodyPane.pictureSlots`).
    static func wanted(_ state: AppState) -> [PictureRequest] {
        guard state.pictures.showing, state.mode == .post, !state.channels.isEmpty, let post = state.channel.selectedPost,
            let pane = Layout(state).body
        else { return [] }
        let area = PostBodyPane.textArea(state, in: pane)
        return PostBodyPane.pictureSlots(post, width: area.width).map {
            PictureRequest(address: $0.address, channel: state.channel.key, columns: $0.columns, rows: rows(in: area))
        }
    }

    /// The most rows a picture takes: the text area's height less a line above and below, so one fits on screen.
    static func rows(in area: Rect) -> Int { max(2, area.height - 2) }
}

/// Asks for the pictures the screen shows that are neither drawn nor being drawn (called after every event).
func pictureRequests(_ state: inout AppState) -> [Effect] {
    PictureShelf.wanted(state).filter { state.pictures[$0] == nil }.map { request in
        state.pictures.set(request, .loading)
        return .loadPicture(request)
    }
}

extension PictureRequest {
    /// Fetched (or read from the cache or the export), decoded and drawn; a picture that cannot be is refused with
    /// the reason. Blocks: the runner calls it beside the event loop.
    func draw(from store: PictureStore, cancel: Cancellation) -> PictureState {
        do {
            let data = try store.bytes(address, channel: channel, cancel: cancel)
            let lines = PictureCells.draw(try PictureDecoder.decode(data), columns: columns, rows: rows)
            return lines.isEmpty ? .refused("cannot be drawn") : .drawn(lines)
        } catch let error as FeedError {
            return .refused(error.message)
        } catch let refusal as PictureDecoder.Refusal {
            return .refused(refusal.reason)
        } catch {
            return .refused("cannot be drawn")
        }
    }
}

extension PictureStore {
    /// Downloads pictures with the cap of one picture, program-wide.
    static let fetcher = PictureStore.fetcher(userAgent: "feedtui/\(FeedTUI.version)")

    /// The cache folder and its size from the settings.
    static func configured(_ config: Config) -> PictureStore {
        PictureStore(folder: defaultFolder(), cacheLimit: Int64(config.imageCache) << 20, fetcher: fetcher)
    }
}
