import FeedLibrary
import FeedModel
import Foundation
import Synchronization
import XCTest

/// The fetcher against a real local HTTP server (Tests/server/feedserver.py) serving real t.me pages and feeds.
final class FetcherTests: XCTestCase {
    var server: TestServer!

    override func setUpWithError() throws {
        server = try TestServer.start()
        try server.reset()
    }

    func fetched(_ r: FetchResult, file: StaticString = #filePath, line: UInt = #line) throws -> (Data, Validators) {
        guard case .fetched(let data, let v) = r else {
            XCTFail("expected a body, got \(r)", file: file, line: line)
            throw TestServerError("no body")
        }
        return (data, v)
    }

    func failure(_ url: String) -> String { failure(Fetcher(userAgent: "feedtui/test"), url) }

    func failure(_ f: Fetcher, _ url: String) -> String {
        do {
            let r = try f.fetch(url)
            return "no error: \(r)"
        } catch {
            return error.description
        }
    }

    func testChannelPageThroughTheMirrorIsGzippedNamedAndParsed() throws {
        let url = try XCTUnwrap(Source("@antichristone").url(environment: server.environment))
        XCTAssertEqual(url, "\(server.base)/s/antichristone")
        let (data, validators) = try fetched(Fetcher(userAgent: "feedtui/9.9").fetch(url))
        let channel = try XCTUnwrap(FeedLoader.load(data: data, format: nil).first)
        XCTAssertEqual(channel.handle, "antichristone")
        // The newest post (517) is held back by the server; the page holds the 5 before it.
        XCTAssertEqual(Set(channel.publications.map(\.id)), Set([504, 506, 509, 515, 516].map { "antichristone/\($0)" }))
        XCTAssertNotNil(validators.etag)
        XCTAssertNotNil(validators.lastModified)
        let request = try XCTUnwrap(server.log().requests.last)
        XCTAssertEqual(request.userAgent, "feedtui/9.9")
        XCTAssertTrue(request.gzip, "the body was sent gzipped (Accept-Encoding: \(request.acceptEncoding ?? "none"))")
        XCTAssertLessThan(request.sent, data.count, "gzip made the transfer smaller than the page")
    }

    func testConditionalGetAnswers304AndChangesNothing() throws {
        let f = Fetcher(userAgent: "feedtui/test")
        let url = "\(server.base)/rss/geopolitics.xml"
        let (_, validators) = try fetched(f.fetch(url))
        XCTAssertEqual(try f.fetch(url, validators: validators), .notModified)
        let second = try XCTUnwrap(server.log().requests.last)
        XCTAssertEqual(second.status, 304)
        XCTAssertEqual(second.ifNoneMatch, validators.etag)
        XCTAssertEqual(second.ifModifiedSince, validators.lastModified)
        // Last-Modified alone works too.
        XCTAssertEqual(try f.fetch(url, validators: Validators(lastModified: validators.lastModified)), .notModified)
    }

    func testHTTPErrorsAreOneLine() {
        XCTAssertEqual(failure("\(server.base)/status/404"), "\(server.base)/status/404: HTTP 404 Not Found")
        XCTAssertEqual(failure("\(server.base)/status/500"), "\(server.base)/status/500: HTTP 500 Internal Server Error")
    }

    func testRedirectsUpToFiveAreFollowedALoopIsStopped() throws {
        let (data, _) = try fetched(Fetcher(userAgent: "t").fetch("\(server.base)/redirect/5"))
        XCTAssertEqual(try FeedLoader.load(data: data, format: nil).first?.publications.count, 47)
        XCTAssertEqual(failure("\(server.base)/redirect/6"), "\(server.base)/redirect/6: more than 5 redirects")
        XCTAssertEqual(failure("\(server.base)/loop"), "\(server.base)/loop: more than 5 redirects")
        XCTAssertEqual(try server.log().requests.filter { $0.path == "/loop" }.count, 6, "the loop was left after 5 redirects")
    }

    func testTruncatedBodyIsAnError() {
        let e = failure("\(server.base)/truncated")
        XCTAssertTrue(e.hasPrefix("\(server.base)/truncated: download failed"), e)
    }

    func testRefusedConnection() {
        let url = "http://127.0.0.1:\(TestServer.refusedPort())/feed.xml"
        let e = failure(url)
        XCTAssertTrue(e.hasPrefix("\(url): download failed"), e)
    }

    func testFiftyMegabytesAreStoppedAtTheCap() throws {
        var limits = Fetcher.Limits()
        limits.maxBytes = 8 << 20
        let f = Fetcher(userAgent: "t", limits: limits)
        XCTAssertEqual(failure(f, "\(server.base)/big"), "\(server.base)/big: larger than 8 MB, the download was stopped")
        XCTAssertEqual(failure(f, "\(server.base)/big?length=1"), "\(server.base)/big?length=1: larger than 8 MB, the download was stopped")
        // The streaming download stopped reading: the server could not send the 50 MB.
        Thread.sleep(forTimeInterval: 0.5)
        for r in try server.log().requests where r.path.hasPrefix("/big") {
            XCTAssertGreaterThan(r.sent, 0)
            XCTAssertLessThan(r.sent, 40 << 20, "\(r.path) sent \(r.sent) bytes")
        }
    }

    /// Hostile servers: whatever the body, the download stops at the cap of decoded bytes, says why, and memory
    /// stays within the cap plus 64 MB (the peak read from /proc, reset before each download).
    func testEndlessBodiesAndGzipBombsStopAtTheCapOfDecodedBytes() throws {
        let f = Fetcher(userAgent: "t")
        let cases = [
            ("/endless", "larger than 32 MB, the download was stopped"),
            ("/big?mb=60", "larger than 32 MB, the download was stopped"),
            ("/gzipbomb?gib=2", "larger than 32 MB once decompressed, the download was stopped"),
            ("/gzipbomb?gib=8", "larger than 32 MB once decompressed, the download was stopped"),
        ]
        for (path, message) in cases {
            let before = try PeakMemory.reset()
            let start = Date()
            XCTAssertEqual(failure(f, server.base + path), "\(server.base)\(path): \(message)")
            let grown = try PeakMemory.peak() - before
            XCTAssertLessThanOrEqual(grown, (32 + 64) << 20, "\(path): the peak grew by \(grown >> 20) MB")
            XCTAssertLessThan(Date().timeIntervalSince(start), 20, path)
        }
    }

    func testADownloadHasATotalDeadlineHoweverSteadyItsBytes() {
        var limits = Fetcher.Limits()
        limits.readTimeout = 2
        limits.totalTimeout = 3
        let start = Date()
        // A byte every 0.3 s never trips the idle timeout.
        XCTAssertEqual(
            failure(Fetcher(userAgent: "t", limits: limits), "\(server.base)/drip?seconds=0.3"),
            "\(server.base)/drip?seconds=0.3: took longer than 3 s, the download was stopped")
        XCTAssertLessThan(Date().timeIntervalSince(start), 4)
    }

    func testARedirectToAnotherSchemeIsRefused() {
        let e = failure("\(server.base)/redirect-to?location=file:///etc/passwd")
        XCTAssertTrue(e.hasPrefix("\(server.base)/redirect-to?location=file:///etc/passwd: download failed"), e)
    }

    func testTimeouts() throws {
        var limits = Fetcher.Limits()
        limits.connectTimeout = 1
        limits.readTimeout = 1
        let f = Fetcher(userAgent: "t", limits: limits)
        var start = Date()
        XCTAssertEqual(failure(f, "\(server.base)/stall"), "\(server.base)/stall: no response after 1 s")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        start = Date()
        XCTAssertEqual(failure(f, "\(server.base)/trickle"), "\(server.base)/trickle: timed out: no data for 1 s")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        // Slow but within the limits is fine.
        limits.connectTimeout = 5
        XCTAssertNoThrow(try fetched(Fetcher(userAgent: "t", limits: limits).fetch("\(server.base)/slow?seconds=1.5")))
    }

    func testCancelStopsADownloadAtOnce() {
        let f = Fetcher(userAgent: "t")
        let cancel = Cancellation()
        let start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { cancel.cancel() }
        XCTAssertThrowsError(try f.fetch("\(server.base)/stall", cancel: cancel)) {
            XCTAssertEqual(($0 as? FeedError)?.description, "\(self.server.base)/stall: cancelled")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }

    func testAtMostFourAtOnceAndOnePerHost() throws {
        let f = Fetcher(userAgent: "t")
        // Ten slow downloads over five hosts: two per host.
        let urls = (0..<10).map { server.base(host: 2 + $0 % 5) + "/slow?seconds=0.4&n=\($0)" }
        let failures = Mutex(0)
        let group = DispatchGroup()
        for url in urls {
            group.enter()
            Thread {
                do { _ = try f.fetch(url) } catch { failures.withLock { $0 += 1 } }
                group.leave()
            }.start()
        }
        group.wait()
        XCTAssertEqual(failures.withLock { $0 }, 0)
        let log = try server.log()
        XCTAssertEqual(log.requests.count, 10)
        XCTAssertEqual(log.maxActive, 4, "never more than 4 at once, and 4 were used")
        XCTAssertEqual(Set(log.maxPerHost.values), [1], "one at a time per host: \(log.maxPerHost)")
    }
}

/// The peak resident memory of this process (VmHWM), which Linux resets on request.
enum PeakMemory {
    /// Resets the peak to the current size and returns that size in bytes.
    static func reset() throws -> Int {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return try peak()
    }

    static func peak() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kB = Int(line.split(separator: " ")[1])
        else { throw TestServerError("no VmHWM in /proc/self/status") }
        return kB << 10
    }
}
