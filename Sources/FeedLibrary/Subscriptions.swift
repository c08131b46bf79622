import FeedModel
import Foundation

/// One followed source with its tags.
public struct Subscription: Equatable, Sendable {
    public var source: Source
    public var tags: [String]

    public init(source: Source, tags: [String] = []) {
        self.source = source
        self.tags = tags
    }
}

/// The plain-text subscriptions file, `$XDG_CONFIG_HOME/feedtui/channels`: one source a line, its tags after it
/// (separated by spaces; a tag with spaces in double quotes), `#` starts a comment. Adding and removing rewrite
/// only the lines they concern: comments, blank lines and hand-made layout stay as the user left them.
public struct SubscriptionFile: Equatable, Sendable {
    private enum Line: Equatable, Sendable {
        case entry(Subscription, raw: String)
        /// A line whose first word is not a source (or names one an earlier line already follows): kept as written,
        /// followed by nothing.
        case refused(raw: String, why: String)
        case other(String)

        var raw: String {
            switch self {
            case .entry(_, let raw), .refused(let raw, _), .other(let raw): raw
            }
        }
    }

    private var lines: [Line]
    /// The line of each followed source, so that adding 100 000 sources stays linear.
    private var index: [Source: Int] = [:]

    public init(text: String = "") {
        var rows = text.components(separatedBy: "\n")
        if rows.last == "" { rows.removeLast() }
        lines = []
        lines.reserveCapacity(rows.count)
        for raw in rows {
            guard let (first, tags) = Self.entry(raw) else {
                lines.append(.other(raw))
                continue
            }
            do throws(FeedError) {
                let source = try Source.followable(first, files: true)
                if let earlier = index[source] {
                    lines.append(.refused(raw: raw, why: "\(source.text) is already followed on line \(earlier + 1)"))
                    continue
                }
                for tag in tags { try Source.checkTag(tag) }
                index[source] = lines.count
                lines.append(.entry(Subscription(source: source, tags: tags), raw: raw))
            } catch {
                lines.append(.refused(raw: raw, why: error.message))
            }
        }
    }

    public var subscriptions: [Subscription] {
        lines.compactMap { if case .entry(let s, _) = $0 { s } else { nil } }
    }

    /// The lines that follow nothing although they are not comments, each with its line number
    /// ("line 4: javascript: is not followed: …").
    public var refusals: [FeedError] {
        lines.enumerated().compactMap { i, line in
            if case .refused(_, let why) = line { FeedError(why, line: i + 1) } else { nil }
        }
    }

    public var text: String {
        lines.map { $0.raw + "\n" }.joined()
    }

    /// Follows `source` with `tags`; a source already followed gains the tags it lacks. Returns whether
    /// anything changed.
    @discardableResult
    public mutating func add(_ source: Source, tags: [String] = []) -> Bool {
        // A query channel takes no tags: its line is its filter.
        let tags = if case .query = source { [String]() } else { tags }
        if let i = index[source], case .entry(var s, let raw) = lines[i] {
            let missing = tags.filter { !s.tags.contains($0) }
            guard !missing.isEmpty else { return false }
            s.tags += missing
            // The line keeps its own text (and trailing comment); the new tags go before the comment.
            let (body, comment) = Self.splitComment(raw)
            let words = body.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            let gap = body.dropFirst(words.count)
            let edited = String(words) + " " + missing.map { Self.quoted($0) }.joined(separator: " ")
                + (comment.map { (gap.isEmpty ? " " : String(gap)) + $0 } ?? "")
            lines[i] = .entry(s, raw: edited)
            return true
        }
        // A query line is its filter as written (its double quotes are the filter's); it takes no tags.
        let raw =
            if case .query = source { source.text } else {
                ([Self.quoted(source.text, hash: false)] + tags.map { Self.quoted($0) }).joined(separator: " ")
            }
        index[source] = lines.count
        lines.append(.entry(Subscription(source: source, tags: tags), raw: raw))
        return true
    }

    /// Stops following `source` (every line naming it). Returns whether it was followed.
    @discardableResult
    public mutating func remove(_ source: Source) -> Bool {
        guard index[source] != nil else { return false }
        let kept = lines.filter { line in
            Self.entry(line.raw).flatMap { try? Source.followable($0.source, files: true) } != source
        }
        // Read again: the line numbers of the refusals change.
        self = SubscriptionFile(text: kept.map { $0.raw + "\n" }.joined())
        return true
    }

    /// `$XDG_CONFIG_HOME/feedtui/channels`, else `~/.config/feedtui/channels` (a relative XDG path is ignored).
    public static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("feedtui/channels")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".config/feedtui/channels")
    }

    /// The file at `path`; a missing file is an empty list.
    public static func load(path: String) throws(FeedError) -> SubscriptionFile {
        let kind = FileKind(path: path)
        if kind == .missing { return SubscriptionFile() }
        if let refusal = kind.refusal("a subscriptions file") { throw FeedError(refusal, source: path) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxSize else {
            throw FeedError("larger than \(maxSize >> 20) MB, not a subscriptions file", source: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FeedError("cannot read the subscriptions file", source: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FeedError("the subscriptions file is not UTF-8 text", source: path)
        }
        return SubscriptionFile(text: text)
    }

    /// Far more than a million sources.
    static let maxSize = 256 << 20

    /// Writes the file whole to a temporary file beside it, then renames it over: a crash leaves old or new.
    public func save(path: String) throws(FeedError) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FeedError("cannot write the subscriptions file: \(error.localizedDescription)", source: path)
        }
    }

    // MARK: - Lines

    /// The source and tags a line names (nil: a blank or comment line). A `query:NAME:FILTER` line is the whole
    /// line before its comment, quotes and all.
    static func entry(_ line: String) -> (source: String, tags: [String])? {
        let body = TextScan.trimmed(String(splitComment(line).body))
        if body.hasPrefix(Source.queryPrefix) { return (body, []) }
        let words = words(line)
        return words.first.map { ($0, Array(words.dropFirst())) }
    }

    /// The words of a line before its comment; double quotes group a word with spaces. Read byte by byte: every
    /// separator is ASCII, so a UTF-8 character is never cut (and 100 000 lines read in a blink).
    static func words(_ line: String) -> [String] {
        let body = splitComment(line).body.utf8
        var words: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var inWord = false
        for i in body.indices {
            let b = body[i]
            if b == UInt8(ascii: "\"") {
                quoted.toggle()
                inWord = true
            } else if !quoted && (b == 0x20 || b == 0x09 || b == 0x0D) {
                if inWord, !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
                inWord = false
            } else {
                current.append(b)
                inWord = true
            }
        }
        if inWord, !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// A `#` at the start of a line or after white space, outside quotes, starts a comment (URLs keep their
    /// fragments: `https://x/#a` is not cut).
    static func splitComment(_ line: String) -> (body: Substring, comment: Substring?) {
        var quoted = false
        var previous = UInt8(ascii: " ")
        let utf8 = line.utf8
        for i in utf8.indices {
            let b = utf8[i]
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if b == UInt8(ascii: "#"), !quoted, previous == 0x20 || previous == 0x09 {
                return (line[..<i], line[i...])
            }
            previous = b
        }
        return (line[...], nil)
    }

    /// A word as written: in double quotes when it holds a space (or a `#`, for a tag; a URL keeps its fragment
    /// unquoted). A word cannot hold a double quote.
    static func quoted(_ word: String, hash: Bool = true) -> String {
        let word = word.utf8.contains(UInt8(ascii: "\"")) ? word.replacingOccurrences(of: "\"", with: "") : word
        let spaced = word.utf8.contains { $0 == 0x20 || $0 == 0x09 || (hash && $0 == UInt8(ascii: "#")) }
        return spaced ? "\"\(word)\"" : word
    }
}
