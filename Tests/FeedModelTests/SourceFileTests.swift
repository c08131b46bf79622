import Foundation
import XCTest

@testable import FeedModel

/// Files that are not files: devices are refused at once, pipes are read to their end within a bound.
final class SourceFileTests: XCTestCase {
    func testWhatAPathNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o600), 0)
        XCTAssertEqual(FileKind(path: dir + "/fifo"), .pipe)
        XCTAssertEqual(FileKind(path: "/dev/zero"), .device)
        XCTAssertEqual(FileKind(path: dir), .directory)
        XCTAssertEqual(FileKind(path: dir + "/none"), .missing)
        XCTAssertEqual(FileKind(path: SampleFiles.seed.path), .regular)
    }

    func testDevicesAreRefusedAtOnce() {
        let start = Date()
        for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
            XCTAssertThrowsError(try FeedLoader.load(path: device)) {
                XCTAssertEqual(($0 as? FeedError)?.description, "\(device): is a device, not a feed file")
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testANamedPipeWithAWriterIsReadToItsEnd() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString)").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        defer { unlink(fifo) }
        let seed = try Data(contentsOf: SampleFiles.seed)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            _ = seed.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        XCTAssertEqual(try FeedLoader.load(path: fifo).first?.handle, "durov")
    }

    func testAPipeIsReadWithinItsBound() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        let writer = Thread {
            let chunk = [UInt8](repeating: 0, count: 4096)
            // Endless, like /dev/zero behind a pipe, until the reader gives up.
            while chunk.withUnsafeBytes({ write(writeEnd, $0.baseAddress, $0.count) }) > 0 {}
            close(writeEnd)
        }
        signal(SIGPIPE, SIG_IGN)
        writer.start()
        XCTAssertThrowsError(try SourceFile.readPipe(readEnd, name: "standard input", limit: 1 << 20)) {
            XCTAssertEqual(($0 as? FeedError)?.description, "standard input: larger than 1 MB: save it to a file and open that")
        }
    }
}
