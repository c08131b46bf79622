import Foundation

@testable import FeedLibrary
@testable import FeedModel
@testable import FeedTUI

/// Any text as a channel's title, posts and authors, wrapped, reordered and drawn at one of several sizes, in the
/// split view and the full-screen post, in colour and without: every row of the grid exactly as wide as the terminal
/// (a wide glyph never cut or hanging over the edge), every cell as wide as its glyph, no control in any cell.
/// One line put at any column with any limit holds the same.
enum Drawing {
    static let sizes = [Size(width: 80, height: 24), Size(width: 41, height: 14), Size(width: 133, height: 40), Size(width: 24, height: 9), Size(width: 60, height: 20), Size(width: 101, height: 30)]
    static let utc = Clock(zone: TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current)

    static func problems(_ data: Data) -> [String] {
        // Fields are cut at NUL bytes: title, then posts (an HTML body when it holds a tag) and their authors.
        let fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let title = fields.first ?? ""
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var posts: [Publication] = []
        for (i, pair) in stride(from: 1, to: max(fields.count, 2), by: 2).enumerated().prefix(4) {
            let body = pair < fields.count ? fields[pair] : ""
            var p = Publication(id: "\(i + 1)", date: start.addingTimeInterval(Double(-3600 * i)), text: body)
            if body.contains("<") {
                let html = HTMLText.convert(body, base: URL(string: "https://example.com/"))
                (p.text, p.links, p.linkMarks) = (html.text, html.links, html.marks)
            }
            p.author = pair + 1 < fields.count ? fields[pair + 1] : nil
            p.views = Count(Int64(data.count * 37))
            posts.append(p)
        }
        let channel = Channel(title: title, handle: "fuzz", publications: posts)
        var header = channel
        header.publications = []
        let stored = LibraryChannel(
            id: 1, key: "@fuzz", channel: header, statistics: ChannelStatistics(channel, clock: utc), postCount: posts.count,
            unread: posts.count, complete: true)
        var problems: [String] = []
        // One size an input (the sum of its bytes chooses), both screens: the fuzzer varies the rest.
        let size = sizes[data.reduce(0) { $0 &+ Int($1) } % sizes.count]
        for (mode, useColor, selected) in [(ScreenMode.browse, true, 0), (.post, false, posts.count - 1)] {
            var view = ChannelView(stored, sort: .newest, selected: selected, window: PostWindow(order: .newest, offset: 0, posts: posts))
            view.chosen = true
            var state = AppState(channels: [view], size: size, useColor: useColor, clock: utc)
            state.mode = mode
            problems += rowProblems(Screen.render(state), "\(mode) at \(size.width)x\(size.height)")
        }
        // One line anywhere: the column and the limit from the input's first bytes.
        let bytes = [UInt8](data.prefix(2))
        var grid = Grid(width: 37, height: 2)
        let x = Int(bytes.first ?? 0) % 40
        let limit = Int(bytes.count > 1 ? bytes[1] : 50) % 45
        grid.put(title, x: x, y: 0, limit: limit)
        grid.put([Span(text: title, style: .plain), Span(text: fields.last ?? "", style: Style(bold: true), direction: x % 2 == 0 ? .rightToLeft : .leftToRight)], x: 37 - x % 37 - 1, y: 1, limit: limit)
        problems += rowProblems(grid, "a line at column \(x), limit \(limit)")
        return problems
    }

    static func rowProblems(_ grid: Grid, _ place: String) -> [String] {
        var problems: [String] = []
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let cell = grid[x, y]
                if let c = control(in: cell.text, multiline: false) {
                    problems.append("\(place): row \(y) column \(x) holds the control \(describe(c))")
                }
                guard cell.width == 1 || cell.width == 2 else {
                    problems.append("\(place): row \(y) column \(x) is a cell of width \(cell.width) not after a wide glyph")
                    break
                }
                // What the terminal makes of the cell (wcwidth of each character): a spacing character first, then
                // at most `marksPerCell` zero-width ones, all known to its table, as wide as the cell.
                let scalars = Array(cell.text.unicodeScalars)
                let widths = scalars.map(DisplayWidth.columns)
                if widths.contains(nil) || widths.first == 0 || scalars.count > 1 + DisplayWidth.marksPerCell
                    || widths.reduce(0, { $0 + ($1 ?? 0) }) != Int(cell.width)
                {
                    problems.append("\(place): row \(y) column \(x): \(cell.text.unicodeScalars.map(describe)) in a cell of \(cell.width)")
                }
                if cell.width == 2, x + 1 >= grid.width || grid[x + 1, y].width != 0 {
                    problems.append("\(place): row \(y): the wide glyph \(cell.text.debugDescription) at column \(x) is cut")
                }
                x += Int(cell.width)
            }
            if x != grid.width { problems.append("\(place): row \(y) is \(x) columns wide in a terminal of \(grid.width)") }
        }
        return problems
    }
}
