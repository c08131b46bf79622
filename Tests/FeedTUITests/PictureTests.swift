import FeedLibrary
import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

/// Decoding and drawing real pictures (Pictures/, made by make-pictures.py: four flat quadrants, red, green, blue and
/// yellow), hostile ones, and the full-screen post that draws them beside the loop.
final class PictureTests: XCTestCase {
    static let folder = Fixture.root.appendingPathComponent("Tests/FeedTUITests/Pictures")

    func picture(_ name: String) throws -> Data { try Data(contentsOf: Self.folder.appendingPathComponent(name)) }

    func refusal(_ data: Data) -> String {
        do {
            let p = try PictureDecoder.decode(data)
            return "decoded \(p.width) × \(p.height)"
        } catch {
            return error.reason
        }
    }

    /// The RGB of a pixel.
    func rgb(_ p: Pixels, _ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(p.rgba[(y * p.width + x) * 4 + $0]) } }

    func assertNear(_ a: [Int], _ b: [Int], _ tolerance: Int, _ what: String, line: UInt = #line) {
        XCTAssertTrue(zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }, "\(what): \(a) is not near \(b)", line: line)
    }

    static let red = [230, 20, 20], green = [20, 200, 20], blue = [20, 20, 230], yellow = [240, 220, 20]

    func testDecodesJPEGPNGAndWebP() throws {
        for (name, w, h, tolerance) in [("photo.jpg", 64, 48, 24), ("photo.png", 48, 48, 0), ("photo.webp", 32, 32, 24)] {
            let p = try PictureDecoder.decode(try picture(name))
            XCTAssertEqual([p.width, p.height], [w, h], name)
            XCTAssertEqual(p.rgba.count, w * h * 4, name)
            assertNear(rgb(p, w / 4, h / 4 + 2), Self.red, tolerance, "\(name) top left")
            assertNear(rgb(p, 3 * w / 4, h / 4), Self.green, tolerance, "\(name) top right")
            assertNear(rgb(p, w / 4, 3 * h / 4), Self.blue, tolerance, "\(name) bottom left")
            assertNear(rgb(p, 3 * w / 4, 3 * h / 4), Self.yellow, tolerance, "\(name) bottom right")
        }
        // The PNG's transparent corner keeps its alpha.
        let png = try PictureDecoder.decode(try picture("photo.png"))
        XCTAssertEqual(png.rgba[3], 0)
        XCTAssertEqual(png.rgba[(10 * 48 + 10) * 4 + 3], 255)
    }

    func testAJPEGLargerThanTheLimitIsDecodedSmaller() throws {
        let jpeg = try picture("photo.jpg")
        // 64 × 48 = 3072 pixels: at 1/2 (768) within 1000, at 1/4 (192) within 500, at 1/8 (48) within 50.
        for (limit, size) in [(4000, [64, 48]), (1000, [32, 24]), (500, [16, 12]), (50, [8, 6])] {
            let p = try PictureDecoder.decode(jpeg, limit: limit)
            XCTAssertEqual([p.width, p.height], size, "limit \(limit)")
            assertNear(rgb(p, size[0] / 4, size[1] / 4), Self.red, 40, "limit \(limit): top left")
            assertNear(rgb(p, 3 * size[0] / 4, 3 * size[1] / 4), Self.yellow, 40, "limit \(limit): bottom right")
        }
        // More than 64 times the limit: refused from its header; a PNG or WebP over it at all.
        XCTAssertThrowsError(try PictureDecoder.decode(jpeg, limit: 47))
        XCTAssertThrowsError(try PictureDecoder.decode(try picture("photo.png"), limit: 48 * 48 - 1))
        XCTAssertEqual(try PictureDecoder.decode(try picture("photo.webp"), limit: 32 * 32).width, 32)
        XCTAssertThrowsError(try PictureDecoder.decode(try picture("photo.webp"), limit: 32 * 32 - 1))
    }

    /// A PNG of `width` × `height` pixels by its header, with `data` bytes of zeros compressed after it.
    static func claimedPNG(width: UInt32, height: UInt32) -> Data {
        func chunk(_ kind: String, _ body: [UInt8]) -> [UInt8] {
            let kindBytes = Array(kind.utf8)
            let crc = crc32(kindBytes + body)
            return bigEndian(UInt32(body.count)) + kindBytes + body + bigEndian(crc)
        }
        let header = bigEndian(width) + bigEndian(height) + [8, 6, 0, 0, 0]
        // A stored (uncompressed) zlib stream of 16 zero bytes: the start of the first row.
        let idat: [UInt8] = [0x78, 0x01, 0x01, 0x10, 0x00, 0xEF, 0xFF] + [UInt8](repeating: 0, count: 16) + [0x00, 0x00, 0x00, 0x00]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", idat) + chunk("IEND", []))
    }

    static func bigEndian(_ n: UInt32) -> [UInt8] { [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    func testHostilePicturesAreRefusedBeforeTheyCostAnything() throws {
        // A decompression bomb: a small file claiming 50 000 × 50 000 pixels is refused from its header, at once.
        let bomb = Self.claimedPNG(width: 50_000, height: 50_000)
        XCTAssertLessThan(bomb.count, 100)
        let started = Date()
        XCTAssertEqual(refusal(bomb), "too large (50000 × 50000 pixels)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5)
        // Within the limit by its header but cut short: damaged, not half drawn.
        XCTAssertEqual(refusal(Self.claimedPNG(width: 100, height: 100)), "damaged PNG")
        let jpeg = try picture("photo.jpg")
        XCTAssertEqual(refusal(jpeg.prefix(jpeg.count / 2)), "damaged JPEG")
        XCTAssertEqual(refusal(jpeg.prefix(40)), "damaged JPEG")
        let webp = try picture("photo.webp")
        XCTAssertEqual(refusal(Data("RIFF\u{40}\0\0\0WEBPVP8 ".utf8) + Data((0..<40).map { UInt8($0) })), "damaged WebP")
        XCTAssertEqual(refusal(webp.prefix(webp.count - 20)), "damaged WebP")
        XCTAssertEqual(refusal(Data("<html>not a picture</html>".utf8)), "not a JPEG, PNG or WebP picture")
        XCTAssertEqual(refusal(Data()), "not a JPEG, PNG or WebP picture")
        // The same sizes through the limit itself: one pixel over is refused.
        XCTAssertNoThrow(try PictureDecoder.check(width: 4096, height: 4096))
        XCTAssertThrowsError(try PictureDecoder.check(width: 4097, height: 4096))
        XCTAssertThrowsError(try PictureDecoder.check(width: 70_000, height: 1))
    }

    /// The colour a cell shows most: its background for a space, else its foreground.
    func shown(_ line: StyledLine, _ x: Int) -> [Int]? {
        var col = 0
        for span in line {
            for c in span.text {
                if col == x {
                    guard let index = c == " " ? span.style.background : span.style.foreground ?? span.style.background else { return nil }
                    return Palette.rgb(index)
                }
                col += 1
            }
        }
        return nil
    }

    func testDrawnAsColouredCellsWhereThePictureHasThem() throws {
        let p = try PictureDecoder.decode(try picture("photo.png"))
        let lines = PictureCells.draw(p, columns: 40, rows: 30)
        // 48 × 48 pixels fitted to 40 columns: cells are twice as tall as wide, so 20 rows.
        XCTAssertEqual(lines.count, 20)
        for line in lines { XCTAssertEqual(line.reduce(0) { $0 + $1.text.count }, 40) }
        // Only the 240 fixed colours, never the terminal's 16 themable ones.
        for line in lines { for span in line { for c in [span.style.foreground, span.style.background].compactMap({ $0 }) { XCTAssertGreaterThanOrEqual(c, 16) } } }
        for (x, y, colour, name) in [(10, 6, Self.red, "red"), (30, 5, Self.green, "green"), (10, 15, Self.blue, "blue"), (30, 15, Self.yellow, "yellow")] {
            let c = try XCTUnwrap(shown(lines[y], x), "\(name) at \(x),\(y)")
            assertNear(c, colour, 60, "\(name) at \(x),\(y)")
        }
        // Fitted to the rows when those are fewer.
        XCTAssertEqual(PictureCells.draw(p, columns: 40, rows: 5).count, 5)
        XCTAssertEqual(PictureCells.draw(p, columns: 40, rows: 5).first.map { $0.reduce(0) { $0 + $1.text.count } }, 10)
    }

    // MARK: The full-screen post

    /// A Telegram Desktop export made here: two posts, a photo (JPEG) and a video with its thumbnail (PNG).
    func makeExport() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("video_files"), withIntermediateDirectories: true)
        try picture("photo.jpg").write(to: folder.appendingPathComponent("photos/photo_1.jpg"))
        try picture("photo.png").write(to: folder.appendingPathComponent("video_files/clip.mp4_thumb.png"))
        let json = """
            {"name": "Pictures", "type": "public_channel", "id": 7, "messages": [
              {"id": 1, "type": "message", "date": "2021-05-01T12:00:00", "date_unixtime": "1619870400", "photo": "photos/photo_1.jpg",
               "text": "A photo of four colours."},
              {"id": 2, "type": "message", "date": "2021-05-02T12:00:00", "date_unixtime": "1619956800", "file": "video_files/clip.mp4",
               "thumbnail": "video_files/clip.mp4_thumb.png", "media_type": "video_file", "duration_seconds": 12, "text": "A video."},
              {"id": 3, "type": "message", "date": "2021-05-03T12:00:00", "date_unixtime": "1620043200", "photo": "photos/missing.jpg",
               "text": "A photo the export lacks."}
            ]}
            """
        let path = folder.appendingPathComponent("result.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The export opened as `feedtui screen` opens it, pictures on, its pictures read by the runner's store.
    func opened(_ path: String, _ width: Int = 100, _ height: Int = 40) throws -> (AppState, EffectRunner) {
        let folder = (path as NSString).deletingLastPathComponent
        let library = try Library(path: folder + "/library.sqlite", clock: Fixture.utc)
        let ids = try library.importChannels(try FeedLoader.load(path: path), from: Source(path))
        let view = try XCTUnwrap(try ChannelView.opened(XCTUnwrap(ids.first), library: library, sort: .newest))
        var state = AppState(channels: [view], size: Size(width: width, height: height), useColor: true, clock: Fixture.utc)
        state.pictures.enabled = true
        let store = PictureStore(folder: folder + "/cache", cacheLimit: 1 << 20, fetcher: nil)
        let runner = EffectRunner(library: library, inline: true, pictures: store)
        runner.drive(&state, .resize(state.size))
        return (state, runner)
    }

    func testAPostDrawsItsPictureWhereItStands() throws {
        let path = try makeExport()
        var (state, runner) = try opened(path)
        // The oldest post: the photo, drawn between the header and the text.
        for key in ["G", "Enter"] { runner.drive(&state, .key(try XCTUnwrap(Key(name: key)))) }
        let grid = Screen.render(state)
        assertGolden(grid, "picture-post-100x40")
        let rows = grid.lines
        let header = try XCTUnwrap(rows.firstIndex { $0.contains("May 1, 2021 12:00") })
        let text = try XCTUnwrap(rows.firstIndex { $0.contains("A photo of four colours.") })
        XCTAssertFalse(rows.contains { $0.contains("[photo") }, "the picture took the marker's place")
        // Its cells are coloured: red at the top left, yellow at the bottom right, within the post's text width.
        let area = PostBodyPane.textArea(state, in: try XCTUnwrap(Layout(state).body))
        let top = header + 1
        let bottom = text - 2
        XCTAssertGreaterThan(bottom - top, 10)
        let topLeft = grid[area.x + 5, top + 3].style, bottomRight = grid[area.maxX - 5, bottom - 3].style
        let tl = try XCTUnwrap(topLeft.background ?? topLeft.foreground), br = try XCTUnwrap(bottomRight.background ?? bottomRight.foreground)
        assertNear(Palette.rgb(tl), Self.red, 70, "top left")
        assertNear(Palette.rgb(br), Self.yellow, 70, "bottom right")
        XCTAssertEqual(grid[area.maxX, top + 3].style, Style(), "nothing past the text width")

        // The video: its marker, then its thumbnail under it.
        runner.drive(&state, .key(.char("K")))
        let videoGrid = Screen.render(state)
        let marker = try XCTUnwrap(videoGrid.lines.firstIndex { $0.contains("[video: clip.mp4 · 0:12]") })
        let under = videoGrid[area.x + 15, marker + 4].style
        assertNear(Palette.rgb(try XCTUnwrap(under.background ?? under.foreground)), Self.red, 70, "the thumbnail's top left")
        // A photo the export lacks: the marker, with the word.
        runner.drive(&state, .key(.char("K")))
        XCTAssertTrue(Screen.render(state).lines.contains { $0.contains("[photo: missing.jpg] not shown: no such file") })
    }

    func testTheMarkerHoldsItsPlaceUntilThePictureIsReadyAndIHidesIt() throws {
        let path = try makeExport()
        var (state, runner) = try opened(path)
        runner.drive(&state, .key(.char("G")))
        // Opened by the reducer alone (as on the terminal, where the answer comes later through the inbox).
        let effects = reduce(&state, .key(.enter))
        let request = try XCTUnwrap(effects.compactMap { if case .loadPicture(let r) = $0 { r } else { nil } }.first)
        XCTAssertEqual(request.address, "photos/photo_1.jpg")
        XCTAssertEqual(request.channel, URL(fileURLWithPath: path).standardizedFileURL.path)
        XCTAssertEqual(request.columns, 80)
        XCTAssertEqual(state.pictures[request], .loading)
        XCTAssertTrue(Screen.render(state).lines.contains { $0.contains("[photo: photo_1.jpg]") }, "the marker while loading")
        // Asked once: the next event does not ask again.
        XCTAssertFalse(reduce(&state, .key(.char("j"))).contains(.loadPicture(request)))
        let answer = try XCTUnwrap(runner.run(.loadPicture(request), terminal: nil, browser: nil))
        reduce(&state, answer)
        XCTAssertFalse(Screen.render(state).lines.contains { $0.contains("[photo: photo_1.jpg]") })
        // I hides the pictures (the marker again), I shows them.
        runner.drive(&state, .key(.char("I")))
        XCTAssertEqual(state.status, "pictures hidden")
        XCTAssertTrue(Screen.render(state).lines.contains { $0.contains("[photo: photo_1.jpg]") })
        runner.drive(&state, .key(.char("I")))
        XCTAssertFalse(Screen.render(state).lines.contains { $0.contains("[photo: photo_1.jpg]") })
        // Off (images = "off", NO_COLOR, a monochrome terminal): markers, and nothing is asked.
        state.pictures = PictureShelf()
        XCTAssertEqual(reduce(&state, .key(.char("j"))).filter { if case .loadPicture = $0 { true } else { false } }, [])
        XCTAssertTrue(Screen.render(state).lines.contains { $0.contains("[photo: photo_1.jpg]") })
    }

    func testPicturesAreNotAskedBesideTheList() throws {
        let path = try makeExport()
        var (state, _) = try opened(path)
        XCTAssertEqual(reduce(&state, .key(.char("G"))).filter { if case .loadPicture = $0 { true } else { false } }, [])
    }

    func testImagesSettings() throws {
        let config = try Config.parse("images = \"off\"\nimage-cache = 50\n", file: "c.toml")
        XCTAssertEqual(config.images, .off)
        XCTAssertEqual(config.imageCache, 50)
        XCTAssertEqual(Config().images, .auto)
        XCTAssertThrowsError(try Config.parse("images = \"sixel\"\n", file: "c.toml")) { error in
            XCTAssertEqual("\(error)", "c.toml:1: images: unknown value \"sixel\" (auto, off)")
        }
        XCTAssertThrowsError(try Config.parse("image-cache = 0\n", file: "c.toml"))
        // The default file says both.
        let defaults = Config.defaultFile
        XCTAssertTrue(defaults.contains("images = \"auto\""))
        XCTAssertTrue(defaults.contains("image-cache = 200"))
    }
}
