import Foundation
import XCTest

@testable import FeedModel

/// Hostile input: damaged copies of every real file either load or fail with one line — never a trap.
final class RobustnessTests: XCTestCase {
    private struct Rng {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
    }

    private let files = [
        "tme/statosphere-antichristone.html", "tme/any2feed-topwar-full.html", "rss/plaszeb-geopolitics-telethon.xml",
        "rss/atom-rfc4287-extensive.xml", "tdesktop/pachum-guzel-channel.json", "tdesktop/chat-analyser-full-export-2019.json",
        // Read past their flaws: damage lands on a reader that recovers instead of stopping.
        "wild/html-entities-rss2.xml", "wild/atom-0.3.xml", "wild/windows-1252-and-double-utf8.xml",
        "wild/dublin-core-rss1.rdf", "wild/xhtml-body-fullitem.xml",
    ]

    private func inputs() -> [(String, Data)] {
        var all = files.map { ($0, SampleFiles.fixture($0)) }
        all.append(("seed", (try? Data(contentsOf: SampleFiles.seed)) ?? Data()))
        all.append(("sampler", (try? Data(contentsOf: SampleFiles.url("unicode-sampler.json"))) ?? Data()))
        return all
    }

    private func mutate(_ data: Data, _ rng: inout Rng) -> Data {
        var bytes = [UInt8](data)
        guard !bytes.isEmpty else { return data }
        let hostile: [[UInt8]] = [[0x1B, 0x5B, 0x32, 0x4A], [0x00], [0xFF, 0xFE], [0xE2, 0x80, 0xAE], [0x3C], [0x22], [0x7B], [0x26]]
        for _ in 0..<(1 + rng.next(8)) {
            let at = rng.next(bytes.count)
            switch rng.next(4) {
            case 0: bytes[at] = UInt8(rng.next(256))
            case 1: bytes.insert(contentsOf: hostile[rng.next(hostile.count)], at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + rng.next(64)))
            default: bytes = Array(bytes[..<at])
            }
            if bytes.isEmpty { break }
        }
        return Data(bytes)
    }

    func testDamagedCopiesLoadOrFailWithOneLine() {
        var rng = Rng(state: 0xFEED_7011)
        for (name, data) in inputs() {
            XCTAssertFalse(data.isEmpty, name)
            for _ in 0..<200 {
                let damaged = mutate(data, &rng)
                // Read as the library reads it, each post handed over as it is read and none kept: the same
                // outcome, the posts handed over being those of the channels kept.
                let sink = Recorder()
                let stream = PostStream(sink)
                let streamed = Result { () throws(FeedError) in
                    try FeedLoader.load(data: damaged, stream: stream).enumerated().map { i, ch in
                        guard i < stream.streamedAs.count, let index = stream.streamedAs[i] else { return ch }
                        XCTAssertEqual(ch.publications, [], name)
                        var whole = ch
                        whole.publications = sink.posts[index] ?? []
                        return whole
                    }
                }
                do {
                    let channels = try FeedLoader.load(data: damaged)
                    XCTAssertEqual(try? streamed.get(), channels, name)
                    XCTAssertFalse(channels.isEmpty, name)
                    for ch in channels {
                        _ = ChannelStatistics(ch, clock: SampleFiles.utc)
                        if let summary = ch.skipped.summary { XCTAssertFalse(summary.contains("\n"), name) }
                    }
                } catch {
                    if case .failure(let streamedError) = streamed {
                        XCTAssertEqual(streamedError, error, name)
                    } else {
                        XCTFail("\(name): read whole it fails, streamed it loads")
                    }
                    XCTAssertFalse(error.description.contains("\n"), "\(name): \(error.description)")
                    XCTAssertFalse(error.description.isEmpty, name)
                }
            }
        }
    }

    /// Keeps what an importer hands over, by channel.
    private final class Recorder: PostSink {
        var posts: [Int: [Publication]] = [:]
        func begin(channel: Int, header: Channel) { posts[channel] = [] }
        func add(_ post: Publication, channel: Int, bytesRead: Int) -> Bool {
            posts[channel, default: []].append(post)
            return true
        }
    }

    func testEveryFormatForcedOnEveryFileNeverTraps() {
        for (name, data) in inputs() {
            for format in Format.allCases {
                do {
                    _ = try FeedLoader.load(data: data, format: format)
                } catch {
                    XCTAssertFalse(error.description.contains("\n"), "\(name) as \(format): \(error.description)")
                }
            }
        }
    }
}
