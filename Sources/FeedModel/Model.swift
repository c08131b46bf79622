import Foundation

/// A broadcast channel or feed: what the source reported about it, and its publications.
///
/// The model types are Encodable only: `NativeJSON.encode` writes them with JSONEncoder, and `NativeJSON.load`
/// reads them back with `JSONReader` (line numbers, salvage of cut files), not with Decodable.
public struct Channel: Encodable, Equatable, Sendable {
    public var title: String
    public var handle: String?
    public var language: String?
    public var description: String?
    public var url: String?
    public var subscribers: Count?
    public var counters: ReportedCounters
    public var rating: Rating?
    public var publications: [Publication]
    /// What the importer could not read. Not part of the native format: it describes one import.
    public var skipped: SkipReport
    /// Something the user should know about this import ("the posts are at t.me/s/NAME"); not in the native format.
    public var notice: String?

    public init(
        title: String, handle: String? = nil, language: String? = nil, description: String? = nil,
        url: String? = nil, subscribers: Count? = nil, counters: ReportedCounters = .init(),
        rating: Rating? = nil, publications: [Publication] = [], skipped: SkipReport = .init()
    ) {
        self.title = title
        self.handle = handle
        self.language = language
        self.description = description
        self.url = url
        self.subscribers = subscribers
        self.counters = counters
        self.rating = rating
        self.publications = publications
        self.skipped = skipped
    }

    /// The channel's own fields, without its publications.
    public init(header c: Channel) {
        self.init(
            title: c.title, handle: c.handle, language: c.language, description: c.description, url: c.url,
            subscribers: c.subscribers, counters: c.counters, rating: c.rating, skipped: c.skipped)
        notice = c.notice
    }

    enum CodingKeys: String, CodingKey {
        case title, handle, language, description, url, subscribers, counters, rating, publications
    }
}

/// A number as the source reported it. `approximate` marks rounded figures such as "1.2K".
public struct Count: Encodable, Equatable, Hashable, Sendable, Comparable {
    public var value: Int64
    public var approximate: Bool

    public init(_ value: Int64, approximate: Bool = false) {
        self.value = value
        self.approximate = approximate
    }

    public static func < (a: Count, b: Count) -> Bool { a.value < b.value }

    enum CodingKeys: String, CodingKey { case value, approximate }

    /// Exact counts are written as plain numbers; approximate ones as `{"value": n, "approximate": true}`.
    public func encode(to encoder: Encoder) throws {
        if approximate {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(value, forKey: .value)
            try c.encode(true, forKey: .approximate)
        } else {
            var single = encoder.singleValueContainer()
            try single.encode(value)
        }
    }
}

/// Counters the source states about the channel (as opposed to those computed from its posts).
/// `nil` means the source did not give the value.
public struct ReportedCounters: Encodable, Equatable, Sendable {
    public var viewsPerWeek: Count?
    public var viewsPerMonth: Count?
    public var mentionsIn: Count?
    public var mentionsFrom: Count?
    public var forwardedChannels: Count?
    public var photos: Count?
    public var videos: Count?
    public var files: Count?
    public var links: Count?

    public init(
        viewsPerWeek: Count? = nil, viewsPerMonth: Count? = nil, mentionsIn: Count? = nil,
        mentionsFrom: Count? = nil, forwardedChannels: Count? = nil, photos: Count? = nil,
        videos: Count? = nil, files: Count? = nil, links: Count? = nil
    ) {
        self.viewsPerWeek = viewsPerWeek
        self.viewsPerMonth = viewsPerMonth
        self.mentionsIn = mentionsIn
        self.mentionsFrom = mentionsFrom
        self.forwardedChannels = forwardedChannels
        self.photos = photos
        self.videos = videos
        self.files = files
        self.links = links
    }
}

/// The channel's rating as the source reported it: `votes` may be 0 (no one has rated), `average` then `nil`.
public struct Rating: Encodable, Equatable, Sendable {
    public var votes: Int
    public var average: Double?

    public init(votes: Int, average: Double? = nil) {
        self.votes = votes
        self.average = average
    }
}

public struct Publication: Encodable, Equatable, Sendable, Identifiable {
    public var id: String
    /// When it was posted; nil when the source gave no date (shown as `—`, kept in the source's order).
    public var date: Date?
    /// Seconds east of UTC the source gave with the date; `nil` when it gave none (the date is then shown as UTC).
    public var utcOffset: Int?
    /// The source gave a wall-clock time without a zone (Telegram Desktop exports without `date_unixtime`):
    /// `date` then holds that wall-clock time as if it were UTC, and it is never presented as UTC.
    public var wallClock: Bool
    /// The post's own address at the source (an RSS item's link, a t.me post's URL); not one of its `links`.
    public var permalink: String?
    public var author: String?
    public var text: String
    public var media: [Media]
    public var linkPreview: LinkPreview?
    /// The links in the text (and the preview's), in order; the permalink is not among them.
    public var links: [String]
    /// Where links stand in the text under other words (`<a href>`, a Telegram `text_link`), in text order.
    public var linkMarks: [LinkMark]
    public var views: Count?
    public var forwards: Count?
    /// The sum of `reactionsByEmoji` when the source listed them.
    public var reactions: Count?
    public var reactionsByEmoji: [Reaction]
    public var forwardedFrom: String?
    public var replyTo: String?
    /// When the post was edited; `Date.distantPast` is never used — unknown edit times are `editedAt == nil`.
    public var edited: Bool
    public var editedAt: Date?
    /// Service messages (joined, pinned, title changed…) are shown dimmed and not counted as posts.
    public var isService: Bool

    public init(
        id: String, date: Date?, utcOffset: Int? = nil, wallClock: Bool = false, permalink: String? = nil,
        author: String? = nil, text: String = "", media: [Media] = [], linkPreview: LinkPreview? = nil,
        links: [String] = [], linkMarks: [LinkMark] = [], views: Count? = nil, forwards: Count? = nil, reactions: Count? = nil,
        reactionsByEmoji: [Reaction] = [], forwardedFrom: String? = nil, replyTo: String? = nil, edited: Bool = false,
        editedAt: Date? = nil, isService: Bool = false
    ) {
        self.id = id
        self.date = date
        self.utcOffset = utcOffset
        self.wallClock = wallClock
        self.permalink = permalink
        self.author = author
        self.text = text
        self.media = media
        self.linkPreview = linkPreview
        self.links = links
        self.linkMarks = linkMarks
        self.views = views
        self.forwards = forwards
        self.reactions = reactions
        self.reactionsByEmoji = reactionsByEmoji
        self.forwardedFrom = forwardedFrom
        self.replyTo = replyTo
        self.edited = edited
        self.editedAt = editedAt
        self.isService = isService
    }

    /// The addresses (or export paths) of its pictures in the order the post shows them: its media's, then the
    /// link preview's.
    public var pictures: [String] { media.compactMap(\.picture) + (linkPreview?.image.map { [$0] } ?? []) }

    /// `date` with how the source gave it; nil when it gave none.
    public var time: PostTime? { date.map { PostTime(date: $0, utcOffset: utcOffset, wallClock: wallClock) } }

    enum CodingKeys: String, CodingKey {
        case id, date, utcOffset, permalink, author, text, media, linkPreview, links, linkMarks, views, forwards, reactions
        case reactionsByEmoji, forwardedFrom, replyTo, edited, editedAt, isService
    }

    public func encode(to encoder: Encoder) throws {
        // Empty and default values are left out so the native files stay small and readable.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        // A wall-clock time is written without a zone ("2019-03-01T18:05:00"), an instant in UTC with "Z".
        if let date { try c.encode(wallClock ? ISODate.formatWallClock(date) : ISODate.format(date), forKey: .date) }
        try c.encodeIfPresent(utcOffset, forKey: .utcOffset)
        try c.encodeIfPresent(permalink, forKey: .permalink)
        try c.encodeIfPresent(author, forKey: .author)
        try c.encode(text, forKey: .text)
        if !media.isEmpty { try c.encode(media, forKey: .media) }
        try c.encodeIfPresent(linkPreview, forKey: .linkPreview)
        if !links.isEmpty { try c.encode(links, forKey: .links) }
        if !linkMarks.isEmpty { try c.encode(linkMarks, forKey: .linkMarks) }
        try c.encodeIfPresent(views, forKey: .views)
        try c.encodeIfPresent(forwards, forKey: .forwards)
        try c.encodeIfPresent(reactions, forKey: .reactions)
        if !reactionsByEmoji.isEmpty { try c.encode(reactionsByEmoji, forKey: .reactionsByEmoji) }
        try c.encodeIfPresent(forwardedFrom, forKey: .forwardedFrom)
        try c.encodeIfPresent(replyTo, forKey: .replyTo)
        if edited { try c.encode(true, forKey: .edited) }
        try c.encodeIfPresent(editedAt, forKey: .editedAt)
        if isService { try c.encode(true, forKey: .isService) }
    }
}

extension Publication {
    /// The date each post sorts by: its own, or for a post without one, just after the nearest dated post before
    /// it in the source's order (after in time when the source runs oldest first, before when newest first), so
    /// that an undated post keeps its place among its neighbours. Without two dates to tell the direction, a source
    /// runs newest first, as feeds do: newest first then shows it in the source's order.
    /// In seconds since 1970, as the library stores and sorts them.
    public static func placeDates(_ posts: [Publication]) -> [Double] {
        placeDates(count: posts.count) { posts[$0].date?.timeIntervalSince1970 }
    }

    /// `placeDates` of `count` posts known by their dates alone (nil for none), for a channel whose posts are not
    /// held.
    public static func placeDates(count: Int, date: (Int) -> Double?) -> [Double] {
        let firstDated = (0..<count).lazy.compactMap(date).first
        let lastDated = (0..<count).reversed().lazy.compactMap(date).first
        let step = firstDated.flatMap { f in lastDated.map { f < $0 } } == true ? 0.001 : -0.001
        var last = Date.distantPast.timeIntervalSince1970
        var run = 0.0
        return (0..<count).map { i in
            if let d = date(i) {
                last = d
                run = 0
                return d
            }
            run += 1
            return last + step * run
        }
    }
}

/// One kind of reaction under a post: an emoji (or a custom one's name) and how many chose it.
public struct Reaction: Encodable, Equatable, Sendable {
    public var emoji: String
    public var count: Count

    public init(emoji: String, count: Count) {
        self.emoji = emoji
        self.count = count
    }

    /// The total of a list of reactions: approximate when any count is; nil for an empty list.
    public static func total(_ list: [Reaction]) -> Count? {
        guard !list.isEmpty else { return nil }
        var sum: Int64 = 0
        for r in list {
            let (s, overflow) = sum.addingReportingOverflow(max(0, r.count.value))
            sum = overflow ? Int64.max : s
        }
        return Count(sum, approximate: list.contains { $0.count.approximate })
    }
}

public enum MediaKind: String, Encodable, Sendable, CaseIterable {
    case photo, video, file, audio, voice, sticker, animation, poll, location, contact, other
}

/// A media attachment marker. The bytes are never loaded; only what the source says about them.
/// A poll keeps its question in `name`, its answers in `options` and the number of people who voted in `voters`.
/// A photo's `url` is its picture: an http(s) address, or in a Telegram Desktop export a path inside the export's
/// folder; a video's or a file's picture is its `thumbnail`.
public struct Media: Encodable, Equatable, Sendable {
    public var kind: MediaKind
    public var name: String?
    public var url: String?
    public var thumbnail: String?
    /// Bytes; `sizeApproximate` when the source gave a rounded figure such as "25.2 MB".
    public var size: Int64?
    public var sizeApproximate: Bool
    /// Seconds.
    public var duration: Int?
    public var options: [PollOption]
    public var voters: Count?

    public init(
        kind: MediaKind, name: String? = nil, url: String? = nil, size: Int64? = nil, sizeApproximate: Bool = false,
        duration: Int? = nil, options: [PollOption] = [], voters: Count? = nil, thumbnail: String? = nil
    ) {
        self.kind = kind
        self.name = name
        self.url = url
        self.thumbnail = thumbnail
        self.size = size
        self.sizeApproximate = sizeApproximate
        self.duration = duration
        self.options = options
        self.voters = voters
    }

    /// The picture that shows it, if any (see the type's comment).
    public var picture: String? { kind == .photo ? url : thumbnail }

    enum CodingKeys: String, CodingKey { case kind, name, url, thumbnail, size, sizeApproximate, duration, options, voters }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encodeIfPresent(thumbnail, forKey: .thumbnail)
        try c.encodeIfPresent(size, forKey: .size)
        if sizeApproximate { try c.encode(true, forKey: .sizeApproximate) }
        try c.encodeIfPresent(duration, forKey: .duration)
        if !options.isEmpty { try c.encode(options, forKey: .options) }
        try c.encodeIfPresent(voters, forKey: .voters)
    }
}

/// One answer of a poll: its text, the share of votes it got (percent) and its vote count, as far as known.
public struct PollOption: Encodable, Equatable, Sendable {
    public var text: String
    public var percent: Int?
    public var votes: Int64?

    public init(text: String, percent: Int? = nil, votes: Int64? = nil) {
        self.text = text
        self.percent = percent
        self.votes = votes
    }
}

public struct LinkPreview: Encodable, Equatable, Sendable {
    public var site: String?
    public var title: String?
    public var description: String?
    public var url: String?
    /// The preview's picture (http(s)).
    public var image: String?

    public init(site: String? = nil, title: String? = nil, description: String? = nil, url: String? = nil, image: String? = nil) {
        self.site = site
        self.title = title
        self.description = description
        self.url = url
        self.image = image
    }
}

/// Where a link stands in a post's text: its number (1 is the first of the post's `links`) and the end of the words
/// it was given under, as a UTF-8 offset into the text. The number is drawn there (`[3]`) at display time; it is
/// never part of the text, so a search does not match it.
public struct LinkMark: Encodable, Equatable, Sendable {
    public var number: Int
    public var end: Int

    public init(number: Int, end: Int) {
        self.number = number
        self.end = end
    }

    /// The marks of links found at UTF-8 offsets of a text, numbered by each one's place in `links`, the whole
    /// text moved `shift` bytes on (a title put before it).
    public static func numbered(_ found: [(url: String, end: Int)], in links: [String], shift: Int = 0) -> [LinkMark] {
        guard !found.isEmpty else { return [] }
        var numbers: [String: Int] = [:]
        for (i, link) in links.enumerated() where numbers[link] == nil { numbers[link] = i + 1 }
        return found.compactMap { f in numbers[f.url].map { LinkMark(number: $0, end: f.end + shift) } }
    }
}

/// How many posts an importer skipped, and the first reason, for the status line and `feedtui stats`.
public struct SkipReport: Equatable, Sendable {
    public var count: Int
    public var firstLine: Int?
    public var firstReason: String?

    public init() {
        count = 0
    }

    public mutating func record(line: Int?, _ reason: String) {
        if count == 0 {
            firstLine = line
            firstReason = reason
        }
        count += 1
    }

    /// "3 posts skipped — first at line 12: missing date", or nil when nothing was skipped.
    public var summary: String? {
        guard count > 0 else { return nil }
        let noun = count == 1 ? "post" : "posts"
        let place = firstLine.map { " at line \($0)" } ?? ""
        return "\(count) \(noun) skipped — first\(place): \(firstReason ?? "unreadable")"
    }
}
