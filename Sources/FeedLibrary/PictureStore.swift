import FeedModel
import Foundation

/// The bytes of a post's pictures: an http(s) address through the fetcher (its timeouts, at most `maxBytes`),
/// kept in a cache folder of at most `cacheLimit` bytes (the least recently used dropped first) so that a post read
/// once shows its pictures offline; a Telegram Desktop export's path read from inside the export's folder. Nothing
/// else is read, and nothing is written outside the cache folder. `bytes` blocks: it runs beside the event loop.
public final class PictureStore: Sendable {
    /// The most one picture may take, downloaded or read.
    public static let maxBytes = 10 << 20

    public let folder: String
    public let cacheLimit: Int64
    /// nil: offline (only the cache and export files).
    let fetcher: Fetcher?

    public init(folder: String, cacheLimit: Int64, fetcher: Fetcher?) {
        self.folder = folder
        self.cacheLimit = cacheLimit
        self.fetcher = fetcher
    }

    /// Fetches with the fetcher's timeouts and a cap of `maxBytes` on each picture.
    public static func fetcher(userAgent: String) -> Fetcher {
        var limits = Fetcher.Limits()
        limits.maxBytes = maxBytes
        limits.totalTimeout = 60
        return Fetcher(userAgent: userAgent, limits: limits)
    }

    /// `$XDG_CACHE_HOME/feedtui/pictures`, else `$HOME/.cache/feedtui/pictures` (a relative XDG_CACHE_HOME is
    /// ignored, as the XDG base directory specification asks).
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/feedtui/pictures" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/feedtui/pictures"
    }

    /// The picture at `address` of a post of the channel filed under `channel` (its library key: an export's
    /// pictures are found beside the export's file). Errors are a short word for the marker.
    public func bytes(_ address: String, channel: String, cancel: Cancellation = Cancellation()) throws(FeedError) -> Data {
        if Fetcher.isURL(address) { return try download(address, cancel: cancel) }
        guard let file = Self.exportFile(address, channel: channel) else { throw FeedError("not an http(s) address") }
        return try Self.read(file)
    }

    /// A path inside the folder of the export file the channel's key names (`/…/result.json`, or with `#…` after
    /// it for one of an account's channels); nil when the key names no such file or the path leads out of it.
    static func exportFile(_ path: String, channel key: String) -> String? {
        guard key.hasPrefix("/"), !path.hasPrefix("/"), !path.split(separator: "/").contains(".."),
            path.firstMatch(of: /^[A-Za-z][A-Za-z0-9+.\-]*:/) == nil
        else { return nil }
        // The key's file: the whole key, or what comes before one of its `#`s.
        var candidates = [key]
        var at = key.startIndex
        while let hash = key[at...].firstIndex(of: "#") {
            candidates.append(String(key[..<hash]))
            at = key.index(after: hash)
        }
        guard let file = candidates.first(where: { FileKind(path: $0) == .regular }) else { return nil }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let resolved = folder.appendingPathComponent(path).standardizedFileURL.resolvingSymlinksInPath().path
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        return resolved.hasPrefix(root + "/") ? resolved : nil
    }

    /// A regular file of at most `maxBytes`.
    static func read(_ path: String) throws(FeedError) -> Data {
        if let refusal = FileKind(path: path).refusal("a picture") { throw FeedError(refusal) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FeedError("cannot be read") }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maxBytes + 1) else { throw FeedError("cannot be read") }
        guard data.count <= maxBytes else { throw FeedError("larger than \(maxBytes >> 20) MB") }
        return data
    }

    private func download(_ address: String, cancel: Cancellation) throws(FeedError) -> Data {
        let file = cachePath(address)
        if FileKind(path: file) == .regular, let data = try? Self.read(file) {
            // Used again: the last to be dropped.
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file)
            return data
        }
        guard let fetcher else { throw FeedError("offline") }
        let result: FetchResult
        do {
            result = try fetcher.fetch(address, cancel: cancel)
        } catch {
            // The marker says what went wrong; the address is the post's own.
            throw FeedError(error.message)
        }
        guard case .fetched(let data, _) = result else { throw FeedError("no body") }
        store(data, at: file)
        return data
    }

    /// The cache file of an address: a hash of it, so no address chooses a path.
    func cachePath(_ address: String) -> String {
        // FNV-1a, twice with different offsets: 128 bits, stable across runs (Swift's Hasher is seeded per run).
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        for byte in address.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return folder + "/" + String(a, radix: 16) + String(b, radix: 16)
    }

    /// Writes a picture into the cache (whole or not at all), then drops the least recently used ones past the limit.
    private func store(_ data: Data, at file: String) {
        guard Int64(data.count) <= cacheLimit else { return }
        let manager = FileManager.default
        guard (try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return }
        let temporary = file + ".part\(getpid())"
        guard manager.createFile(atPath: temporary, contents: data) else { return }
        guard rename(temporary, file) == 0 else {
            try? manager.removeItem(atPath: temporary)
            return
        }
        trim()
    }

    /// Drops the least recently used pictures until the cache holds at most `cacheLimit` bytes.
    func trim() {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
        var files: [(path: String, size: Int64, used: Date)] = names.compactMap { name in
            let path = folder + "/" + name
            guard let a = try? manager.attributesOfItem(atPath: path), a[.type] as? FileAttributeType == .typeRegular else { return nil }
            return (path, (a[.size] as? NSNumber)?.int64Value ?? 0, a[.modificationDate] as? Date ?? .distantPast)
        }
        var total = files.reduce(0) { $0 + $1.size }
        files.sort { $0.used < $1.used }
        for f in files where total > cacheLimit {
            try? manager.removeItem(atPath: f.path)
            total -= f.size
        }
    }
}
