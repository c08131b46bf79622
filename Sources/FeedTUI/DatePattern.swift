import FeedModel

/// A date format in strftime's notation (`%B %-d, %Y %H:%M`), checked once when the configuration is read and
/// applied without locales or Foundation formatters: English names, the clock the dates are shown on.
struct DatePattern: Equatable {
    enum Part: Equatable {
        case text(String)
        /// A directive letter, and whether `-` asked for no padding.
        case field(Character, unpadded: Bool)
    }

    let parts: [Part]
    let source: String

    static let directives: [Character: String] = [
        "Y": "year", "y": "year in 2 digits", "m": "month 01–12", "d": "day 01–31", "e": "day, space-padded",
        "H": "hour 00–23", "I": "hour 01–12", "M": "minute", "S": "second", "p": "AM or PM",
        "b": "month Jan", "B": "month January", "a": "weekday Mon", "A": "weekday Monday",
    ]

    /// The post header's date as feedtui always showed it: `July 30, 2017 12:25`.
    static let standard = DatePattern(checked: "%B %-d, %Y %H:%M")

    private init(checked source: String) {
        self.source = source
        parts = (try? Self.parse(source)) ?? [.text(source)]
    }

    init(_ source: String) throws(Problem) {
        self.source = source
        parts = try Self.parse(source)
    }

    struct Problem: Error, Equatable {
        var message: String
    }

    private static func parse(_ source: String) throws(Problem) -> [Part] {
        var parts: [Part] = []
        var text = ""
        var i = source.startIndex
        while i < source.endIndex {
            let c = source[i]
            i = source.index(after: i)
            guard c == "%" else {
                text.append(c)
                continue
            }
            var unpadded = false
            if i < source.endIndex, source[i] == "-" {
                unpadded = true
                i = source.index(after: i)
            }
            guard i < source.endIndex else { throw Problem(message: "a lone % at the end (%% writes %)") }
            let d = source[i]
            i = source.index(after: i)
            if d == "%", !unpadded {
                text.append("%")
                continue
            }
            guard directives[d] != nil else {
                let known = directives.keys.sorted().map { "%\($0)" }.joined(separator: " ")
                throw Problem(message: "unknown %\(d) (\(known), %-d for no padding, %% for %)")
            }
            if !text.isEmpty { parts.append(.text(text)) }
            text = ""
            parts.append(.field(d, unpadded: unpadded))
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }

    private static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    func format(_ t: CivilTime) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let s): out += s
            case .field(let d, let unpadded):
                func number(_ n: Int, _ width: Int = 2, pad: Character = "0") -> String {
                    let digits = String(n)
                    return unpadded || digits.count >= width ? digits : String(repeating: pad, count: width - digits.count) + digits
                }
                let hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12
                let month = CivilTime.monthNames[t.month - 1]
                let weekday = Self.weekdays[t.weekday]
                switch d {
                case "Y": out += number(t.year, 4)
                case "y": out += number(t.year % 100)
                case "m": out += number(t.month)
                case "d": out += number(t.day)
                case "e": out += number(t.day, pad: " ")
                case "H": out += number(t.hour)
                case "I": out += number(hour12)
                case "M": out += number(t.minute)
                case "S": out += number(t.second)
                case "p": out += t.hour < 12 ? "AM" : "PM"
                case "b": out += month.prefix(3)
                case "B": out += month
                case "a": out += weekday.prefix(3)
                default: out += weekday
                }
            }
        }
        return out
    }
}
