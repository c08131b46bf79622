import Foundation

/// A filter over posts, as query channels and config.toml's `ignore` write it:
/// `unread and (tag = "news" or channel ~ "rust") and not text ~ "sponsored" and age < 2d`.
/// `a != b` is `not a = b` and `a !~ b` is `not a ~ b`, so a post whose value is unknown (no author, no views, no
/// date) matches no comparison and every negated one.
public indirect enum Filter: Equatable, Sendable {
    case and(Filter, Filter)
    case or(Filter, Filter)
    case not(Filter)
    /// The user has not opened the post / has bookmarked it.
    case unread
    case bookmarked
    /// `channel`, `tag` or `author` equal to (`=`) or containing (`~`) a string, ASCII letters in either case.
    case string(StringField, StringTest, String)
    /// `text ~ "word"`: the post's searchable text contains the word, as `/` finds it (case and diacritics ignored).
    case text(String)
    case views(Comparison, Int64)
    /// A calendar day (in the zone the filter is evaluated in): `date >= 2026-11-01`.
    case date(Comparison, Day)
    /// Seconds since the post was published, at the time the filter is evaluated: `age < 2d`.
    case age(Comparison, Int64)

    public enum StringField: String, CaseIterable, Sendable {
        /// The channel's title or its source (`@name`, the feed's URL, the file's path).
        case channel
        /// Any of the tags its followed source has in the channels file.
        case tag
        case author
    }

    public enum StringTest: String, Sendable {
        case equal = "="
        case contains = "~"
    }

    public enum Comparison: String, Sendable {
        case equal = "=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="

        /// Whether `a` compares so to `b`.
        public func holds<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch self {
            case .equal: a == b
            case .less: a < b
            case .greater: a > b
            case .lessOrEqual: a <= b
            case .greaterOrEqual: a >= b
            }
        }
    }

    public struct Day: Equatable, Sendable {
        public var year: Int, month: Int, day: Int

        /// The instants the day starts and the next day starts in `zone`.
        public func span(in zone: TimeZone) -> (start: Double, end: Double) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
            let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start
            return (start.timeIntervalSince1970, end.timeIntervalSince1970)
        }
    }

    /// The fields a filter names, as the errors list them.
    public static let fields = ["channel", "tag", "unread", "bookmarked", "date", "age", "views", "author", "text"]
}

/// Why a filter could not be read, and where: `filter: expected a value at column 14`.
public struct FilterError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    /// 1-based, in characters.
    public var column: Int

    init(message: String, column: Int) {
        // A message quotes the filter: its controls shown for what they are, on one line.
        self.message = Sanitize.visible(message)
        self.column = column
    }

    public var description: String { "filter: \(message) at column \(column)" }
}

// MARK: - Reading

extension Filter {
    /// Reads a filter; an error names the column of the fault.
    public static func parse(_ text: String) throws(FilterError) -> Filter {
        var parser = FilterParser(tokens: try FilterParser.tokens(text), end: text.count + 1)
        let filter = try parser.or()
        if let t = parser.peek { throw FilterError(message: "expected and, or or ) before \(t.shown)", column: t.column) }
        return filter
    }
}

private struct Token: Equatable {
    enum Kind: Equatable {
        case word(String)
        /// A number, a date or an age: digits first.
        case literal(String)
        case string(String)
        case op(String)
        case open, close
    }
    var kind: Kind
    var column: Int

    var shown: String {
        switch kind {
        case .word(let w), .literal(let w), .op(let w): "\"\(w)\""
        case .string(let s): "\"\\\"\(s)\\\"\""
        case .open: "\"(\""
        case .close: "\")\""
        }
    }
}

private struct FilterParser {
    var tokens: [Token]
    var end: Int
    var index = 0

    var peek: Token? { index < tokens.count ? tokens[index] : nil }
    var column: Int { peek?.column ?? end }

    static func tokens(_ text: String) throws(FilterError) -> [Token] {
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c.isWhitespace {
                i += 1
            } else if c == "(" || c == ")" {
                tokens.append(Token(kind: c == "(" ? .open : .close, column: column))
                i += 1
            } else if c == "\"" {
                var value = ""
                i += 1
                while true {
                    guard i < chars.count else { throw FilterError(message: "a string is not closed", column: column) }
                    if chars[i] == "\"" { break }
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    value.append(chars[i])
                    i += 1
                }
                i += 1
                tokens.append(Token(kind: .string(value), column: column))
            } else if "=<>~!".contains(c) {
                let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : ""
                if ["!=", "<=", ">=", "!~"].contains(two) {
                    tokens.append(Token(kind: .op(two), column: column))
                    i += 2
                } else if c == "!" {
                    throw FilterError(message: "expected != or !~", column: column)
                } else {
                    tokens.append(Token(kind: .op(String(c)), column: column))
                    i += 1
                }
            } else if c.isLetter || c.isNumber || c == "_" || c == "-" {
                var word = ""
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" {
                    word.append(chars[i])
                    i += 1
                }
                tokens.append(Token(kind: c.isNumber ? .literal(word) : .word(word.lowercased()), column: column))
            } else {
                throw FilterError(message: "unexpected \"\(c)\"", column: column)
            }
        }
        return tokens
    }

    mutating func next() -> Token? {
        defer { index += 1 }
        return peek
    }

    mutating func keyword(_ word: String) -> Bool {
        guard peek?.kind == .word(word) else { return false }
        index += 1
        return true
    }

    mutating func or() throws(FilterError) -> Filter {
        var left = try and()
        while keyword("or") { left = .or(left, try and()) }
        return left
    }

    mutating func and() throws(FilterError) -> Filter {
        var left = try unary()
        while keyword("and") { left = .and(left, try unary()) }
        return left
    }

    mutating func unary() throws(FilterError) -> Filter {
        if keyword("not") { return .not(try unary()) }
        guard let token = next() else { throw FilterError(message: "expected a field (\(Filter.fields.joined(separator: ", ")))", column: end) }
        switch token.kind {
        case .open:
            let inner = try or()
            guard next()?.kind == .close else { throw FilterError(message: "expected )", column: tokens.indices.contains(index - 1) ? tokens[index - 1].column : end) }
            return inner
        case .word(let field):
            return try comparison(field, at: token.column)
        default:
            throw FilterError(message: "expected a field (\(Filter.fields.joined(separator: ", "))), not \(token.shown)", column: token.column)
        }
    }

    mutating func comparison(_ field: String, at fieldColumn: Int) throws(FilterError) -> Filter {
        guard Filter.fields.contains(field) else {
            throw FilterError(message: "unknown field \"\(field)\" (fields: \(Filter.fields.joined(separator: ", ")))", column: fieldColumn)
        }
        let flag: Filter? = field == "unread" ? .unread : field == "bookmarked" ? .bookmarked : nil
        guard case .op(let op)? = peek?.kind else {
            if let flag { return flag }
            throw FilterError(message: "expected an operator (= != < > <= >= ~ !~) after \(field)", column: column)
        }
        let opColumn = column
        index += 1
        let negated = op == "!=" || op == "!~"
        let valueColumn = column
        guard let value = next(), value.kind != .open, value.kind != .close, value.kind != .word("and"), value.kind != .word("or"), value.kind != .word("not") else {
            throw FilterError(message: "expected a value", column: valueColumn)
        }
        let wrong = FilterError(message: "\(field) cannot be compared with \(op)", column: opColumn)
        let filter: Filter
        if let flag {
            guard op == "=" || op == "!=" else { throw wrong }
            switch value.kind {
            case .word("true"), .word("yes"): return negated ? .not(flag) : flag
            case .word("false"), .word("no"): return negated ? flag : .not(flag)
            default: throw FilterError(message: "\(field) is true or false, not \(value.shown)", column: valueColumn)
            }
        } else if field == "text" || Filter.StringField(rawValue: field) != nil {
            guard case .string(let s) = value.kind else { throw FilterError(message: "expected a string in double quotes after \(op)", column: valueColumn) }
            let test: Filter.StringTest
            switch op {
            case "=", "!=": test = .equal
            case "~", "!~": test = .contains
            default: throw wrong
            }
            if let stringField = Filter.StringField(rawValue: field) {
                filter = .string(stringField, test, s)
            } else {
                guard test == .contains else { throw FilterError(message: "text is compared with ~ or !~ only", column: opColumn) }
                guard !s.isEmpty else { throw FilterError(message: "text ~ needs a word", column: valueColumn) }
                filter = .text(s)
            }
        } else {
            guard !op.contains("~") else { throw wrong }
            let comparison = Filter.Comparison(rawValue: op == "!=" ? "=" : op) ?? .equal
            guard case .literal(let literal) = value.kind else {
                throw FilterError(message: "expected \(Self.literalKind(field)) after \(op)", column: valueColumn)
            }
            let bad = FilterError(message: "\"\(literal)\" is not \(Self.literalKind(field))", column: valueColumn)
            switch field {
            case "views":
                guard let n = Int64(literal) else { throw bad }
                filter = .views(comparison, n)
            case "date":
                let parts = literal.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2], (1...12).contains(m), (1...31).contains(d)
                else { throw bad }
                filter = .date(comparison, Filter.Day(year: y, month: m, day: d))
            default:
                let units: [Character: Int64] = ["m": 60, "h": 3600, "d": 86400, "w": 7 * 86400]
                guard let unit = literal.last.flatMap({ units[$0] }), let n = Int64(literal.dropLast()), n <= Int64.max / unit else { throw bad }
                filter = .age(comparison, n * unit)
            }
        }
        return negated ? .not(filter) : filter
    }

    static func literalKind(_ field: String) -> String {
        switch field {
        case "views": "a number"
        case "date": "a date (2026-11-01)"
        default: "an age (30m, 12h, 2d, 1w)"
        }
    }
}

// MARK: - Evaluating

/// What a filter looks at besides the post itself.
public struct FilterSubject: Sendable {
    public var post: Publication
    public var channelTitle: String
    /// The channel's source, as the library knows it (`@name`, the feed's URL, the file's path).
    public var channelSource: String
    public var tags: [String]
    public var read: Bool
    public var bookmarked: Bool

    public init(post: Publication, channelTitle: String, channelSource: String, tags: [String], read: Bool, bookmarked: Bool) {
        self.post = post
        self.channelTitle = channelTitle
        self.channelSource = channelSource
        self.tags = tags
        self.read = read
        self.bookmarked = bookmarked
    }
}

extension Filter {
    /// Whether the post matches, with ages measured at `now` and days in `zone`. The library's SQL gives the same
    /// answer (its tests compare the two).
    public func matches(_ s: FilterSubject, now: Date, zone: TimeZone) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(s, now: now, zone: zone) && b.matches(s, now: now, zone: zone)
        case .or(let a, let b): return a.matches(s, now: now, zone: zone) || b.matches(s, now: now, zone: zone)
        case .not(let a): return !a.matches(s, now: now, zone: zone)
        case .unread: return !s.read
        case .bookmarked: return s.bookmarked
        case .string(let field, let test, let value):
            let values: [String] =
                switch field {
                case .channel: [s.channelTitle, s.channelSource]
                case .tag: s.tags
                case .author: s.post.author.map { [$0] } ?? []
                }
            return values.contains { Self.string($0, test, value) }
        case .text(let word):
            return SearchText.contains(SearchText.fold(s.post.searchableText), SearchText.fold(word))
        case .views(let c, let n):
            return s.post.views.map { c.holds($0.value, n) } ?? false
        case .date(let c, let day):
            guard let t = s.post.date?.timeIntervalSince1970 else { return false }
            let (start, end) = day.span(in: zone)
            switch c {
            case .equal: return t >= start && t < end
            case .less: return t < start
            case .lessOrEqual: return t < end
            case .greater: return t >= end
            case .greaterOrEqual: return t >= start
            }
        case .age(let c, let seconds):
            guard let t = s.post.date?.timeIntervalSince1970 else { return false }
            return c.holds(now.timeIntervalSince1970 - t, Double(seconds))
        }
    }

    /// `=` and `~` on text, ASCII letters in either case (as SQLite's `lower` compares them).
    public static func string(_ a: String, _ test: StringTest, _ b: String) -> Bool {
        let a = asciiLower(a)
        let b = asciiLower(b)
        switch test {
        case .equal: return a == b
        case .contains: return b.isEmpty || (a.count >= b.count && (0...(a.count - b.count)).contains { a[$0...].starts(with: b) })
        }
    }

    public static func asciiLower(_ s: String) -> [UInt8] {
        s.utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }
    }
}
