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
        try bytes(path, what: what).data
    }

    /// The bytes of `read`, and whether they are a mapping of the file (`letGo` may then drop its pages).
    static func bytes(_ path: String, what: String = "a feed file") throws(FeedError) -> (data: Data, mapped: Bool) {
        if path == "-" {
            var st = stat()
            if fstat(STDIN_FILENO, &st) == 0, st.st_mode & S_IFMT == S_IFCHR, isatty(STDIN_FILENO) == 0 {
                throw FeedError(FileKind.device.refusal(what) ?? "", source: "standard input")
            }
            return (try readPipe(STDIN_FILENO, name: "standard input"), false)
        }
        let kind = FileKind(path: path)
        if let refusal = kind.refusal(what, pipes: true) { throw FeedError(refusal, source: path) }
        if kind == .regular {
            // Mapped, so that the importers start at once on a file of gigabytes and the pages read are the
            // kernel's to drop; read as usual where it cannot be mapped (an empty file, a file system without mmap).
            if let mapped = map(path) { return (mapped, true) }
            do {
                return (try Data(contentsOf: URL(fileURLWithPath: path)), false)
            } catch {
                throw FeedError("cannot read: \(error.localizedDescription)", source: path)
            }
        }
        // A named pipe given on the command line waits for its writer, as `cat` would (the browser shows it loading
        // and q cancels); the subscriptions file and OPML refuse named pipes before this.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FeedError("cannot read: \(String(cString: strerror(errno)))", source: path) }
        defer { close(fd) }
        return (try readPipe(fd, name: path), false)
    }

    /// A regular file mapped read-only and private: nothing is read until it is looked at.
    private static func map(_ path: String) -> Data? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0, let size = Int(exactly: st.st_size),
            let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { base, size in munmap(base, size) })
    }

    /// Drops the pages of a mapped file (`bytes`) before `offset` from this process's memory: read once, a file of
    /// gigabytes would otherwise stay resident to its end. Looked at again, they are read from the file again, so
    /// this changes no byte. Returns how far pages were dropped.
    static func letGo(_ mapped: Data, before offset: Int) -> Int {
        let page = max(1, sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, mapped.count) / page * page
        guard end > 0 else { return 0 }
        mapped.withUnsafeBytes { raw in
            if let base = raw.baseAddress { _ = madvise(UnsafeMutableRawPointer(mutating: base), end, MADV_DONTNEED) }
        }
        return end
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
