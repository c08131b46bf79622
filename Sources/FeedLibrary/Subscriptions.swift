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
        case other(String)
    }

    private var lines: [Line]

    public init(text: String = "") {
        var rows = text.components(separatedBy: "\n")
        if rows.last == "" { rows.removeLast() }
        lines = rows.map { raw in
            let words = Self.words(raw)
            guard let first = words.first else { return .other(raw) }
            return .entry(Subscription(source: Source(first), tags: Array(words.dropFirst())), raw: raw)
        }
    }

    public var subscriptions: [Subscription] {
        lines.compactMap { if case .entry(let s, _) = $0 { s } else { nil } }
    }

    public var text: String {
        lines.map {
            switch $0 {
            case .entry(_, let raw): raw
            case .other(let raw): raw
            }
        }.map { $0 + "\n" }.joined()
    }

    /// Follows `source` with `tags`; a source already followed gains the tags it lacks. Returns whether
    /// anything changed.
    @discardableResult
    public mutating func add(_ source: Source, tags: [String] = []) -> Bool {
        if let i = lines.firstIndex(where: { if case .entry(let s, _) = $0 { s.source == source } else { false } }),
            case .entry(var s, let raw) = lines[i]
        {
            let missing = tags.filter { !s.tags.contains($0) }
            guard !missing.isEmpty else { return false }
            s.tags += missing
            // The line keeps its own text (and trailing comment); the new tags go before the comment.
            let (body, comment) = Self.splitComment(raw)
            let words = body.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            let gap = body.dropFirst(words.count)
            let edited = String(words) + " " + missing.map(Self.quoted).joined(separator: " ")
                + (comment.map { (gap.isEmpty ? " " : String(gap)) + $0 } ?? "")
            lines[i] = .entry(s, raw: edited)
            return true
        }
        let raw = ([source.text] + tags.map(Self.quoted)).joined(separator: " ")
        lines.append(.entry(Subscription(source: source, tags: tags), raw: raw))
        return true
    }

    /// Stops following `source` (every line naming it). Returns whether it was followed.
    @discardableResult
    public mutating func remove(_ source: Source) -> Bool {
        let before = lines.count
        lines.removeAll { if case .entry(let s, _) = $0 { s.source == source } else { false } }
        return lines.count != before
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
        guard FileManager.default.fileExists(atPath: path) else { return SubscriptionFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FeedError("cannot read the subscriptions file", source: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FeedError("the subscriptions file is not UTF-8 text", source: path)
        }
        return SubscriptionFile(text: text)
    }

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

    /// The words of a line before its comment; double quotes group a word with spaces.
    static func words(_ line: String) -> [String] {
        let (body, _) = splitComment(line)
        var words: [String] = []
        var current = ""
        var quoted = false
        var inWord = false
        for c in body {
            if c == "\"" {
                quoted.toggle()
                inWord = true
            } else if !quoted && (c == " " || c == "\t" || c == "\r") {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words.filter { !$0.isEmpty }
    }

    /// A `#` at the start of a line or after white space, outside quotes, starts a comment (URLs keep their
    /// fragments: `https://x/#a` is not cut).
    static func splitComment(_ line: String) -> (body: Substring, comment: Substring?) {
        var quoted = false
        var previous: Character = " "
        for i in line.indices {
            let c = line[i]
            if c == "\"" { quoted.toggle() }
            if c == "#", !quoted, previous == " " || previous == "\t" {
                return (line[..<i], line[i...])
            }
            previous = c
        }
        return (line[...], nil)
    }

    static func quoted(_ tag: String) -> String {
        tag.contains(where: { $0 == " " || $0 == "\t" || $0 == "#" }) ? "\"\(tag)\"" : tag
    }
}
