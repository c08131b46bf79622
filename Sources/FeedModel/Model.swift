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
    public var date: Date
    /// Seconds east of UTC the source gave with the date; `nil` when it gave none (the date is then shown as UTC).
    public var utcOffset: Int?
    public var text: String
    public var media: [Media]
    public var linkPreview: LinkPreview?
    public var links: [String]
    public var views: Count?
    public var forwards: Count?
    public var reactions: Count?
    public var forwardedFrom: String?
    public var replyTo: String?
    /// When the post was edited; `Date.distantPast` is never used — unknown edit times are `editedAt == nil`.
    public var edited: Bool
    public var editedAt: Date?
    /// Service messages (joined, pinned, title changed…) are shown dimmed and not counted as posts.
    public var isService: Bool

    public init(
        id: String, date: Date, utcOffset: Int? = nil, text: String = "", media: [Media] = [],
        linkPreview: LinkPreview? = nil, links: [String] = [], views: Count? = nil, forwards: Count? = nil,
        reactions: Count? = nil, forwardedFrom: String? = nil, replyTo: String? = nil, edited: Bool = false,
        editedAt: Date? = nil, isService: Bool = false
    ) {
        self.id = id
        self.date = date
        self.utcOffset = utcOffset
        self.text = text
        self.media = media
        self.linkPreview = linkPreview
        self.links = links
        self.views = views
        self.forwards = forwards
        self.reactions = reactions
        self.forwardedFrom = forwardedFrom
        self.replyTo = replyTo
        self.edited = edited
        self.editedAt = editedAt
        self.isService = isService
    }

    enum CodingKeys: String, CodingKey {
        case id, date, utcOffset, text, media, linkPreview, links, views, forwards, reactions
        case forwardedFrom, replyTo, edited, editedAt, isService
    }

    public func encode(to encoder: Encoder) throws {
        // Empty and default values are left out so the native files stay small and readable.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(date, forKey: .date)
        try c.encodeIfPresent(utcOffset, forKey: .utcOffset)
        try c.encode(text, forKey: .text)
        if !media.isEmpty { try c.encode(media, forKey: .media) }
        try c.encodeIfPresent(linkPreview, forKey: .linkPreview)
        if !links.isEmpty { try c.encode(links, forKey: .links) }
        try c.encodeIfPresent(views, forKey: .views)
        try c.encodeIfPresent(forwards, forKey: .forwards)
        try c.encodeIfPresent(reactions, forKey: .reactions)
        try c.encodeIfPresent(forwardedFrom, forKey: .forwardedFrom)
        try c.encodeIfPresent(replyTo, forKey: .replyTo)
        if edited { try c.encode(true, forKey: .edited) }
        try c.encodeIfPresent(editedAt, forKey: .editedAt)
        if isService { try c.encode(true, forKey: .isService) }
    }
}

public enum MediaKind: String, Encodable, Sendable, CaseIterable {
    case photo, video, file, audio, voice, sticker, animation, poll, location, contact, other
}

/// A media attachment marker. The bytes are never loaded; only what the source says about them.
public struct Media: Encodable, Equatable, Sendable {
    public var kind: MediaKind
    public var name: String?
    public var url: String?
    public var size: Int64?
    public var duration: Int?

    public init(kind: MediaKind, name: String? = nil, url: String? = nil, size: Int64? = nil, duration: Int? = nil) {
        self.kind = kind
        self.name = name
        self.url = url
        self.size = size
        self.duration = duration
    }
}

public struct LinkPreview: Encodable, Equatable, Sendable {
    public var site: String?
    public var title: String?
    public var description: String?
    public var url: String?

    public init(site: String? = nil, title: String? = nil, description: String? = nil, url: String? = nil) {
        self.site = site
        self.title = title
        self.description = description
        self.url = url
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
