import Foundation

/// When a post was published, as its source gave it: the instant, with the offset it was written at, or a wall
/// clock without zone (see `Publication`).
public struct PostTime: Equatable, Sendable, Codable {
    public var date: Date
    public var utcOffset: Int?
    public var wallClock: Bool

    public init(date: Date, utcOffset: Int? = nil, wallClock: Bool = false) {
        self.date = date
        self.utcOffset = utcOffset
        self.wallClock = wallClock
    }
}

/// The one rule every date on every screen and in `feedtui stats` follows: the user's local zone (`TZ`) by
/// default, or each post's own UTC offset. A time the source gave without a zone (a wall clock) is shown as given
/// under either rule, and never labelled UTC.
public struct Clock: Equatable, Sendable {
    public enum Rule: String, CaseIterable, Sendable {
        /// The user's zone (`TZ`, else the system's).
        case local
        /// The offset the source gave with each post; UTC for an instant given without one (a Unix time, `Z`).
        case post
    }

    public var rule: Rule
    public var zone: TimeZone

    public init(rule: Rule = .local, zone: TimeZone = .current) {
        self.rule = rule
        self.zone = zone
    }

    /// Seconds east of UTC at which a date is shown.
    public func offset(for date: Date, utcOffset: Int?, wallClock: Bool) -> Int {
        if wallClock { return 0 }
        switch rule {
        case .local: return zone.secondsFromGMT(for: date)
        case .post: return utcOffset ?? 0
        }
    }

    /// The post's date on this clock; nil when the source gave none.
    public func civil(_ p: Publication) -> CivilTime? {
        p.time.map(civil)
    }

    public func civil(_ t: PostTime) -> CivilTime {
        CivilTime(t.date, utcOffset: offset(for: t.date, utcOffset: t.utcOffset, wallClock: t.wallClock))
    }

    /// What tells apart clocks that show dates differently: the rule, and the zone under the local rule. Statistics
    /// keep the id of the clock they were counted on.
    public var id: String {
        rule == .local ? "local \(zone.identifier)" : rule.rawValue
    }

    /// What the statistics say about the dates they show.
    public var description: String {
        switch rule {
        case .local:
            let seconds = zone.secondsFromGMT()
            let sign = seconds < 0 ? "-" : "+"
            let offset = String(format: "UTC%@%02d:%02d", sign, abs(seconds) / 3600, abs(seconds) % 3600 / 60)
            return "local time, \(zone.identifier) (now \(offset))"
        case .post:
            return "each post's own offset (UTC where the source gave none)"
        }
    }

    /// Offsets looked up once per hour of UTC time: a zone's offset changes only on the hour, and a channel's
    /// statistics ask for a million dates.
    public struct Cache {
        let clock: Clock
        private var hours: [Int64: Int] = [:]

        public init(_ clock: Clock) { self.clock = clock }

        public mutating func civil(_ date: Date, _ p: Publication) -> CivilTime {
            guard clock.rule == .local, !p.wallClock else {
                return CivilTime(date, utcOffset: clock.offset(for: date, utcOffset: p.utcOffset, wallClock: p.wallClock))
            }
            let hour = Int64((date.timeIntervalSince1970 / 3600).rounded(.down))
            let offset = hours[hour] ?? clock.zone.secondsFromGMT(for: date)
            hours[hour] = offset
            return CivilTime(date, utcOffset: offset)
        }
    }
}
