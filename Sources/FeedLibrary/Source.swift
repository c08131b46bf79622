import FeedModel
import Foundation

/// What a SOURCE argument (or a line of the subscriptions file) names.
public enum Source: Hashable, Sendable {
    /// A public Telegram channel, read through its web preview `https://t.me/s/NAME`.
    case telegram(String)
    /// An RSS or Atom feed (or any page in a known format) at an http(s) URL.
    case feed(String)
    /// A file, or `-` for standard input.
    case file(String)
    /// A saved filter, `query:NAME:FILTER`: a channel of the posts of every channel that match it.
    case query(name: String, filter: String)

    /// `@NAME`, `t.me/NAME`, `t.me/s/NAME`, `https://t.me/s/NAME` (and `telegram.me`) name a channel; other
    /// http(s) URLs a feed; anything else a file.
    public init(_ text: String) {
        let trimmed = TextScan.trimmed(text)
        if trimmed.hasPrefix(Self.queryPrefix) {
            let rest = trimmed.dropFirst(Self.queryPrefix.count)
            let name = rest.prefix { $0 != ":" }
            self = .query(name: TextScan.trimmed(String(name)), filter: String(rest.dropFirst(name.count + 1)))
            return
        }
        if trimmed.hasPrefix("@"), let name = Self.channelName(trimmed.dropFirst()) {
            self = .telegram(name)
            return
        }
        var rest = Substring(trimmed)
        for scheme in ["https://", "http://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        for host in ["www.t.me/", "t.me/", "telegram.me/"] where rest.lowercased().hasPrefix(host) {
            var path = rest.dropFirst(host.count)
            if path.hasPrefix("s/") { path = path.dropFirst(2) }
            // A post link (t.me/NAME/123) or a page (?before=…) still names the channel.
            let name = path.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let name = Self.channelName(name) {
                self = .telegram(name)
                return
            }
        }
        self = Fetcher.isURL(trimmed) ? .feed(trimmed) : .file(text)
    }

    /// A source to follow as written in the subscriptions file, an OPML outline or `add`, or why it is none: only
    /// channels, http(s) URLs and (with `files`) paths of regular files are; a control character, a space in a URL,
    /// another scheme (`javascript:`, `file:`), an option (`-rf`), a device or a named pipe are refused. A missing
    /// file is kept (it may come back); reading it then says so.
    public static func followable(_ text: String, files: Bool) throws(FeedError) -> Source {
        // Printable ASCII throughout (most sources) has neither controls nor spaces.
        let plain = text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        if !plain, let c = text.unicodeScalars.first(where: Sanitize.isControl) {
            throw FeedError("contains the control character U+\(String(format: "%04X", c.value)), not a source")
        }
        let source = Source(text)
        switch source {
        case .telegram: return source
        case .query(let name, let filter):
            // Like files, only the channels file and `add` name them (never an OPML file).
            guard files else { throw FeedError("not an http(s) URL or a Telegram channel") }
            guard !name.isEmpty else { throw FeedError("a query channel needs a name: query:NAME:FILTER") }
            do throws(FilterError) {
                _ = try Filter.parse(filter)
            } catch {
                throw FeedError(error.description)
            }
            return source
        case .feed(let url):
            guard plain || !url.unicodeScalars.contains(where: { $0.properties.isWhitespace }), let parsed = URL(string: url), let host = parsed.host, !host.isEmpty
            else { throw FeedError("not a valid http(s) URL") }
            return source
        case .file(let path):
            if let scheme = path.firstMatch(of: /^[A-Za-z][A-Za-z0-9+.\-]*:/) {
                throw FeedError("\(scheme.output.lowercased()) is not followed: only http(s) URLs, @channels and files")
            }
            guard files else { throw FeedError("not an http(s) URL or a Telegram channel") }
            if path == "-" { throw FeedError("standard input cannot be followed; save it to a file first") }
            if path.hasPrefix("-") { throw FeedError("looks like an option, not a source") }
            if path.isEmpty || path.allSatisfy(\.isWhitespace) { throw FeedError("an empty source") }
            let kind = FileKind(path: path)
            if kind != .missing, let refusal = kind.refusal("a feed file") { throw FeedError(refusal) }
            return source
        }
    }

    /// A tag as given (OPML folders and categories, `--tag`): one line of visible text.
    public static func checkTag(_ tag: String) throws(FeedError) {
        if let c = tag.unicodeScalars.first(where: Sanitize.isControl) {
            throw FeedError("a tag contains the control character U+\(String(format: "%04X", c.value))")
        }
    }

    /// Telegram usernames: letters, digits and underscores. Case does not matter to Telegram; the lower-case
    /// form is the one kept.
    private static func channelName(_ s: Substring) -> String? {
        guard !s.isEmpty, s.count <= 64, s.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" })
        else { return nil }
        return s.lowercased()
    }

    /// The form written to the subscriptions file and shown to the user: `@name`, the URL, the path.
    public var text: String {
        switch self {
        case .telegram(let name): "@" + name
        case .feed(let url): url
        case .file(let path): path
        case .query(let name, let filter): Self.queryPrefix + name + ":" + filter
        }
    }

    static let queryPrefix = "query:"

    /// A query channel is its name: two lines of one name are one channel, and `remove 'query:NAME'` names it.
    public static func == (a: Source, b: Source) -> Bool {
        switch (a, b) {
        case (.query(let x, _), .query(let y, _)): x == y
        case (.telegram(let x), .telegram(let y)), (.feed(let x), .feed(let y)), (.file(let x), .file(let y)): x == y
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .telegram(let name): hasher.combine(0); hasher.combine(name)
        case .feed(let url): hasher.combine(1); hasher.combine(url)
        case .file(let path): hasher.combine(2); hasher.combine(path)
        case .query(let name, _): hasher.combine(3); hasher.combine(name)
        }
    }

    /// What the user calls it before its channel is known: a query channel's name, else its text.
    public var name: String {
        if case .query(let name, _) = self { name } else { text }
    }

    /// The URL of the newest page (or of the page before post `before` for a channel).
    public func url(before: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        switch self {
        case .telegram(let name):
            var base = environment["FEEDTUI_TME_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://t.me"
            while base.hasSuffix("/") { base.removeLast() }
            return "\(base)/s/\(name)" + (before.map { "?before=\($0)" } ?? "")
        case .feed(let url): return url
        case .file, .query: return nil
        }
    }

    /// What the channel read from this source is known by in the library: `@name`, the feed's URL, the file's
    /// absolute path (`-` for standard input). A channel belongs to the source it was read from: what its content
    /// claims (a handle, a `<link>`, a t.me slug) never names it, so one source can never replace another's channel.
    public var identity: String {
        switch self {
        case .telegram(let name): "@" + name
        case .feed(let url): url
        case .file(let path): path == "-" ? path : URL(fileURLWithPath: path).standardizedFileURL.path
        case .query(let name, _): Self.queryPrefix + name
        }
    }

    /// The library key of one of the channels this source gave: its identity, and when the source holds several
    /// channels (an export of a whole account), what each one's content calls it after a `#`.
    public func key(of channel: Channel, among count: Int) -> String {
        guard count > 1 else { return identity }
        if let handle = channel.handle { return identity + "#@" + handle }
        return identity + "#" + (channel.url ?? channel.title)
    }

    /// The public address, as written to OPML: `https://t.me/s/NAME` whatever FEEDTUI_TME_URL says.
    public var publicURL: String? {
        url(environment: [:])
    }
}
