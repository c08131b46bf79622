import FeedLibrary
import FeedModel
import Foundation
import XCTest

/// Tests/server/feedserver.py on a free port of 127.0.0.1: real t.me pages and feeds, and every fault a server
/// can have. Started once per test process; a missing python3 fails the test at once.
final class TestServer: @unchecked Sendable {
    let port: Int
    let process: Process
    var base: String { "http://127.0.0.1:\(port)" }
    /// The same server under another host name (127.0.0.N answers on Linux without configuration).
    func base(host n: Int) -> String { "http://127.0.0.\(n):\(port)" }
    /// FEEDTUI_TME_URL pointing here.
    var environment: [String: String] { ["FEEDTUI_TME_URL": base] }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../server/feedserver.py").standardizedFileURL.path

    nonisolated(unsafe) private static var shared: TestServer?
    private static let lock = NSLock()

    /// The running server, started on first use with posts held back (`hold`) so tests can publish them.
    static func start(file: StaticString = #filePath, line: UInt = #line) throws -> TestServer {
        lock.lock()
        defer { lock.unlock() }
        if let s = shared { return s }
        let s = try TestServer(arguments: ["--hold", "1", "--page-size", "5"])
        shared = s
        return s
    }

    init(arguments: [String]) throws {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            throw TestServerError("python3 is not installed: the HTTP tests need it (make deps installs it)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Self.script] + arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        // The server prints its port once it listens; give it 10 s.
        let reader = out.fileHandleForReading
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while !text.contains("\n"), Date() < deadline, p.isRunning {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            p.terminate()
            throw TestServerError("the test server did not start (\(Self.script)): \(text)")
        }
        self.port = port
        process = p
    }

    /// A port where nothing listens: bound, then closed.
    static func refusedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    // MARK: - Admin

    struct Request: Decodable {
        var path: String
        var host: String
        var userAgent: String?
        var ifNoneMatch: String?
        var ifModifiedSince: String?
        var acceptEncoding: String?
        var status: Int?
        var sent: Int
        var gzip: Bool
    }

    struct Log: Decodable {
        var requests: [Request]
        var maxActive: Int
        var maxPerHost: [String: Int]
    }

    private let admin = Fetcher(userAgent: "feedtui-tests")

    private func call(_ what: String) throws -> Data {
        guard case .fetched(let data, _) = try admin.fetch("\(base)/_admin/\(what)") else {
            throw TestServerError("the test server did not answer /_admin/\(what)")
        }
        return data
    }

    func log() throws -> Log { try JSONDecoder().decode(Log.self, from: call("log")) }
    func reset() throws { _ = try call("reset") }
    /// Releases one held-back post of a channel or feed.
    func publish(_ name: String, count: Int = 1) throws { _ = try call("publish?name=\(name)&count=\(count)") }
}

struct TestServerError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
