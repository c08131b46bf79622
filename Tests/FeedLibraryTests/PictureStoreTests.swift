@testable import FeedLibrary
import FeedModel
import Foundation
import XCTest

/// The picture store against the local test server (Tests/server/feedserver.py's /pictures/…) and real folders.
final class PictureStoreTests: XCTestCase {
    var server: TestServer!
    var folder: String!

    override func setUpWithError() throws {
        server = try TestServer.start()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-pictures-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let pictures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FeedTUITests/Pictures")

    func store(limit: Int64 = 1 << 20, online: Bool = true) -> PictureStore {
        PictureStore(folder: folder + "/cache", cacheLimit: limit, fetcher: online ? PictureStore.fetcher(userAgent: "feedtui/test") : nil)
    }

    func problem(_ store: PictureStore, _ address: String, channel: String = "@x") -> String {
        do {
            let data = try store.bytes(address, channel: channel)
            return "no error: \(data.count) bytes"
        } catch {
            return error.message
        }
    }

    func testAPictureReadOnceIsThereOffline() throws {
        let expected = try Data(contentsOf: Self.pictures.appendingPathComponent("photo.jpg"))
        let address = "\(server.base)/pictures/photo.jpg"
        try server.reset()
        XCTAssertEqual(try store().bytes(address, channel: "@x"), expected)
        // Nothing goes to the network the second time, and without a network the cache answers.
        XCTAssertEqual(try store(online: false).bytes(address, channel: "@x"), expected)
        XCTAssertEqual(try store().bytes(address, channel: "@x"), expected)
        XCTAssertEqual(try server.log().requests.filter { $0.path.hasPrefix("/pictures/") }.count, 1)
        // Not read before: offline says so.
        XCTAssertEqual(problem(store(online: false), "\(server.base)/pictures/photo.png"), "offline")
        // Only cache files are written, each under a hash of its address.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/cache")
        XCTAssertEqual(names.count, 1)
        XCTAssertTrue(names.allSatisfy { $0.allSatisfy(\.isHexDigit) })
    }

    func testTheLeastRecentlyUsedGoFirstPastTheLimit() throws {
        // photo.jpg 807 bytes, photo.png 145, photo.webp 116: all three do not fit in 1000.
        let s = store(limit: 1000)
        let jpeg = "\(server.base)/pictures/photo.jpg", png = "\(server.base)/pictures/photo.png", webp = "\(server.base)/pictures/photo.webp"
        _ = try s.bytes(jpeg, channel: "@x")
        _ = try s.bytes(png, channel: "@x")
        // Shown long ago.
        for (address, age) in [(jpeg, 60.0), (png, 30.0)] {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: s.cachePath(address))
        }
        _ = try s.bytes(webp, channel: "@x")
        let offline = store(limit: 1000, online: false)
        XCTAssertEqual(problem(offline, jpeg), "offline")
        XCTAssertNoThrow(try offline.bytes(png, channel: "@x"))
        XCTAssertNoThrow(try offline.bytes(webp, channel: "@x"))
    }

    func testOnlyHTTPAddressesAndPathsInsideAnExport() throws {
        let export = folder + "/export"
        try FileManager.default.createDirectory(atPath: export + "/photos", withIntermediateDirectories: true)
        let json = export + "/result.json"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: json))
        try FileManager.default.copyItem(atPath: Self.pictures.appendingPathComponent("photo.png").path, toPath: export + "/photos/p.png")
        try FileManager.default.createSymbolicLink(atPath: export + "/photos/out.png", withDestinationPath: "/etc/passwd")
        let s = store()
        XCTAssertEqual(try s.bytes("photos/p.png", channel: json).count, 145)
        // One of an account's channels: the key names the file, then the channel.
        XCTAssertEqual(try s.bytes("photos/p.png", channel: json + "#@handle").count, 145)
        for bad in ["../result.json", "photos/../../result.json", "/etc/passwd", "photos/out.png", "file:///etc/passwd", "ftp://example.org/a.png"] {
            XCTAssertEqual(problem(s, bad, channel: json), "not an http(s) address", bad)
        }
        // A path of a channel that is no export.
        XCTAssertEqual(problem(s, "photos/p.png", channel: "@x"), "not an http(s) address")
        XCTAssertEqual(problem(s, "photos/missing.png", channel: json), "no such file")
        try FileManager.default.createDirectory(atPath: export + "/photos/dir.png", withIntermediateDirectories: true)
        XCTAssertEqual(problem(s, "photos/dir.png", channel: json), "is a directory, not a picture")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/cache"), "nothing cached from an export")
    }

    func testAPictureLargerThan10MBIsRefusedAndNotCached() throws {
        XCTAssertTrue(problem(store(), "\(server.base)/big?mb=11").contains("larger than"), problem(store(), "\(server.base)/big?mb=11"))
        XCTAssertEqual(problem(store(), "\(server.base)/status/404"), "HTTP 404 Not Found")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: folder + "/cache"))?.count ?? 0, 0)
    }
}
