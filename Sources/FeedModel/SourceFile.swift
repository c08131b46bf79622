import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a path names, looked at before anything opens it: a device (`/dev/zero`), a named pipe without a writer
/// or a socket would otherwise be read for ever or block without a word.
public enum FileKind: Equatable, Sendable {
    case missing, regular, directory, pipe, device, socket

    /// Follows symbolic links (`/dev/stdin`, `/dev/fd/63` of a process substitution name a pipe).
    public init(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            self = .missing
            return
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .pipe
        case S_IFSOCK: self = .socket
        default: self = .device
        }
    }

    /// "a named pipe", "a device", …
    public var noun: String {
        switch self {
        case .missing: "missing"
        case .regular: "a file"
        case .directory: "a directory"
        case .pipe: "a named pipe"
        case .device: "a device"
        case .socket: "a socket"
        }
    }

    /// Why a file of this kind is not read as `what` ("a feed file"); nil for a regular file, and for a pipe when
    /// `pipes` allows one (given on the command line: standard input, `<(curl …)`).
    public func refusal(_ what: String, pipes: Bool = false) -> String? {
        switch self {
        case .regular: nil
        case .pipe where pipes: nil
        case .missing: "no such file"
        default: "is \(noun), not \(what)"
        }
    }
}

public enum SourceFile {
    /// The most read from a pipe or standard input (a regular file is mapped instead, whatever its size).
    public static let pipeLimit = 512 << 20

    /// A file given on the command line: a regular file mapped, a pipe read to its end (at most `pipeLimit`),
    /// anything else refused with one line.
    public static func read(_ path: String, what: String = "a feed file") throws(FeedError) -> Data {
        if path == "-" {
            var st = stat()
            if fstat(STDIN_FILENO, &st) == 0, st.st_mode & S_IFMT == S_IFCHR, isatty(STDIN_FILENO) == 0 {
                throw FeedError(FileKind.device.refusal(what) ?? "", source: "standard input")
            }
            return try readPipe(STDIN_FILENO, name: "standard input")
        }
        let kind = FileKind(path: path)
        if let refusal = kind.refusal(what, pipes: true) { throw FeedError(refusal, source: path) }
        if kind == .regular {
            // Mapped, so that the importers start at once on a file of gigabytes and the pages read are the
            // kernel's to drop (`.mappedIfSafe` reads the whole file into memory here first); read as usual
            // where it cannot be mapped (an empty file, a file system without mmap).
            let url = URL(fileURLWithPath: path)
            if let mapped = try? Data(contentsOf: url, options: .alwaysMapped) { return mapped }
            do {
                return try Data(contentsOf: url)
            } catch {
                throw FeedError("cannot read: \(error.localizedDescription)", source: path)
            }
        }
        // A named pipe given on the command line waits for its writer, as `cat` would (the browser shows it loading
        // and q cancels); the subscriptions file and OPML refuse named pipes before this.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FeedError("cannot read: \(String(cString: strerror(errno)))", source: path) }
        defer { close(fd) }
        return try readPipe(fd, name: path)
    }

    /// Reads `fd` to its end, refusing more than `limit` bytes.
    static func readPipe(_ fd: Int32, name: String, limit: Int = pipeLimit) throws(FeedError) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return data }
            if n < 0 {
                if errno == EINTR { continue }
                throw FeedError("cannot read: \(String(cString: strerror(errno)))", source: name)
            }
            guard data.count + n <= limit else {
                throw FeedError("larger than \(limit >> 20) MB: save it to a file and open that", source: name)
            }
            data.append(contentsOf: buffer[..<n])
        }
    }
}
