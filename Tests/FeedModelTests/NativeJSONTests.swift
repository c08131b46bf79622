import Foundation
import XCTest

@testable import FeedModel

final class NativeJSONTests: XCTestCase {
    func testSeedRoundTripIsByteIdentical() throws {
        let seed = try FeedLoader.load(path: SampleFiles.seed.path)
        let first = NativeJSON.encode(seed)
        XCTAssertEqual(Format.detect(first), .json)
        let reread = try FeedLoader.load(data: first)
        XCTAssertEqual(reread, seed)
        XCTAssertEqual(NativeJSON.encode(reread), first)
    }

    func testUnknownValuesStayAbsentNotZero() throws {
        let seed = try FeedLoader.load(path: SampleFiles.seed.path)
        let text = String(decoding: NativeJSON.encode(seed), as: UTF8.self)
        XCTAssertTrue(text.contains("\"viewsPerWeek\" : 255406"))
        XCTAssertFalse(text.contains("viewsPerMonth"))
        XCTAssertFalse(text.contains("\"views\""))
        XCTAssertTrue(text.contains("\"date\" : \"2017-07-30T12:25:00Z\""))
    }

    func testApproximateCountsAndOffsetsRoundTrip() throws {
        let post = Publication(
            id: "x/1", date: Date(timeIntervalSince1970: 1_500_000_000.25), utcOffset: 10_800, text: "hi",
            views: Count(1200, approximate: true), forwards: Count(3), reactions: Count(7), edited: true)
        let ch = Channel(title: "T", subscribers: Count(5), publications: [post])
        let data = NativeJSON.encode([ch])
        let back = try FeedLoader.load(data: data)
        XCTAssertEqual(back, [ch])
        XCTAssertEqual(NativeJSON.encode(back), data)
    }

    func testBadPublicationIsSkippedAndReported() throws {
        let text = """
            {"channels": [{"title": "T", "publications": [
              {"id": "1", "date": "2020-01-01T00:00:00Z", "text": "ok"},
              {"id": "2", "text": "no date"},
              {"id": "3", "date": "not a date", "text": "bad date"}
            ]}], "format": "feedtui", "version": 1}
            """
        let ch = try XCTUnwrap(FeedLoader.load(data: Data(text.utf8)).first)
        XCTAssertEqual(ch.publications.map(\.id), ["1"])
        XCTAssertEqual(ch.skipped.count, 2)
        XCTAssertEqual(ch.skipped.summary, "2 posts skipped — first at line 3: missing \"date\"")
    }

    func testNewerVersionIsRefused() {
        let text = #"{"channels": [], "format": "feedtui", "version": 99}"#
        XCTAssertThrowsError(try FeedLoader.load(data: Data(text.utf8))) { error in
            XCTAssertEqual((error as? FeedError)?.message, "written by a newer feedtui (version 99, this one reads 1)")
        }
    }
}

final class LoaderErrorTests: XCTestCase {
    private func message(_ path: String) -> String? {
        do {
            _ = try FeedLoader.load(path: path)
            return nil
        } catch {
            return error.description
        }
    }

    private func temp(_ name: String, _ contents: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    func testMissingFile() {
        XCTAssertEqual(message("/nonexistent/x.json"), "/nonexistent/x.json: no such file")
    }

    func testDirectory() {
        XCTAssertEqual(message("/tmp"), "/tmp: is a directory, not a feed file")
    }

    func testEmptyFile() throws {
        let path = try temp("empty.txt", "  \n")
        XCTAssertEqual(message(path), "\(path): empty file")
    }

    func testUnknownFormatNamesWhatWasTried() throws {
        let path = try temp("notes.txt", "just some notes\nnothing else\n")
        XCTAssertEqual(message(path), "\(path): not a feed in any known format (tried json, tdesktop, tme, rss, page)")
    }
}
