import Foundation

/// Telegram Desktop's `result.json` export: one chat (`name`, `type`, `id`, `messages`) or the whole account
/// (`chats.list`, `left_chats.list`, each chat a channel).
///
/// The file is read by a small streaming JSON reader of our own rather than JSONSerialization, because it
/// gives what a lossy importer needs and Foundation's does not: the line of every message (for the skip report),
/// the messages before the cut of a truncated export, invalid UTF-8 and lone surrogates turned into U+FFFD
/// instead of rejecting the file, and only one message's tree alive at a time (peak memory on 100 MB exports).
enum TDesktopImporter: StreamingImporter {
    static func recognizes(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(4096), as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard head.first == "{" else { return false }
        // feedtui's own format: never claim it.
        if NativeJSON.recognizes(data) { return false }
        func hasKey(_ key: String) -> Bool {
            var rest = head[...]
            while let r = rest.range(of: "\"\(key)\"") {
                if rest[r.upperBound...].drop(while: \.isWhitespace).first == ":" { return true }
                rest = rest[r.upperBound...]
            }
            return false
        }
        if hasKey("messages") && (hasKey("type") || hasKey("name")) { return true }
        if hasKey("chats") || hasKey("left_chats") || hasKey("personal_information") { return true }
        return hasKey("about") && head.contains("Telegram")
    }

    static func load(_ data: Data, stream: PostStream?) throws(FeedError) -> [Channel] {
        try JSONReader.reading(data) { reader in
            var walker = Walker(reader: reader, stream: stream)
            return walker.run()
        }
    }
}

// MARK: - The export's structure

/// One chat while it is read; kept so that a file cut short still yields the chats and messages before the cut.
private struct ChatBuilder {
    var name: String?
    var type: String?
    var id: String?
    var username: String?
    var isTop = false
    var sawMessages = false
    /// Its closing brace was read.
    var complete = false
    /// Its place among the chats read, under which its messages go to the stream.
    var index = 0
    /// Messages read: kept in `publications`, or handed to the stream.
    var posts = 0
    var publications: [Publication] = []
    var skipped = SkipReport()

    var channel: Channel {
        var channel = header
        channel.publications = publications
        return channel
    }

    /// The chat's own fields, without its messages.
    var header: Channel {
        // A title is needed to show the chat; Saved Messages has no name in the export.
        let title = name ?? (type == "saved_messages" ? "Saved Messages" : id.map { "Chat \($0)" } ?? "Untitled chat")
        return Channel(title: title, handle: username, skipped: skipped)
    }
}

private struct Walker {
    var reader: JSONReader
    /// Where each message goes as soon as it is read.
    let stream: PostStream?
    var chats: [ChatBuilder] = []
    var active = 0
    /// The line of the message being read, so that a cut inside it is reported there.
    var messageLine: Int?

    mutating func run() -> Result<[Channel], FeedError> {
        do throws(ParseFailure) {
            try top()
        } catch {
            return salvage(error)
        }
        return finish()
    }

    private func finish() -> Result<[Channel], FeedError> {
        let kept = chats.filter { !$0.isTop || $0.sawMessages }
        if kept.isEmpty {
            return .failure(FeedError("no chats in this Telegram export (it holds only account data)"))
        }
        stream?.returned(kept.map(\.index))
        return .success(kept.map(\.channel))
    }

    /// Keeps what was read before a syntax error or the end of a truncated file, when that is anything at all.
    private mutating func salvage(_ failure: ParseFailure) -> Result<[Channel], FeedError> {
        let text = failure.atEnd ? "truncated JSON: \(failure.message)" : "invalid JSON: \(failure.message)"
        // A chat cut before any of its messages is not shown; the cut is reported on the last chat kept.
        chats.removeAll { !$0.complete && $0.posts == 0 && ($0.skipped.count == 0 || $0.isTop) }
        guard chats.contains(where: { $0.posts > 0 }),
            let target = chats.lastIndex(where: { !$0.isTop || $0.sawMessages })
        else {
            return .failure(FeedError(text, line: failure.line, column: failure.column))
        }
        let reason =
            failure.atEnd
            ? "the file ends early (truncated JSON); the messages from here on are missing"
            : "invalid JSON at line \(failure.line), column \(failure.column): \(failure.message); the rest of the file was not read"
        chats[target].skipped.record(line: messageLine ?? failure.line, reason)
        return finish()
    }

    private mutating func top() throws(ParseFailure) {
        reader.skipBOM()
        reader.skipWS()
        guard reader.peek == UInt8(ascii: "{") else {
            throw reader.failure(reader.atEnd ? "no JSON object" : "expected a JSON object")
        }
        reader.i += 1
        chats.append(ChatBuilder(isTop: true))
        active = 0
        var first = true
        while let key = try reader.nextKey(first: &first) {
            switch key {
            case "messages":
                active = 0
                try messages()
            case "chats", "left_chats":
                try chatSection()
            default:
                try chatField(key, chat: 0)
            }
        }
        chats[0].complete = true
    }

    /// `"chats": {"about": …, "list": [chat…]}`
    private mutating func chatSection() throws(ParseFailure) {
        guard reader.peek == UInt8(ascii: "{") else { return try reader.skipValue() }
        reader.i += 1
        var first = true
        while let key = try reader.nextKey(first: &first) {
            guard key == "list", reader.peek == UInt8(ascii: "[") else {
                try reader.skipValue()
                continue
            }
            reader.i += 1
            var firstItem = true
            while try reader.nextItem(first: &firstItem) {
                guard reader.peek == UInt8(ascii: "{") else {
                    try reader.skipValue()
                    continue
                }
                try chat()
            }
        }
    }

    private mutating func chat() throws(ParseFailure) {
        reader.i += 1  // "{"
        chats.append(ChatBuilder(index: chats.count))
        let index = chats.count - 1
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if key == "messages" {
                active = index
                try messages()
            } else {
                try chatField(key, chat: index)
            }
        }
        chats[index].complete = true
    }

    private mutating func chatField(_ key: String, chat index: Int) throws(ParseFailure) {
        switch key {
        case "name", "type", "id", "username":
            let value = try reader.value()
            let text: String? =
                switch value {
                case .string(let s): s
                case .int(let n): String(n)
                case .number(let s): s
                default: nil
                }
            switch key {
            case "name": chats[index].name = text
            case "type": chats[index].type = text
            case "id": chats[index].id = text
            default: chats[index].username = text.flatMap { $0.isEmpty ? nil : $0 }
            }
        default:
            try reader.skipValue()
        }
    }

    private mutating func messages() throws(ParseFailure) {
        chats[active].sawMessages = true
        guard reader.peek == UInt8(ascii: "[") else {
            chats[active].skipped.record(line: reader.line, "\"messages\" is not a list")
            return try reader.skipValue()
        }
        reader.i += 1
        var first = true
        var position = 0
        while try reader.nextItem(first: &first) {
            position += 1
            let line = reader.line
            messageLine = line
            let deep = reader.tooDeep
            let value = try reader.value()
            messageLine = nil
            guard reader.tooDeep == deep else {
                chats[active].skipped.record(line: line, "a value nested deeper than \(JSONReader.maxDepth) levels")
                continue
            }
            guard case .object(let fields) = value else {
                chats[active].skipped.record(line: line, "a message is not a JSON object")
                continue
            }
            let post: Publication
            do throws(MessageError) {
                // A channel's posts are all "from" the channel: that is no author.
                let channelName = chats[active].type?.hasSuffix("channel") == true ? chats[active].name : nil
                post = try MessageReader.publication(fields, position: position, channelName: channelName)
            } catch {
                chats[active].skipped.record(line: line, error.reason)
                continue
            }
            chats[active].posts += 1
            guard let stream else {
                chats[active].publications.append(post)
                continue
            }
            if !stream.send(post, channel: chats[active].index, bytesRead: reader.i, header: { chats[active].header }) {
                throw reader.failure("import cancelled")
            }
        }
    }
}

// MARK: - One message

private struct MessageError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

private enum MessageReader {
    /// Edit dates before 1971 are the exporters' placeholder for "never edited" (1970-01-01 in local time).
    static let editPlaceholderLimit: TimeInterval = 365 * 86_400

    /// `position` is the message's place in its chat (1 for the first), which names a message without an `id`.
    static func publication(_ m: [String: JSON], position: Int, channelName: String?) throws(MessageError)
        -> Publication
    {
        let id = try messageID(m["id"], position: position)
        let when = date(m)
        // Without `date_unixtime` and without a zone, `date` is the exporter's wall clock, not UTC.
        var p = Publication(id: id, date: when?.date, utcOffset: when?.offset ?? nil, wallClock: when?.wallClock ?? false)
        p.isService = m["type"]?.string == "service"
        // Who wrote it: a channel post's signature (`author`), else the sender (`from`, in groups and personal
        // chats), else who did what a service message tells (`actor`).
        p.author = [m["author"], m["from"], p.isService ? m["actor"] : nil].lazy.compactMap { $0?.string }
            .first { !$0.isEmpty && $0 != channelName }

        var text = ""
        var links: [String] = []
        var found: [(url: String, end: Int)] = []
        // text_entities holds the same text as `text`, always as entities; an empty list defers to `text`.
        if case .array(let entities)? = m["text_entities"], !entities.isEmpty || m["text"]?.string == nil {
            append(entities, to: &text, links: &links, found: &found)
        } else {
            switch m["text"] {
            case .string(let s)?: text = s
            case .array(let parts)?: append(parts, to: &text, links: &links, found: &found)
            default: break
            }
        }
        var shift = 0
        if p.isService {
            let action = serviceText(m)
            if !text.isEmpty { shift = action.utf8.count + 1 }
            text = text.isEmpty ? action : action + "\n" + text
        }
        p.text = text
        p.links = dedupe(links + TextScan.links(in: text))
        p.linkMarks = LinkMark.numbered(found, in: p.links, shift: shift)

        p.media = media(m)
        p.forwardedFrom = m["forwarded_from"]?.string
        p.replyTo = m["reply_to_message_id"].flatMap(idText)
        p.views = m["views"]?.int.flatMap { $0 >= 0 ? Count($0) : nil }
        p.forwards = m["forwards"]?.int.flatMap { $0 >= 0 ? Count($0) : nil }
        if case .array(let reactions)? = m["reactions"] {
            p.reactionsByEmoji = reactions.compactMap { r in
                guard let n = r["count"]?.int, n >= 0 else { return nil }
                // A custom emoji is a sticker document with no character of its own; paid stars are "⭐".
                let emoji =
                    r["emoji"]?.string
                    ?? (r["type"]?.string == "paid" ? "⭐" : r["type"]?.string == "custom_emoji" ? "custom" : "?")
                return Reaction(emoji: emoji, count: Count(n))
            }
            p.reactions = Reaction.total(p.reactionsByEmoji) ?? Count(0)
        }

        var editedAt: Date?
        if let unix = m["edited_unixtime"].flatMap(unixTime) {
            editedAt = unix
        } else if let s = m["edited"]?.string, let wall = ISODate.parseWithOffset(s) {
            // Wall-clock without zone: shift by the offset the message date showed, when known.
            editedAt = wall.date.addingTimeInterval(-Double(wall.offset ?? when?.offset ?? 0))
        }
        if let at = editedAt, at.timeIntervalSince1970 >= editPlaceholderLimit {
            p.edited = true
            p.editedAt = at
        }
        return p
    }

    /// Ids are numbers; a numeric string ("12") is accepted too, as some converters write them so. Trimmed exports
    /// leave ids out: such a message is named by its place in the chat ("#17"), which no numeric id can be.
    static func messageID(_ value: JSON?, position: Int) throws(MessageError) -> String {
        switch value {
        case nil, .null?: return "#\(position)"
        case .int(let n)?: return String(n)
        case .number(let raw)?:
            if raw.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                throw MessageError("id \(raw) is not a whole number")
            }
            throw MessageError("id \(raw) is too large")
        case .string(let s)?:
            if let n = Int64(s) { return String(n) }
            if !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) { throw MessageError("id \"\(s)\" is too large") }
            throw MessageError("id \"\(s.prefix(40))\" is not a number")
        default: throw MessageError("id is not a number")
        }
    }

    static func idText(_ value: JSON) -> String? {
        switch value {
        case .int(let n): String(n)
        case .string(let s): Int64(s).map { String($0) }
        default: nil
        }
    }

    static func unixTime(_ value: JSON) -> Date? {
        let seconds: Int64? =
            switch value {
            case .int(let n): n
            case .string(let s): Int64(s)
            default: nil
            }
        guard let seconds else { return nil }
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        return ISODate.isWritable(date) ? date : nil
    }

    /// `date_unixtime` is the instant; `date` the exporter's wall clock, whose difference gives the zone offset.
    /// Nil when neither can be read: the message is kept with an unknown date, as one without any.
    static func date(_ m: [String: JSON]) -> (date: Date, offset: Int?, wallClock: Bool)? {
        let wall = m["date"]?.string.flatMap(ISODate.parseWithOffset)
        if let unix = m["date_unixtime"].flatMap(unixTime) {
            var offset: Int?
            if let wall, wall.offset == nil {
                let diff = Int(wall.date.timeIntervalSince(unix))
                if abs(diff) <= 14 * 3600, diff % 900 == 0 { offset = diff }
            } else if let wall {
                offset = wall.offset
            }
            return (unix, offset, false)
        }
        return wall.map { ($0.date, $0.offset, $0.offset == nil) }
    }

    /// Plain strings and entity objects; every entity contributes its text, links add their target with the UTF-8
    /// offset where their words end.
    static func append(_ parts: [JSON], to text: inout String, links: inout [String], found: inout [(url: String, end: Int)]) {
        for part in parts {
            switch part {
            case .string(let s): text += s
            case .object(let entity):
                let t = entity["text"]?.string ?? ""
                text += t
                let url: String? =
                    switch entity["type"]?.string {
                    case "link": linkTarget(t)
                    case "text_link": entity["href"]?.string.flatMap { isHTTP($0) ? $0 : nil }
                    default: nil
                    }
                if let url {
                    links.append(url)
                    if !t.isEmpty { found.append((url, text.utf8.count)) }
                }
            default: break
            }
        }
    }

    static func isHTTP(_ s: String) -> Bool {
        let head = s.prefix(8).lowercased()
        return head.hasPrefix("http://") || head.hasPrefix("https://")
    }

    /// A `link` entity's text is the URL as written; Telegram opens a bare domain ("t.me/x") as http.
    static func linkTarget(_ s: String) -> String? {
        if isHTTP(s) { return s }
        guard !s.isEmpty, s.contains("."), !s.contains(where: { $0.isWhitespace || $0 == "@" || $0 == ":" })
        else { return nil }
        return "http://" + s
    }

    static func dedupe(_ links: [String]) -> [String] {
        guard links.count > 1 else { return links }
        var seen = Set<String>()
        return links.filter { seen.insert($0).inserted }
    }

    static let notIncluded = "(File not included"

    /// The file name from a path, or nil for the "(File not included…)" note.
    static func fileName(_ path: String?) -> String? {
        guard let path, !path.isEmpty, !path.hasPrefix(notIncluded) else { return nil }
        return path.split(separator: "/").last.map(String.init)
    }

    /// A path inside the export's folder as the export gives it ("photos/photo_1@….jpg"), or nil: the
    /// "(File not included…)" note, an absolute path, a way out (`..`), a scheme or a control character.
    static func exportPath(_ path: String) -> String? {
        guard fileName(path) != nil, !path.hasPrefix("/"), !path.contains(":"),
            !path.unicodeScalars.contains(where: Sanitize.isControl),
            !path.split(separator: "/").contains(where: { $0 == ".." })
        else { return nil }
        return path
    }

    static func media(_ m: [String: JSON]) -> [Media] {
        var out: [Media] = []
        if let photo = m["photo"]?.string {
            out.append(Media(kind: .photo, name: fileName(photo), url: exportPath(photo), size: m["photo_file_size"]?.int))
        }
        let mediaType = m["media_type"]?.string
        if m["file"] != nil || mediaType != nil {
            let kind: MediaKind =
                switch mediaType {
                case "video_file", "video_message": .video
                case "voice_message": .voice
                case "audio_file": .audio
                case "sticker": .sticker
                case "animation": .animation
                default: .file
                }
            let name = m["file_name"]?.string ?? fileName(m["file"]?.string) ?? m["sticker_emoji"]?.string
            let duration = m["duration_seconds"]?.int.flatMap { Int(exactly: $0) }
            out.append(
                Media(kind: kind, name: name, size: m["file_size"]?.int, duration: duration, thumbnail: m["thumbnail"]?.string.flatMap(exportPath)))
        }
        if case .object(let poll)? = m["poll"] {
            let total = poll["total_voters"]?.int.flatMap { $0 >= 0 ? $0 : nil }
            var options: [PollOption] = []
            if case .array(let answers)? = poll["answers"] {
                options = answers.compactMap { a in
                    guard let text = a["text"]?.string else { return nil }
                    let votes = a["voters"]?.int.flatMap { $0 >= 0 ? $0 : nil }
                    let percent = votes.flatMap { v in total.flatMap { $0 > 0 ? Int((Double(v) * 100 / Double($0)).rounded()) : nil } }
                    return PollOption(text: text, percent: percent, votes: votes)
                }
            }
            out.append(Media(kind: .poll, name: poll["question"]?.string, options: options, voters: total.map { Count($0) }))
        }
        if case .object(let place)? = m["location_information"] {
            let name =
                m["place_name"]?.string
                ?? [place["latitude"], place["longitude"]].compactMap { $0?.numberText }.joined(separator: ", ")
            out.append(Media(kind: .location, name: name.isEmpty ? nil : name))
        }
        if case .object(let contact)? = m["contact_information"] {
            let name = [contact["first_name"]?.string, contact["last_name"]?.string]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            out.append(Media(kind: .contact, name: name.isEmpty ? contact["phone_number"]?.string : name))
        }
        return out
    }

    /// "A pinned a message", "B changed the title to “News”": the action in words.
    static func serviceText(_ m: [String: JSON]) -> String {
        let action = m["action"]?.string ?? "service message"
        let title = m["title"]?.string.map { "“\($0)”" }
        let members: String? = {
            guard case .array(let list)? = m["members"] else { return nil }
            let names = list.compactMap(\.string)
            return names.isEmpty ? nil : names.joined(separator: ", ")
        }()
        let phrase: String =
            switch action {
            case "joined_telegram": "joined Telegram"
            case "pin_message": "pinned a message"
            case "edit_group_title": "changed the title to \(title ?? "—")"
            case "create_group": "created the group" + (title.map { " " + $0 } ?? "")
            case "create_channel": "created the channel" + (title.map { " " + $0 } ?? "")
            case "edit_group_photo": "changed the photo"
            case "delete_group_photo": "removed the photo"
            case "invite_members": "added " + (members ?? "members")
            case "remove_members": "removed " + (members ?? "members")
            case "join_group_by_link": "joined by invite link"
            case "join_group_by_request": "joined after a request"
            case "migrate_to_supergroup": "upgraded the group to a supergroup"
            case "migrate_from_group": "upgraded from the group" + (title.map { " " + $0 } ?? "")
            case "clear_history": "cleared the history"
            case "phone_call": "phone call"
            case "group_call": "started a video chat"
            case "take_screenshot": "took a screenshot"
            case "topic_created": "created the topic" + (title.map { " " + $0 } ?? "")
            case "set_messages_ttl": "changed the auto-delete timer"
            case "boost_apply": "boosted the group"
            default: action.replacingOccurrences(of: "_", with: " ")
            }
        if let actor = m["actor"]?.string, !actor.isEmpty { return actor + " " + phrase }
        return phrase.prefix(1).uppercased() + phrase.dropFirst()
    }
}
