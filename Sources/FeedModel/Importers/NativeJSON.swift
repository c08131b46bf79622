import Foundation

/// feedtui's own format, written by `feedtui export --json`: `{"channels": [Channel…], "format": "feedtui",
/// "version": 1}` with sorted keys and ISO 8601 dates, so that export → import → export is byte-identical.
///
/// Written with Codable and JSONEncoder; read with `JSONReader` (streaming, one publication's tree at a time)
/// rather than JSONDecoder, which took 4.1 s and 1.1 GB on a 1,000,000-post file, gave no line numbers, and
/// refused a whole file for a cut at its end, a lone surrogate escape or a byte of invalid UTF-8.
public enum NativeJSON: StreamingImporter {
    public static let version = 1

    private struct OutEnvelope: Encodable {
        var channels: [Channel]
        var format = "feedtui"
        var version = NativeJSON.version
    }

    public static func encode(_ channels: [Channel]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(ISODate.format(date))
        }
        // Encoding plain value types cannot fail except for non-finite doubles, which no importer produces.
        let data = (try? encoder.encode(OutEnvelope(channels: channels))) ?? Data("{}".utf8)
        return escapingControls(data) + Data("\n".utf8)
    }

    /// JSONEncoder escapes C0 controls only; DEL, C1 and the bidi controls are escaped here as `\uXXXX` too, so that
    /// an export shown in a terminal (`export | less`) cannot steer it. The same data: outside strings JSON is ASCII.
    public static func escapingControls(_ data: Data) -> Data {
        guard data.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else { return data }
        let bytes = [UInt8](data)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 64)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            // The UTF-8 length of the scalar starting here, when it is one to escape.
            var scalar: (value: UInt32, length: Int)?
            if b == 0x7F {
                scalar = (0x7F, 1)
            } else if i + 1 < bytes.count, b == 0xC2, (0x80...0x9F).contains(bytes[i + 1]) {
                scalar = (UInt32(bytes[i + 1]), 2)
            } else if i + 1 < bytes.count, b == 0xD8, bytes[i + 1] == 0x9C {
                scalar = (0x061C, 2)
            } else if i + 2 < bytes.count, b == 0xE2, bytes[i + 1] == 0x80 || bytes[i + 1] == 0x81 {
                let value = 0x2000 + (UInt32(bytes[i + 1] & 0x3F) << 6) + UInt32(bytes[i + 2] & 0x3F)
                if let s = Unicode.Scalar(value), Sanitize.isControl(s) { scalar = (value, 3) }
            }
            if let (value, length) = scalar {
                out += Array(String(format: "\\u%04X", value).utf8)
                i += length
            } else {
                out.append(b)
                i += 1
            }
        }
        return Data(out)
    }

    /// An object whose first key is one of the envelope's: export writes "channels" first (sorted keys), other
    /// writers (Python's `json.dump`) keep their own order, such as "format" first. No other JSON format here
    /// starts with any of the three.
    static func recognizes(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(64), as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard head.first == "{" else { return false }
        let key = head.dropFirst().drop(while: \.isWhitespace)
        return ["\"channels\"", "\"format\"", "\"version\""].contains { key.hasPrefix($0) }
    }

    static func load(_ data: Data, stream: PostStream?) throws(FeedError) -> [Channel] {
        try JSONReader.reading(data) { reader in
            var walker = NativeWalker(reader: reader, stream: stream)
            return walker.run()
        }
    }
}

// MARK: - Reading: the file's structure

/// One channel while it is read. Sorted keys put `title` after `publications`, so a file cut inside a channel
/// never has that channel's title: the builder keeps the publications until the end decides what to do.
private struct ChannelBuilder {
    /// The line of the channel's `{`.
    var line: Int
    var channel = Channel(title: "")
    var title: String?
    /// Why the title is unusable when it is there but not a string.
    var titleProblem: String?
    /// Its closing brace was read.
    var complete = false
    /// Not a channel at all (an item of `channels` that is not an object): only its skip is kept.
    var isPlaceholder = false
    /// Publications read (kept in `channel`, or handed to the stream).
    var posts = 0

    init(line: Int) { self.line = line }
}

private struct NativeWalker {
    var reader: JSONReader
    /// Where each publication goes as soon as it is read.
    let stream: PostStream?
    var builders: [ChannelBuilder] = []
    /// The line of the publication being read, so that a cut inside it is reported there.
    var publicationLine: Int?
    var format: String?
    var version: Int64?

    mutating func run() -> Result<[Channel], FeedError> {
        do throws(ParseFailure) {
            if let refusal = try top() { return .failure(refusal) }
        } catch {
            return salvage(error)
        }
        guard format != nil else { return .failure(FeedError("not a feedtui file (no \"format\")")) }
        guard version != nil else { return .failure(FeedError("no \"version\" in this feedtui file")) }
        return finish(cut: nil)
    }

    /// `{"channels": [...], "format": "feedtui", "version": 1}`; a refusal for a file that is not ours to read.
    private mutating func top() throws(ParseFailure) -> FeedError? {
        reader.skipBOM()
        reader.skipWS()
        guard reader.peek == UInt8(ascii: "{") else {
            throw reader.failure(reader.atEnd ? "no JSON object" : "expected a JSON object")
        }
        reader.i += 1
        var first = true
        while let key = try reader.nextKey(first: &first) {
            switch key {
            case "channels":
                guard reader.peek == UInt8(ascii: "[") else {
                    return FeedError(
                        "\"channels\" is not a list", line: reader.line, column: reader.i - reader.lineStart + 1)
                }
                try channelList()
            case "format":
                guard case .string(let s) = try reader.value() else { return FeedError("\"format\" is not a string") }
                guard s == "feedtui" else { return FeedError("not a feedtui file (format \"\(s)\")") }
                format = s
            case "version":
                let value = try reader.value()
                guard case .int(let n) = value else { return FeedError("\"version\" is not a whole number") }
                guard n <= NativeJSON.version else {
                    return FeedError("written by a newer feedtui (version \(n), this one reads \(NativeJSON.version))")
                }
                version = n
            default:
                try reader.skipValue()
            }
        }
        reader.skipWS()
        if !reader.atEnd { throw reader.unexpected("the end of the file") }
        return nil
    }

    private mutating func channelList() throws(ParseFailure) {
        reader.i += 1  // "["
        var first = true
        while try reader.nextItem(first: &first) {
            var builder = ChannelBuilder(line: reader.line)
            guard reader.peek == UInt8(ascii: "{") else {
                try reader.skipValue()
                builder.isPlaceholder = true
                builder.complete = true
                builders.append(builder)
                continue
            }
            reader.i += 1
            builders.append(builder)
            try channel(builders.count - 1)
        }
    }

    private mutating func channel(_ index: Int) throws(ParseFailure) {
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if key == "publications" {
                try publications(index)
                continue
            }
            let line = reader.line
            let value = try reader.value()
            do throws(FieldError) {
                try NativeFields.channelField(key, value, into: &builders[index])
            } catch {
                // A bad channel field is left out (shown as unknown); the channel and its posts are kept.
                builders[index].channel.skipped.record(line: line, error.reason + " (left out)")
            }
        }
        builders[index].complete = true
    }

    private mutating func publications(_ index: Int) throws(ParseFailure) {
        guard reader.peek == UInt8(ascii: "[") else {
            builders[index].channel.skipped.record(line: reader.line, "\"publications\" is not a list")
            return try reader.skipValue()
        }
        reader.i += 1
        var first = true
        while try reader.nextItem(first: &first) {
            let line = reader.line
            publicationLine = line
            let deep = reader.tooDeep
            let value = try reader.value()
            publicationLine = nil
            guard reader.tooDeep == deep else {
                builders[index].channel.skipped.record(line: line, "a value nested deeper than \(JSONReader.maxDepth) levels")
                continue
            }
            let post: Publication
            do throws(FieldError) {
                post = try NativeFields.publication(value)
            } catch {
                builders[index].channel.skipped.record(line: line, error.reason)
                continue
            }
            builders[index].posts += 1
            guard let stream else {
                builders[index].channel.publications.append(post)
                continue
            }
            if !stream.send(post, channel: index, bytesRead: reader.i, header: { header(index) }) {
                throw reader.failure("import cancelled")
            }
        }
    }

    /// A channel's fields read so far (sorted keys put its title after its publications).
    private func header(_ index: Int) -> Channel {
        var channel = Channel(header: builders[index].channel)
        channel.title = builders[index].title ?? ""
        return channel
    }

    /// Keeps what was read before a syntax error or the end of a truncated file, when that is anything at all.
    private mutating func salvage(_ failure: ParseFailure) -> Result<[Channel], FeedError> {
        let text = failure.atEnd ? "truncated JSON: \(failure.message)" : "invalid JSON: \(failure.message)"
        // A channel cut before any of its publications is not shown.
        if let last = builders.last, !last.complete, last.posts == 0, last.channel.skipped.count == 0 {
            builders.removeLast()
        }
        let usable = builders.contains { b in
            !b.isPlaceholder && (b.complete ? b.title != nil : b.posts > 0)
        }
        guard usable else { return .failure(FeedError(text, line: failure.line, column: failure.column)) }
        let reason =
            failure.atEnd
            ? "the file ends early (truncated JSON); the publications from here on are missing"
            : "invalid JSON at line \(failure.line), column \(failure.column): \(failure.message); the rest of the file was not read"
        return finish(cut: (publicationLine ?? failure.line, reason))
    }

    /// The channels to show. A complete channel without a title is skipped, its reason recorded on the channel
    /// kept before it (or after it, when none is); a channel cut before its title (which sorted keys put after
    /// the publications) keeps what it has under its handle.
    private func finish(cut: (line: Int, reason: String)?) -> Result<[Channel], FeedError> {
        var channels: [Channel] = []
        var indexes: [Int] = []
        var pending = SkipReport()  // skips of channels before the first one kept
        for (index, b) in builders.enumerated() {
            var ch = b.channel
            if b.isPlaceholder {
                record(b.line, "a channel is not a JSON object")
                continue
            }
            if let title = b.title {
                ch.title = title
            } else if !b.complete {
                ch.title = ch.handle.map { "@" + $0 } ?? "Untitled channel"
            } else {
                let posts = b.posts + ch.skipped.count
                let what = b.titleProblem ?? "a channel without a \"title\""
                record(b.line, posts == 0 ? what : "\(what); its \(posts) publication\(posts == 1 ? " is" : "s are") not shown")
                continue
            }
            ch.skipped = pending.followed(by: ch.skipped)
            pending = SkipReport()
            channels.append(ch)
            indexes.append(index)
        }
        func record(_ line: Int, _ reason: String) {
            if channels.isEmpty {
                pending.record(line: line, reason)
            } else {
                channels[channels.count - 1].skipped.record(line: line, reason)
            }
        }
        guard !channels.isEmpty else {
            guard pending.count > 0 else { return .success([]) }
            return .failure(FeedError(pending.firstReason ?? "no channel", line: pending.firstLine))
        }
        if let cut { channels[channels.count - 1].skipped.record(line: cut.line, cut.reason) }
        stream?.returned(indexes)
        return .success(channels)
    }
}

extension SkipReport {
    /// These skips, then `later`'s: the counts add up, the first reason is the earliest.
    fileprivate func followed(by later: SkipReport) -> SkipReport {
        guard count > 0 else { return later }
        var merged = self
        merged.count += later.count
        return merged
    }
}

// MARK: - Reading: one value of the schema

private struct FieldError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Maps the generic `JSON` values of one channel field or one publication onto the model. A `null` is the same
/// as an absent key; a value of the wrong type is an error, never silently read as something else.
private enum NativeFields {
    static func channelField(_ key: String, _ value: JSON, into b: inout ChannelBuilder) throws(FieldError) {
        switch key {
        case "title":
            switch value {
            case .string(let s): b.title = s
            case .null: break
            default: b.titleProblem = "a channel whose \"title\" is not a string"
            }
        case "handle": b.channel.handle = try string(value, "handle")
        case "language": b.channel.language = try string(value, "language")
        case "description": b.channel.description = try string(value, "description")
        case "url": b.channel.url = try string(value, "url")
        case "subscribers": b.channel.subscribers = try count(value, "subscribers")
        case "counters":
            if case .null = value { return }
            guard case .object(let o) = value else { throw FieldError("\"counters\" is not an object") }
            var c = ReportedCounters()
            c.viewsPerWeek = try count(o["viewsPerWeek"], "viewsPerWeek")
            c.viewsPerMonth = try count(o["viewsPerMonth"], "viewsPerMonth")
            c.mentionsIn = try count(o["mentionsIn"], "mentionsIn")
            c.mentionsFrom = try count(o["mentionsFrom"], "mentionsFrom")
            c.forwardedChannels = try count(o["forwardedChannels"], "forwardedChannels")
            c.photos = try count(o["photos"], "photos")
            c.videos = try count(o["videos"], "videos")
            c.files = try count(o["files"], "files")
            c.links = try count(o["links"], "links")
            b.channel.counters = c
        case "rating":
            if case .null = value { return }
            guard case .object(let o) = value else { throw FieldError("\"rating\" is not an object") }
            guard let votes = try int(o["votes"], "votes") else { throw FieldError("\"rating\" has no \"votes\"") }
            b.channel.rating = Rating(votes: votes, average: try double(o["average"], "average"))
        default:
            break  // unknown keys are ignored
        }
    }

    static func publication(_ value: JSON) throws(FieldError) -> Publication {
        guard case .object(let m) = value else { throw FieldError("a publication is not a JSON object") }
        // One pass over the keys present (a handful) rather than a hashed lookup for each of the 15 the schema
        // has; the checks below still run in a fixed order, so the reason given for a bad post is stable.
        var idValue, dateValue, utcOffset, text, mediaValue, linkPreview, links, linkMarks, views, forwards, reactions: JSON?
        var forwardedFrom, replyTo, edited, editedAt, isService, permalink, author, reactionsByEmoji: JSON?
        for (key, value) in m {
            switch key {
            case "date": dateValue = value
            case "id": idValue = value
            case "text": text = value
            case "views": views = value
            case "forwards": forwards = value
            case "reactions": reactions = value
            case "media": mediaValue = value
            case "links": links = value
            case "linkMarks": linkMarks = value
            case "linkPreview": linkPreview = value
            case "utcOffset": utcOffset = value
            case "forwardedFrom": forwardedFrom = value
            case "replyTo": replyTo = value
            case "edited": edited = value
            case "editedAt": editedAt = value
            case "isService": isService = value
            case "permalink": permalink = value
            case "author": author = value
            case "reactionsByEmoji": reactionsByEmoji = value
            default: break  // unknown keys are ignored
            }
        }
        let id: String
        switch idValue {
        case nil, .null?: throw FieldError("missing \"id\"")
        case .string(let s)?: id = s
        // Written as a string; a whole number (a hand-made file) is read as its digits.
        case .int(let n)?: id = String(n)
        case .number(let raw)?:
            throw FieldError("\"id\" \(raw.prefix(40)) is \(isWhole(raw) ? "too large" : "not a whole number")")
        default: throw FieldError("\"id\" is not a string")
        }
        // An absent or unreadable date is a post whose date is unknown (kept, shown as —); a zone-less one is a
        // wall-clock time.
        let posted = (try? dateWithZone(dateValue, "date")) ?? nil
        var p = Publication(id: id, date: posted?.date, wallClock: posted.map { $0.offset == nil } ?? false)
        p.utcOffset = try int(utcOffset, "utcOffset")
        p.permalink = try string(permalink, "permalink")
        p.author = try string(author, "author")
        p.text = try string(text, "text") ?? ""
        switch mediaValue {
        case nil, .null?: break
        case .array(let items)?:
            p.media.reserveCapacity(items.count)
            for (n, item) in items.enumerated() {
                do throws(FieldError) {
                    p.media.append(try media(item))
                } catch {
                    throw FieldError("media \(n + 1): \(error.reason)")
                }
            }
        default: throw FieldError("\"media\" is not a list")
        }
        p.linkPreview = try NativeFields.linkPreview(linkPreview)
        p.links = try NativeFields.links(links)
        p.linkMarks = try NativeFields.linkMarks(linkMarks, text: p.text, links: p.links.count)
        p.views = try count(views, "views")
        p.forwards = try count(forwards, "forwards")
        p.reactions = try count(reactions, "reactions")
        switch reactionsByEmoji {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .object(let o) = item, let emoji = try string(o["emoji"], "reactionsByEmoji.emoji"),
                    let n = try count(o["count"], "reactionsByEmoji.count")
                else { throw FieldError("\"reactionsByEmoji\" holds something other than {emoji, count}") }
                p.reactionsByEmoji.append(Reaction(emoji: emoji, count: n))
            }
        default: throw FieldError("\"reactionsByEmoji\" is not a list")
        }
        p.forwardedFrom = try string(forwardedFrom, "forwardedFrom")
        p.replyTo = try string(replyTo, "replyTo")
        p.edited = try bool(edited, "edited") ?? false
        p.editedAt = try date(editedAt, "editedAt")
        p.isService = try bool(isService, "isService") ?? false
        return p
    }

    /// `[{"number": 2, "end": 57}]`: a number of one of the post's links, and a UTF-8 offset into its text that
    /// falls between two characters.
    static func linkMarks(_ value: JSON?, text: String, links: Int) throws(FieldError) -> [LinkMark] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?:
            let utf8 = text.utf8
            return try items.map { item throws(FieldError) in
                guard case .object(let o) = item, let number = try int(o["number"], "linkMarks.number"),
                    let end = try int(o["end"], "linkMarks.end")
                else { throw FieldError("\"linkMarks\" holds something other than {number, end}") }
                guard links > 0, (1...links).contains(number) else {
                    throw FieldError("\"linkMarks\": link \(number) is not one of the post's \(links) links")
                }
                guard (0...utf8.count).contains(end), end == utf8.count || !UTF8.isContinuation(utf8[utf8.index(utf8.startIndex, offsetBy: end)])
                else { throw FieldError("\"linkMarks\": end \(end) does not fall between two characters of the text") }
                return LinkMark(number: number, end: end)
            }
        default: throw FieldError("\"linkMarks\" is not a list")
        }
    }

    static func media(_ value: JSON) throws(FieldError) -> Media {
        guard case .object(let o) = value else { throw FieldError("not an object") }
        guard let kindName = try string(o["kind"], "kind") else { throw FieldError("missing \"kind\"") }
        // A kind this feedtui does not know (from a later one) is still a media marker.
        var m = Media(kind: MediaKind(rawValue: kindName) ?? .other)
        m.name = try string(o["name"], "name")
        m.url = try string(o["url"], "url")
        m.thumbnail = try string(o["thumbnail"], "thumbnail")
        m.size = try int64(o["size"], "size")
        m.sizeApproximate = try bool(o["sizeApproximate"], "sizeApproximate") ?? false
        m.duration = try int(o["duration"], "duration")
        switch o["options"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .object(let option) = item, let text = try string(option["text"], "options.text") else {
                    throw FieldError("\"options\" holds something other than {text, …}")
                }
                m.options.append(
                    PollOption(
                        text: text, percent: try int(option["percent"], "options.percent"),
                        votes: try int64(option["votes"], "options.votes")))
            }
        default: throw FieldError("\"options\" is not a list")
        }
        m.voters = try count(o["voters"], "voters")
        return m
    }

    static func linkPreview(_ value: JSON?) throws(FieldError) -> LinkPreview? {
        switch value {
        case nil, .null?: return nil
        case .object(let o)?:
            return LinkPreview(
                site: try string(o["site"], "linkPreview.site"), title: try string(o["title"], "linkPreview.title"),
                description: try string(o["description"], "linkPreview.description"),
                url: try string(o["url"], "linkPreview.url"), image: try string(o["image"], "linkPreview.image"))
        default: throw FieldError("\"linkPreview\" is not an object")
        }
    }

    static func links(_ value: JSON?) throws(FieldError) -> [String] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?:
            return try items.map { item throws(FieldError) in
                guard case .string(let s) = item else { throw FieldError("\"links\" holds something other than strings") }
                return s
            }
        default: throw FieldError("\"links\" is not a list")
        }
    }

    static func string(_ value: JSON?, _ key: StaticString) throws(FieldError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw FieldError("\"\(key)\" is not a string")
        }
    }

    static func bool(_ value: JSON?, _ key: StaticString) throws(FieldError) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        default: throw FieldError("\"\(key)\" is not true or false")
        }
    }

    /// Digits only (with a sign): an integer too large for Int64, as opposed to a fraction or an exponent.
    static func isWhole(_ raw: String) -> Bool {
        !raw.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    static func int64(_ value: JSON?, _ key: StaticString) throws(FieldError) -> Int64? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?: return n
        case .number(let raw)?:
            let shown = raw.prefix(40)
            if isWhole(raw) { throw FieldError("\"\(key)\" \(shown) is too \(raw.hasPrefix("-") ? "small" : "large")") }
            // 1200.0 or 1.2e3: a whole number written otherwise.
            guard let d = Double(raw), d.rounded(.towardZero) == d else {
                throw FieldError("\"\(key)\" \(shown) is not a whole number")
            }
            guard let n = Int64(exactly: d) else { throw FieldError("\"\(key)\" \(shown) is too \(d < 0 ? "small" : "large")") }
            return n
        default: throw FieldError("\"\(key)\" is not a number")
        }
    }

    static func int(_ value: JSON?, _ key: StaticString) throws(FieldError) -> Int? {
        guard let n = try int64(value, key) else { return nil }
        guard let i = Int(exactly: n) else { throw FieldError("\"\(key)\" \(n) is too large") }
        return i
    }

    static func double(_ value: JSON?, _ key: StaticString) throws(FieldError) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?: return Double(n)
        case .number(let raw)?:
            guard let d = Double(raw), d.isFinite else { throw FieldError("\"\(key)\" \(raw.prefix(40)) is out of range") }
            return d
        default: throw FieldError("\"\(key)\" is not a number")
        }
    }

    /// A plain number, or `{"value": n, "approximate": true}`.
    static func count(_ value: JSON?, _ key: StaticString) throws(FieldError) -> Count? {
        guard case .object(let o)? = value else { return try int64(value, key).map { Count($0) } }
        do throws(FieldError) {
            guard let n = try int64(o["value"], "value") else { throw FieldError("missing \"value\"") }
            return Count(n, approximate: try bool(o["approximate"], "approximate") ?? false)
        } catch {
            throw FieldError("\"\(key)\": \(error.reason)")
        }
    }

    static func date(_ value: JSON?, _ key: StaticString) throws(FieldError) -> Date? {
        try dateWithZone(value, key)?.date
    }

    /// The instant, and the offset it was written with (nil for a wall-clock time without zone).
    static func dateWithZone(_ value: JSON?, _ key: StaticString) throws(FieldError) -> (date: Date, offset: Int?)? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?:
            guard let d = ISODate.parseWithOffset(s) else {
                throw FieldError("\"\(key)\" is not an ISO 8601 date: \"\(s.prefix(40))\"")
            }
            return d
        default: throw FieldError("\"\(key)\" is not a date string")
        }
    }
}

/// ISO 8601 / RFC 3339 timestamps in UTC, with fractional seconds only when there are some.
public enum ISODate {
    /// The instants a timestamp can be written for, 0001-01-01T00:00:00Z up to the end of 9999: one whose wall
    /// clock is in 9999 but whose UTC is in 10000 (`Sun, 31 Dec 9999 23:59:59 -1200`) is no date a source can mean,
    /// and could not be written to be read back.
    public static func isWritable(_ date: Date) -> Bool {
        (-62_135_596_800..<253_402_300_800).contains(date.timeIntervalSince1970)
    }

    public static func format(_ date: Date) -> String {
        formatWallClock(date) + "Z"
    }

    /// The same without the zone: a wall-clock time whose zone the source did not give.
    public static func formatWallClock(_ date: Date) -> String {
        let t = CivilTime(date)
        // Digits written directly: `String(format:)` was most of what storing a post's record cost.
        var s = ""
        s.reserveCapacity(24)
        func append(_ n: Int, width: Int) {
            if n < 0 {
                s += "-"
                return append(-n, width: width - 1)
            }
            let digits = String(n)
            if digits.utf8.count < width { s += String(repeating: "0", count: width - digits.utf8.count) }
            s += digits
        }
        append(t.year, width: 4)
        s += "-"
        append(t.month, width: 2)
        s += "-"
        append(t.day, width: 2)
        s += "T"
        append(t.hour, width: 2)
        s += ":"
        append(t.minute, width: 2)
        s += ":"
        append(t.second, width: 2)
        let frac = date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)
        if frac > 0.0005 {
            // Milliseconds, three digits at most (a fraction that rounds up to 1000 is written ".100", as before).
            var ms = "."
            let n = Int((frac * 1000).rounded())
            let digits = String(n)
            if digits.utf8.count < 3 { ms += String(repeating: "0", count: 3 - digits.utf8.count) }
            ms += digits
            s += ms.prefix(4)
        }
        return s
    }

    /// `2017-07-30T12:25:00Z`, `2017-07-30T12:25:00.123+03:00`, `2017-07-30 12:25:00`; returns nil otherwise.
    public static func parse(_ s: String) -> Date? {
        parseWithOffset(s)?.date
    }

    /// The instant and the zone offset in seconds it was written with (nil when the text had no zone).
    public static func parseWithOffset(_ s: String) -> (date: Date, offset: Int?)? {
        let b = Array(s.utf8)
        func num(_ at: Int, _ len: Int) -> Int? {
            guard at + len <= b.count else { return nil }
            var n = 0
            for i in at..<(at + len) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = num(0, 4), b.count >= 10, b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2) else {
            return nil
        }
        var i = 10
        var h = 0, mi = 0, sec = 0
        var frac = 0.0
        if i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 {
            guard let hh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let mm = num(i + 4, 2) else { return nil }
            (h, mi) = (hh, mm)
            i += 6
            if i < b.count, b[i] == 58 {
                guard let ss = num(i + 1, 2) else { return nil }
                sec = ss
                i += 3
                if i < b.count, b[i] == 46 {
                    var j = i + 1
                    var scale = 0.1
                    while j < b.count, b[j] >= 48 && b[j] <= 57 {
                        frac += Double(b[j] - 48) * scale
                        scale /= 10
                        j += 1
                    }
                    i = j
                }
            }
        }
        var offset: Int?
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {  // Z
                offset = 0
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                guard let oh = num(i + 1, 2) else { return nil }
                var j = i + 3
                if j < b.count, b[j] == 58 { j += 1 }
                guard let om = num(j, 2) else { return nil }
                offset = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
                i = j + 2
            }
        }
        guard i == b.count, let civil = CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: min(sec, 59))
        else { return nil }
        let date = civil.date.addingTimeInterval(frac - Double(offset ?? 0))
        return isWritable(date) ? (date, offset) : nil
    }
}

// MARK: - One record at a time (the library keeps each publication, and each channel without them, this way)

/// Encodes publications and channel headers as compact native-JSON objects, so that a field added to the model
/// and to the native format is kept by the library too. One coder serves a whole batch (JSONEncoder is costly to make).
public struct NativeRecordCoder {
    private let encoder: JSONEncoder

    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(ISODate.format(date))
        }
    }

    /// The record of a publication: the bytes JSONEncoder writes for it, written directly for the fields an import
    /// meets on every post (JSONEncoder's boxing of each value was an eighth of an import), through JSONEncoder for
    /// the rest (link previews, reactions, polls).
    public func record(_ publication: Publication) -> Data {
        RecordWriter.record(publication) ?? encoded(publication)
    }

    /// Plain value types fail to encode only with non-finite doubles, which no importer produces.
    func encoded(_ publication: Publication) -> Data {
        (try? encoder.encode(publication)) ?? Data("{}".utf8)
    }

    /// The channel's own fields; its publications are stored one by one.
    public func record(channel: Channel) -> Data {
        var header = channel
        header.publications = []
        return (try? encoder.encode(header)) ?? Data("{}".utf8)
    }

    /// A publication stored by `record(_:)`; nil when the bytes are not one.
    public static func publication(_ record: Data) -> Publication? {
        try? JSONReader.reading(record) { reader in
            var reader = reader
            let value: JSON
            do throws(ParseFailure) {
                value = try reader.value()
            } catch {
                return .failure(FeedError(error.message))
            }
            do throws(FieldError) {
                return .success(try NativeFields.publication(value))
            } catch {
                return .failure(FeedError(error.reason))
            }
        }
    }

    /// What a search looks through in a stored publication (`Publication.searchableText`), read from its record
    /// without making the publication: a search checks thousands of records, and making each (its dates, counts,
    /// media) was half of that. nil when the bytes are not a record or these fields are not as a record has them.
    public static func searchableText(_ record: Data) -> String? {
        var text = SearchableText()
        guard record.withUnsafeBytes({ text.read($0) }) else { return nil }
        var joined: [UInt8] = []
        var first = true
        text.forEachPart { part in
            if !first { joined.append(0x0A) }
            first = false
            joined += part
        }
        return String(decoding: joined, as: UTF8.self)
    }

    /// A channel stored by `record(channel:)`, without publications; nil when the bytes are not one.
    public static func channel(_ record: Data) -> Channel? {
        try? JSONReader.reading(record) { reader in
            var reader = reader
            guard reader.peek == UInt8(ascii: "{") else { return .failure(FeedError("not a channel record")) }
            reader.i += 1
            var builder = ChannelBuilder(line: 1)
            var first = true
            do throws(ParseFailure) {
                while let key = try reader.nextKey(first: &first) {
                    let value = try reader.value()
                    try? NativeFields.channelField(key, value, into: &builder)
                }
            } catch {
                return .failure(FeedError(error.message))
            }
            guard let title = builder.title else { return .failure(FeedError("a channel record without a title")) }
            builder.channel.title = title
            return .success(builder.channel)
        }
    }
}

/// A publication's record as JSONEncoder writes it with `NativeRecordCoder`'s settings (keys sorted, `/` not
/// escaped, dates as `ISODate` text), byte for byte; nil for a publication with a field it leaves to JSONEncoder.
enum RecordWriter {
    static func record(_ p: Publication) -> Data? {
        guard p.linkPreview == nil, p.reactionsByEmoji.isEmpty, p.media.allSatisfy({ $0.options.isEmpty }) else { return nil }
        var w = RecordWriter.Bytes()
        w.out.reserveCapacity(p.text.utf8.count + 256)
        w.open()
        // In the order of the sorted keys.
        if let a = p.author { w.key("author"); w.string(a) }
        if let d = p.date { w.key("date"); w.string(p.wallClock ? ISODate.formatWallClock(d) : ISODate.format(d)) }
        if p.edited { w.key("edited"); w.raw("true") }
        if let d = p.editedAt { w.key("editedAt"); w.string(ISODate.format(d)) }
        if let f = p.forwardedFrom { w.key("forwardedFrom"); w.string(f) }
        if let f = p.forwards { w.key("forwards"); w.count(f) }
        w.key("id")
        w.string(p.id)
        if p.isService { w.key("isService"); w.raw("true") }
        if !p.linkMarks.isEmpty {
            w.key("linkMarks")
            w.array(p.linkMarks) { w, m in
                w.open()
                w.key("end"); w.int(m.end)
                w.key("number"); w.int(m.number)
                w.close()
            }
        }
        if !p.links.isEmpty { w.key("links"); w.array(p.links) { w, l in w.string(l) } }
        if !p.media.isEmpty {
            w.key("media")
            w.array(p.media) { w, m in
                w.open()
                if let d = m.duration { w.key("duration"); w.int(d) }
                w.key("kind"); w.string(m.kind.rawValue)
                if let n = m.name { w.key("name"); w.string(n) }
                if let s = m.size { w.key("size"); w.int(s) }
                if m.sizeApproximate { w.key("sizeApproximate"); w.raw("true") }
                if let t = m.thumbnail { w.key("thumbnail"); w.string(t) }
                if let u = m.url { w.key("url"); w.string(u) }
                if let v = m.voters { w.key("voters"); w.count(v) }
                w.close()
            }
        }
        if let l = p.permalink { w.key("permalink"); w.string(l) }
        if let r = p.reactions { w.key("reactions"); w.count(r) }
        if let r = p.replyTo { w.key("replyTo"); w.string(r) }
        w.key("text")
        w.string(p.text)
        if let o = p.utcOffset { w.key("utcOffset"); w.int(o) }
        if let v = p.views { w.key("views"); w.count(v) }
        w.close()
        return Data(w.out)
    }

    struct Bytes {
        var out: [UInt8] = []
        /// No comma before the first member of an object or array.
        private var first = true

        mutating func raw(_ s: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }

        mutating func open() {
            out.append(UInt8(ascii: "{"))
            first = true
        }

        mutating func close() {
            out.append(UInt8(ascii: "}"))
            first = false
        }

        mutating func key(_ k: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            raw(k)
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }

        mutating func array<T>(_ items: [T], _ each: (inout Bytes, T) -> Void) {
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                each(&self, item)
            }
            out.append(UInt8(ascii: "]"))
            first = false
        }

        mutating func int<I: BinaryInteger>(_ n: I) {
            out.append(contentsOf: String(n).utf8)
        }

        /// An exact count is a number, an approximate one `{"approximate":true,"value":n}`.
        mutating func count(_ c: Count) {
            guard c.approximate else { return int(c.value) }
            open()
            key("approximate"); raw("true")
            key("value"); int(c.value)
            close()
        }

        /// JSON's escapes: `"`, `\`, and control characters (`\n`, `\u001f`…); `/` and the rest as they are.
        mutating func string(_ s: String) {
            out.append(UInt8(ascii: "\""))
            var s = s
            s.withUTF8 { b in
                var start = 0
                var i = 0
                while i < b.count {
                    // Eight bytes at a time past those that need no escape: most of a post's text.
                    if i + 8 <= b.count {
                        let w = UnsafeRawBufferPointer(b).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        if !ByteWord.hasBelow(w, 0x20), !ByteWord.has(w, UInt8(ascii: "\"")), !ByteWord.has(w, UInt8(ascii: "\\")) {
                            i += 8
                            continue
                        }
                    }
                    let c = b[i]
                    i += 1
                    guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<(i - 1)]))
                    start = i
                    switch c {
                    case UInt8(ascii: "\""): raw("\\\"")
                    case UInt8(ascii: "\\"): raw("\\\\")
                    case 0x08: raw("\\b")
                    case 0x0C: raw("\\f")
                    case 0x0A: raw("\\n")
                    case 0x0D: raw("\\r")
                    case 0x09: raw("\\t")
                    default:
                        raw(c < 0x10 ? "\\u000" : "\\u00")
                        out.append(contentsOf: String(c, radix: 16).utf8)
                    }
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<b.count]))
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}

/// What a search looks through in a stored publication, read from its record as UTF-8 (not checked: folding repairs
/// it): the parts `Publication.searchableText` joins with newlines, none made a String. A search reads thousands of
/// records; the buffers are kept from one to the next.
public struct SearchableText {
    /// Each part's bytes, unescaped, one after the other in the record's order; where each is, by its place in the
    /// joined text (`Slot`).
    private var bytes: [UInt8] = []
    private var parts: [(slot: Slot, range: Range<Int>)] = []

    /// The order `Publication.searchableText` joins the fields in.
    private enum Slot: Int, CaseIterable {
        case text, site, title, description, url, links, forwardedFrom
    }

    public init() {}

    /// Reads a record's searchable fields; false when the bytes are not a record or a field is not as a record has
    /// it (what `NativeRecordCoder.publication` would refuse).
    public mutating func read(_ record: UnsafeRawBufferPointer) -> Bool {
        bytes.removeAll(keepingCapacity: true)
        parts.removeAll(keepingCapacity: true)
        guard let base = record.bindMemory(to: UInt8.self).baseAddress, record.count > 0 else { return false }
        var reader = JSONReader(p: base, n: record.count)
        do throws(ParseFailure) {
            reader.skipWS()
            guard reader.peek == UInt8(ascii: "{") else { return false }
            reader.i += 1
            var first = true
            while let key = try reader.nextKey(first: &first) {
                switch key {
                case "text": guard try string(&reader, .text) else { return false }
                case "forwardedFrom": guard try string(&reader, .forwardedFrom) else { return false }
                case "links":
                    forget([.links])
                    reader.skipWS()
                    if try reader.null() { continue }
                    guard reader.peek == UInt8(ascii: "[") else { return false }
                    reader.i += 1
                    var firstLink = true
                    while try reader.nextItem(first: &firstLink) {
                        reader.skipWS()
                        guard reader.peek == UInt8(ascii: "\"") else { return false }
                        try add(&reader, .links)
                    }
                case "linkPreview":
                    forget([.site, .title, .description, .url])
                    reader.skipWS()
                    if try reader.null() { continue }
                    guard reader.peek == UInt8(ascii: "{") else { return false }
                    reader.i += 1
                    var firstField = true
                    while let field = try reader.nextKey(first: &firstField) {
                        let slot: Slot? =
                            switch field {
                            case "site": .site
                            case "title": .title
                            case "description": .description
                            case "url": .url
                            default: nil
                            }
                        if let slot {
                            guard try string(&reader, slot) else { return false }
                        } else if field == "image" {
                            // Not searched, but a record's image is a string.
                            reader.skipWS()
                            guard try reader.null() || reader.peek == UInt8(ascii: "\"") else { return false }
                            try reader.skipValue()
                        } else {
                            try reader.skipValue()
                        }
                    }
                default: try reader.skipValue()
                }
            }
        } catch {
            return false
        }
        return true
    }

    /// Each part, in the order `Publication.searchableText` joins them (the text first, empty when the record has
    /// none).
    public func forEachPart(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { all in
            if !parts.contains(where: { $0.slot == .text }) { body(UnsafeRawBufferPointer(rebasing: all[0..<0])) }
            for slot in Slot.allCases {
                for part in parts where part.slot == slot { body(UnsafeRawBufferPointer(rebasing: all[part.range])) }
            }
        }
    }

    /// A field that is a string or null, in place of any it had before; false when it is something else.
    private mutating func string(_ reader: inout JSONReader, _ slot: Slot) throws(ParseFailure) -> Bool {
        forget([slot])
        reader.skipWS()
        if try reader.null() { return true }
        guard reader.peek == UInt8(ascii: "\"") else { return false }
        try add(&reader, slot)
        return true
    }

    private mutating func add(_ reader: inout JSONReader, _ slot: Slot) throws(ParseFailure) {
        let start = bytes.count
        try reader.string(appendingTo: &bytes)
        parts.append((slot, start..<bytes.count))
    }

    /// A key given twice: the last one holds (as a dictionary of the record's fields would).
    private mutating func forget(_ slots: [Slot]) {
        parts.removeAll { slots.contains($0.slot) }
    }
}
