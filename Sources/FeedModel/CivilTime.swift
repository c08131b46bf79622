import Foundation

/// Calendar fields in UTC, computed without Calendar/DateFormatter (locale-free and fast on large archives).
public struct CivilTime: Equatable, Sendable {
    public var year, month, day, hour, minute, second: Int

    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1...12).contains(month), (1...CivilTime.daysIn(month, year)).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...60).contains(second), (1...9999).contains(year)
        else { return nil }
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// The wall-clock fields of `date` shifted by `utcOffset` seconds.
    public init(_ date: Date, utcOffset: Int = 0) {
        let t = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffset)
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = Int(t - days * 86_400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        let y = Int(yoe + era * 400) + (m <= 2 ? 1 : 0)
        (year, month, day, hour, minute, second) = (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }

    public var date: Date {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + Int64(hour * 3600 + minute * 60 + second)))
    }

    /// Days from 1970-01-01 to this date.
    public var days: Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int {
        ((days % 7) + 7 + 3) % 7  // 1970-01-01 was a Thursday.
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `201707301225`
    var compact: String {
        String(format: "%04d%02d%02d%02d%02d", year, month, day, hour, minute)
    }

    public static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// `Jul 30 2017`
    public var short: String {
        "\(CivilTime.monthNames[month - 1].prefix(3)) " + String(format: "%2d %04d", day, year)
    }

    /// `2017-07-30 12:25`
    public var iso: String {
        String(format: "%04d-%02d-%02d %02d:%02d", year, month, day, hour, minute)
    }
}
