import FeedModel
import Foundation
import TOMLKit

/// A configuration file feedtui will not start with, as one line: `file:line: setting: problem`.
struct ConfigError: Error, Equatable, CustomStringConvertible {
    var file: String
    var line: Int?
    var setting: String?
    var problem: String

    var description: String {
        file + (line.map { ":\($0)" } ?? "") + ": " + (setting.map { "\($0): " } ?? "") + problem
    }
}

/// The user's settings, from `$XDG_CONFIG_HOME/feedtui/config.toml`; a missing file means the defaults.
struct Config: Equatable {
    var keys = KeyTable.standard
    var themeName = "default"
    /// The chosen theme with the user's styles for its elements.
    var theme = Theme.standard
    /// The command that opens links; nil leaves it to `$BROWSER`, then xdg-open.
    var browser: String?
    /// The order of the post list when a channel opens.
    var sort = PostOrder.newest
    /// The clock dates are shown on when `--dates` does not say: the local zone, or each post's own offset.
    var dates = Clock.Rule.local
    /// How a post's full date is written (its header).
    var dateFormat = DatePattern.standard
    /// The widest the post text runs, in columns (long lines at 200 columns are hard to read).
    var postWidth = 80
    static let postWidths = 20...1000
    /// Fetch followed channels in the background at start (the refresh itself is the library's).
    var refreshAtStart = true
    /// Minutes between refreshes of the followed channels while feedtui runs; 0: none.
    var refreshInterval = 0
    static let refreshIntervals = 0...10080
    /// A program (and its arguments, written as browser is) run after a refresh that brought new posts, with
    /// their number and the channels' names as further arguments; nil: none.
    var notify: String?
    /// Filters (the query channels' language) whose posts are hidden everywhere: any one of them hides a post.
    var ignore: Filter?
    /// Pictures in a full-screen post: "auto" draws them where the terminal has 256 colours, "off" keeps the markers.
    var images = Images.auto
    enum Images: String, CaseIterable { case auto, off }
    /// Megabytes of downloaded pictures kept under $XDG_CACHE_HOME/feedtui/pictures.
    var imageCache = 200
    static let imageCaches = 1...100_000

    static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/feedtui/config.toml" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/feedtui/config.toml"
    }

    /// The file at `path`, or the defaults when there is none.
    static func load(path: String) throws(ConfigError) -> Config {
        guard FileManager.default.fileExists(atPath: path) else { return Config() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, problem: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError(file: path, problem: "is not UTF-8 text") }
        return try parse(text, file: path)
    }

    /// Reads a configuration text; the first problem (by line) is thrown, so the user fixes them top down.
    static func parse(_ text: String, file: String) throws(ConfigError) -> Config {
        if let (line, problem) = lineTOMLWouldAbortOn(text) { throw ConfigError(file: file, line: line, problem: problem) }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let source = lines.indices.contains(line - 1) ? String(lines[line - 1]) : ""
            throw ConfigError(file: file, line: line, problem: syntaxProblem(error.description, line: source))
        } catch {
            throw ConfigError(file: file, problem: "\(error)")
        }
        var reader = ConfigReader(file: file, lines: SettingLines(text))
        let config = reader.read(root)
        if let first = reader.problems.min(by: { ($0.line ?? 0) < ($1.line ?? 0) }) { throw first }
        return config
    }

    /// The first line toml++ (inside TOMLKit) would abort on instead of reporting: a table header whose name does not
    /// start at once (`[` then a newline, `[ .a]`, `[=x]`), an array closed by `}` (`a = [1, }`), or a date whose `T`
    /// is not followed by the time's digits (`1979-05-27Tx`); the program died there, so such a line is refused
    /// before the text is parsed. Headers are looked for only where one can stand:
    /// at the start of a line outside any value (an array, an inline table, a string of several lines).
    static func lineTOMLWouldAbortOn(_ text: String) -> (line: Int, problem: String)? {
        var open: [UInt8] = []
        var multiline: [UInt8]? = nil
        for (number, line) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line)
            var i = 0
            if multiline == nil, open.isEmpty {
                while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                    var j = i + 1
                    if j < bytes.count, bytes[j] == UInt8(ascii: "[") { j += 1 }
                    while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                    let named = j < bytes.count && (isBareKey(bytes[j]) || "\"']".utf8.contains(bytes[j]))
                    if !named { return (number + 1, "a table header without a name: write [keys] or [colors.NAME]") }
                }
            }
            // What the rest of the line opens and closes, outside strings and comments.
            while i < bytes.count {
                let b = bytes[i]
                if let quote = multiline {
                    if bytes[i...].starts(with: quote) {
                        multiline = nil
                        i += 3
                    } else {
                        i += b == UInt8(ascii: "\\") && quote[0] == UInt8(ascii: "\"") ? 2 : 1
                    }
                    continue
                }
                switch b {
                case UInt8(ascii: "#"): i = bytes.count
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if bytes[i...].starts(with: [b, b, b]) {
                        multiline = [b, b, b]
                        i += 3
                    } else {
                        i += 1
                        while i < bytes.count, bytes[i] != b { i += b == UInt8(ascii: "\"") && bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                        i += 1
                    }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    open.append(b)
                    i += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if b == UInt8(ascii: "}"), open.last == UInt8(ascii: "[") { return (number + 1, "an array closed by } (it ends with ])") }
                    if !open.isEmpty { open.removeLast() }
                    i += 1
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if isDateWithoutTime(bytes, at: i) { return (number + 1, "a date whose T is not followed by a time (HH:MM:SS)") }
                    i += 1
                default: i += 1
                }
            }
        }
        return nil
    }

    /// `YYYY-MM-DDT` or `t` at `i`, then no digit: toml++ takes it for a date and time and asserts there is one.
    private static func isDateWithoutTime(_ bytes: [UInt8], at i: Int) -> Bool {
        func digit(_ k: Int) -> Bool { k < bytes.count && (0x30...0x39).contains(bytes[k]) }
        guard i + 10 < bytes.count, [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ digit(i + $0) }), bytes[i + 4] == UInt8(ascii: "-"),
            bytes[i + 7] == UInt8(ascii: "-"), bytes[i + 10] == UInt8(ascii: "T") || bytes[i + 10] == UInt8(ascii: "t")
        else { return false }
        return !digit(i + 11)
    }

    private static func isBareKey(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    /// TOMLKit's "Error while parsing value: could not determine value type" as one plain sentence; the two
    /// slips a newcomer makes most (a value without quotes, a string left open) said in their own words.
    static func syntaxProblem(_ description: String, line: String) -> String {
        // `sort = newest`: TOMLKit reads the bare word as a number that went wrong ("expected 'nan'").
        let parts = line.split(separator: "#", maxSplits: 1).first.map { $0.split(separator: "=", maxSplits: 1) } ?? []
        if parts.count == 2 {
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if let first = value.first, first.isLetter, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
                value != "true", value != "false"
            {
                return "not valid TOML: text needs quotes (\(name) = \"\(value)\")"
            }
        }
        var what = ""
        var detail = Sanitize.visible(description)
        let prefix = "Error while parsing "
        if detail.hasPrefix(prefix), let colon = detail.range(of: ": ") {
            what = " in a " + detail[detail.index(detail.startIndex, offsetBy: prefix.count)..<colon.lowerBound]
            detail = String(detail[colon.upperBound...])
        }
        if detail.contains("could not determine value type") {
            return "not valid TOML: a value is \"quoted text\", a number, true or false, [a list] or { a table }"
        }
        if what == " in a string", detail.contains("control characters") {
            return "not valid TOML: a string is not closed on its line (its closing quote is missing)"
        }
        return "not valid TOML\(what): " + detail.replacingOccurrences(of: "'\\n'", with: "the end of the line")
    }

    /// The whole default file, a comment on every setting; reading it back gives the defaults.
    static var defaultFile: String {
        let standard = Config()
        var out = """
            # feedtui configuration: $XDG_CONFIG_HOME/feedtui/config.toml (else ~/.config/feedtui/config.toml).
            # Every setting may be left out: it then keeps the value shown here. `feedtui config --check` checks
            # this file; feedtui does not start with a file that has an error, and says where the error is.

            # Colours: \(Theme.shipped.map(\.name).joined(separator: ", ")), or the NAME of a [colors.NAME] table of your own.
            theme = \(quoted(standard.themeName))

            # The command that opens links, written as $BROWSER is (a colon-separated list tried in turn, %s for the
            # URL, else it comes last), run without a shell; it comes before $BROWSER. Empty: $BROWSER, then xdg-open.
            browser = ""

            # The order of the post list when a channel opens: \(PostOrder.allCases.map(\.configName).joined(separator: ", ")).
            sort = \(quoted(standard.sort.configName))

            # Dates in your local zone (TZ), or in each post's own offset: \(Clock.Rule.allCases.map(\.rawValue).joined(separator: ", ")).
            # --dates overrides it for one run.
            dates = \(quoted(standard.dates.rawValue))

            # A post's date in its header, in strftime's notation: \(DatePattern.directives.keys.sorted().map { "%\($0)" }.joined(separator: " ")),
            # %-d (or %-H, %-m…) without padding, %% for %. The list keeps its compact "Jul 30 2017".
            date-format = \(quoted(standard.dateFormat.source))

            # The widest a post's text runs, in columns (\(postWidths.lowerBound)–\(postWidths.upperBound)); a wider pane centres it.
            post-width = \(standard.postWidth)

            # Refresh the followed channels in the background when feedtui starts.
            refresh-at-start = \(standard.refreshAtStart)

            # Refresh the followed channels every this many minutes while feedtui runs (\(refreshIntervals.lowerBound)–\(refreshIntervals.upperBound)); 0: never.
            refresh-interval = \(standard.refreshInterval)

            # A program run (without a shell) after a refresh that brought new posts, with the number of new posts and
            # the names of the channels that have them as its last arguments: notify = "notify-send feedtui".
            # Empty: none.
            notify = ""

            # Posts to hide everywhere (lists, counts, search), each rule a filter as query channels write them:
            # ignore = ["author ~ \"bot\"", "text ~ \"sponsored\" and tag = \"news\""]. The statistics say how many.
            ignore = []

            # Pictures in a full-screen post, drawn as coloured cells where the terminal has 256 colours: \(Images.allCases.map(\.rawValue).joined(separator: ", ")).
            # "off" (or NO_COLOR) shows a marker in their place; I shows or hides them while feedtui runs.
            images = \(quoted(standard.images.rawValue))

            # Megabytes of downloaded pictures kept under $XDG_CACHE_HOME/feedtui/pictures (\(imageCaches.lowerBound)–\(imageCaches.upperBound)), so a
            # post read once shows them offline; the least recently shown go first.
            image-cache = \(standard.imageCache)

            # Keys: action = [keys]. A key is a character (j, G, /), C-x for Control-x, Enter, Esc, Tab, S-Tab, BSpace,
            # Space, Up, Down, Left, Right, PgUp, PgDn, Home or End. [] unbinds the action; a key does one thing only.
            # Digits are counts (5j) and cannot be bound.
            [keys]

            """
        let rows = standard.keys.bindings.map { b in
            ("\(b.action.configName) = [" + b.keys.map { quoted($0.name) }.joined(separator: ", ") + "]", b.helpText)
        }
        out += aligned(rows)
        out += """

            # Colours of each screen element, per theme. A style is { fg = COLOUR, bg = COLOUR, bold = true, dim = true,
            # underline = true, reverse = true }, or just a COLOUR for fg. A COLOUR is "default" (the terminal's own),
            # a name (\(Palette.names.prefix(8).joined(separator: ", ")), bright-black … bright-white) or a number
            # 0–255, fitted to the terminal's colours. A style set here replaces the theme's style for that element;
            # a [colors.NAME] table with a new NAME is a theme of your own, starting from default.

            """
        for (name, theme) in Theme.shipped {
            out += "\n[colors.\(name)]\n"
            out += aligned(ThemeElement.allCases.map { ("\($0.configName) = \(tomlStyle(theme[$0]))", $0.meaning) })
        }
        return out
    }

    private static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Lines with their comments in one column.
    private static func aligned(_ rows: [(String, String)]) -> String {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  # " + $0.1 + "\n" }.joined()
    }

    private static func tomlStyle(_ s: Style) -> String {
        var parts: [String] = []
        if let fg = s.foreground { parts.append("fg = \(colorValue(fg))") }
        if let bg = s.background { parts.append("bg = \(colorValue(bg))") }
        for (name, on) in [("bold", s.bold), ("dim", s.dim), ("underline", s.underline), ("reverse", s.reverse)] where on {
            parts.append("\(name) = true")
        }
        return parts.isEmpty ? "{}" : "{ " + parts.joined(separator: ", ") + " }"
    }

    private static func colorValue(_ index: UInt8) -> String {
        Int(index) < Palette.names.count ? quoted(Palette.names[Int(index)]) : String(index)
    }
}

extension PostOrder {
    /// The name in the configuration file: `most-viewed` for "most viewed".
    var configName: String { rawValue.replacingOccurrences(of: " ", with: "-") }
}

extension ThemeElement {
    var configName: String { rawValue }
}

/// Turns the parsed TOML into a Config, collecting every problem with its line.
private struct ConfigReader {
    let file: String
    let lines: SettingLines
    var problems: [ConfigError] = []

    mutating func problem(_ setting: String, _ text: String) {
        problems.append(ConfigError(file: file, line: lines[setting], setting: setting, problem: text))
    }

    mutating func read(_ root: TOMLTable) -> Config {
        var config = Config()
        var themeName: String?
        var colors: TOMLTable?
        for key in root.keys {
            guard let value = root[key] else { continue }
            switch key {
            case "theme": themeName = string(value, key)
            case "browser":
                if let s = string(value, key) {
                    let words = s.split(separator: " ")
                    config.browser = words.isEmpty ? nil : s
                }
            case "sort":
                if let s = string(value, key) {
                    if let order = PostOrder.allCases.first(where: { $0.configName == s }) {
                        config.sort = order
                    } else {
                        problem(key, "unknown order \(Self.quote(s)) (\(PostOrder.allCases.map(\.configName).joined(separator: ", ")))")
                    }
                }
            case "dates":
                if let s = string(value, key) {
                    if let rule = Clock.Rule(rawValue: s) {
                        config.dates = rule
                    } else {
                        problem(key, "unknown rule \(Self.quote(s)) (\(Clock.Rule.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                }
            case "date-format":
                if let s = string(value, key) {
                    do throws(DatePattern.Problem) {
                        config.dateFormat = try DatePattern(s)
                    } catch {
                        problem(key, error.message)
                    }
                }
            case "post-width":
                if let n = value.int, Config.postWidths.contains(n) {
                    config.postWidth = n
                } else {
                    problem(key, "expected a number of columns from \(Config.postWidths.lowerBound) to \(Config.postWidths.upperBound), found \(value.int.map(String.init) ?? Self.kind(value))")
                }
            case "refresh-interval":
                if let n = value.int, Config.refreshIntervals.contains(n) {
                    config.refreshInterval = n
                } else {
                    problem(key, "expected minutes from \(Config.refreshIntervals.lowerBound) (never) to \(Config.refreshIntervals.upperBound), found \(value.int.map(String.init) ?? Self.kind(value))")
                }
            case "images":
                if let s = string(value, key) {
                    if let images = Config.Images(rawValue: s) {
                        config.images = images
                    } else {
                        problem(key, "unknown value \(Self.quote(s)) (\(Config.Images.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                }
            case "image-cache":
                if let n = value.int, Config.imageCaches.contains(n) {
                    config.imageCache = n
                } else {
                    problem(key, "expected megabytes from \(Config.imageCaches.lowerBound) to \(Config.imageCaches.upperBound), found \(value.int.map(String.init) ?? Self.kind(value))")
                }
            case "notify":
                if let s = string(value, key) { config.notify = LinkOpener.words(s).isEmpty ? nil : s }
            case "ignore":
                config.ignore = readIgnore(value, key)
            case "refresh-at-start":
                if let b = value.bool { config.refreshAtStart = b } else { problem(key, "expected true or false, found \(Self.kind(value))") }
            case "keys":
                if let t = table(value, key) { config.keys = readKeys(t) }
            case "colors":
                colors = table(value, key)
            default:
                problem(key, "unknown setting (feedtui config --default lists them all)")
            }
        }
        var themes = Dictionary(uniqueKeysWithValues: Theme.shipped.map { ($0.name, $0.theme) })
        if let colors {
            for name in colors.keys {
                guard let value = colors[name], let t = table(value, "colors.\(name)") else { continue }
                themes[name] = readTheme(t, base: themes[name] ?? .standard, path: "colors.\(name)")
            }
        }
        if let themeName {
            if let theme = themes[themeName] {
                config.themeName = themeName
                config.theme = theme
            } else {
                problem("theme", "unknown theme \(Self.quote(themeName)) (\(Theme.shipped.map(\.name).joined(separator: ", ")), or a [colors.NAME] table)")
            }
        }
        return config
    }

    mutating func readKeys(_ table: TOMLTable) -> KeyTable {
        let standard = KeyTable.standard
        var chosen: [Action: [Key]] = [:]
        var settingOf: [Action: String] = [:]
        for name in table.keys {
            let setting = "keys.\(name)"
            guard let value = table[name] else { continue }
            guard let action = standard.bindings.first(where: { $0.action.configName == name })?.action else {
                problem(setting, "unknown action (feedtui config --default lists them all)")
                continue
            }
            let names: [String]
            if let s = value.string {
                names = [s]
            } else if let array = value.array, array.allSatisfy({ $0.string != nil }) {
                names = array.compactMap(\.string)
            } else {
                problem(setting, "expected a key name or a list of them, found \(Self.kind(value))")
                continue
            }
            var keys: [Key] = []
            for n in names {
                guard let key = Key(name: n) else {
                    problem(setting, "unknown key \(Self.quote(n)) (a character, C-x, Enter, Esc, Tab, Space, PgDn, Up…)")
                    continue
                }
                if case .char(let c) = key, c.isASCII, c.isNumber {
                    problem(setting, "\(Self.quote(n)) cannot be bound: digits are counts (5j)")
                    continue
                }
                if case .ctrl(let c) = key {
                    // The terminal sends these as other keys; a binding to them would never fire.
                    if let same = Self.controlAliases[c] {
                        problem(setting, "\(Self.quote(n)) reaches feedtui as \(same.name): bind \(same.name)")
                        continue
                    }
                    guard ("a"..."z").contains(c) else {
                        problem(setting, "\(Self.quote(n)) is not a control key: C-a to C-z")
                        continue
                    }
                }
                if !keys.contains(key) { keys.append(key) }
            }
            chosen[action] = keys
            settingOf[action] = setting
        }
        let result = standard.rebinding(chosen)
        // A key bound to two actions: said at the user's setting that made it so (the later one when both are).
        var owner: [Key: Action] = [:]
        for b in result.bindings {
            for key in b.keys {
                guard let other = owner[key] else {
                    owner[key] = b.action
                    continue
                }
                let candidates = [b.action, other].compactMap { a in settingOf[a].map { (a, $0) } }
                guard let (action, setting) = candidates.max(by: { (lines[$0.1] ?? 0) < (lines[$1.1] ?? 0) }) else { continue }
                let rival = action == b.action ? other : b.action
                problem(setting, "\(Self.quote(key.name)) is also bound to \(rival.configName) (unbind it there: \(rival.configName) = [])")
            }
        }
        return result
    }

    mutating func readTheme(_ table: TOMLTable, base: Theme, path: String) -> Theme {
        var theme = base
        for name in table.keys {
            let setting = "\(path).\(name)"
            guard let value = table[name] else { continue }
            guard let element = ThemeElement.allCases.first(where: { $0.configName == name }) else {
                problem(setting, "unknown element (\(ThemeElement.allCases.map(\.configName).joined(separator: ", ")))")
                continue
            }
            if let style = readStyle(value, setting) { theme.styles[element] = style }
        }
        return theme
    }

    mutating func readStyle(_ value: TOMLValueConvertible, _ setting: String) -> Style? {
        guard let t = value.table else {
            // A bare colour is the foreground.
            guard value.string != nil || value.int != nil else {
                problem(setting, "expected a style { fg = …, bold = true } or a colour, found \(Self.kind(value))")
                return nil
            }
            return color(value, setting).map { Style(foreground: $0) }
        }
        var style = Style()
        for name in t.keys {
            guard let v = t[name] else { continue }
            let s = "\(setting).\(name)"
            switch name {
            case "fg": style.foreground = color(v, s) ?? nil
            case "bg": style.background = color(v, s) ?? nil
            case "bold", "dim", "underline", "reverse":
                guard let on = v.bool else {
                    problem(s, "expected true or false, found \(Self.kind(v))")
                    continue
                }
                switch name {
                case "bold": style.bold = on
                case "dim": style.dim = on
                case "underline": style.underline = on
                default: style.reverse = on
                }
            default:
                problem(s, "unknown style attribute (fg, bg, bold, dim, underline, reverse)")
            }
        }
        return style
    }

    /// A colour: .some(nil) is the terminal's own, nil a problem already reported.
    mutating func color(_ value: TOMLValueConvertible, _ setting: String) -> UInt8?? {
        if let n = value.int {
            guard (0...255).contains(n) else {
                problem(setting, "colour \(n) is not in 0–255")
                return nil
            }
            return .some(UInt8(n))
        }
        if let s = value.string {
            if s == "default" { return .some(nil) }
            if let i = Palette.names.firstIndex(of: s) { return .some(UInt8(i)) }
            problem(setting, "unknown colour \(Self.quote(s)) (default, a name such as red or bright-blue, or 0–255)")
            return nil
        }
        problem(setting, "expected a colour name or 0–255, found \(Self.kind(value))")
        return nil
    }

    /// The rules of `ignore`, as one filter that any of them matches; a rule that is no filter is named with its fault.
    mutating func readIgnore(_ value: TOMLValueConvertible, _ setting: String) -> Filter? {
        guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
            problem(setting, "expected a list of filters in double quotes, found \(Self.kind(value))")
            return nil
        }
        var rules: [Filter] = []
        for (i, text) in array.compactMap(\.string).enumerated() {
            do throws(FilterError) {
                rules.append(try Filter.parse(text))
            } catch {
                problem(setting, "rule \(i + 1): \(error.description)")
            }
        }
        return rules.dropFirst().reduce(rules.first) { any, rule in any.map { .or($0, rule) } }
    }

    mutating func string(_ value: TOMLValueConvertible, _ setting: String) -> String? {
        if let s = value.string { return s }
        problem(setting, "expected a string, found \(Self.kind(value))")
        return nil
    }

    mutating func table(_ value: TOMLValueConvertible, _ setting: String) -> TOMLTable? {
        if let t = value.table { return t }
        problem(setting, "expected a table, found \(Self.kind(value))")
        return nil
    }

    static func kind(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .table: "a table"
        case .array: "a list"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .date, .time, .dateTime: "a date"
        }
    }

    static let controlAliases: [Character: Key] = ["h": .backspace, "i": .tab, "j": .enter, "m": .enter]

    static func quote(_ s: String) -> String { "\"\(Sanitize.visible(s))\"" }
}

/// Where each setting of a TOML text stands, by its dotted path (`keys.move-down`, `colors.light.title.fg`):
/// TOMLKit gives a line for syntax errors only, so the lines of settings are found in the text itself.
struct SettingLines {
    private var lines: [String: Int] = [:]

    subscript(_ path: String) -> Int? { lines[path] }

    init(_ text: String) {
        let s = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        var table: [String] = []
        // Open inline tables ({) and arrays ([) of the value being read, with the path they belong to.
        var open: [(brace: Bool, path: [String])] = []
        var current: [String] = []
        var expectKey = true

        func skipBlanks() { while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 } }
        // A dotted key (bare or quoted parts) ending before `end`; nil when the text is not one.
        func dottedKey(until end: Unicode.Scalar) -> [String]? {
            var parts: [String] = []
            var j = i
            while true {
                while j < s.count, s[j] == " " || s[j] == "\t" { j += 1 }
                guard j < s.count else { return nil }
                var part = ""
                if s[j] == "\"" || s[j] == "'" {
                    let q = s[j]
                    j += 1
                    while j < s.count, s[j] != q, s[j] != "\n" {
                        if q == "\"", s[j] == "\\", j + 1 < s.count { j += 1 }
                        part.unicodeScalars.append(s[j])
                        j += 1
                    }
                    guard j < s.count, s[j] == q else { return nil }
                    j += 1
                } else {
                    while j < s.count, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) || s[j] == "_" || s[j] == "-" {
                        part.unicodeScalars.append(s[j])
                        j += 1
                    }
                    if part.isEmpty { return nil }
                }
                parts.append(part)
                while j < s.count, s[j] == " " || s[j] == "\t" { j += 1 }
                guard j < s.count else { return nil }
                if s[j] == "." {
                    j += 1
                    continue
                }
                guard s[j] == end else { return nil }
                i = j + 1
                return parts
            }
        }
        func skipString() {
            let q = s[i]
            let triple = i + 2 < s.count && s[i + 1] == q && s[i + 2] == q
            i += triple ? 3 : 1
            while i < s.count {
                if q == "\"", s[i] == "\\" {
                    i += 2
                    continue
                }
                if s[i] == "\n" {
                    if !triple { return }
                    line += 1
                }
                if s[i] == q {
                    if !triple {
                        i += 1
                        return
                    }
                    if i + 2 < s.count, s[i + 1] == q, s[i + 2] == q {
                        i += 3
                        return
                    }
                }
                i += 1
            }
        }

        while i < s.count {
            let c = s[i]
            if c == "\n" {
                line += 1
                i += 1
                if open.isEmpty { expectKey = true }
                continue
            }
            if c == " " || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            if c == "#" {
                while i < s.count, s[i] != "\n" { i += 1 }
                continue
            }
            if expectKey {
                expectKey = false
                if open.isEmpty, c == "[" {
                    let array = i + 1 < s.count && s[i + 1] == "["
                    i += array ? 2 : 1
                    if let header = dottedKey(until: "]") {
                        table = header
                        let path = header.joined(separator: ".")
                        if lines[path] == nil { lines[path] = line }
                        if array, i < s.count, s[i] == "]" { i += 1 }
                    }
                    continue
                }
                if let key = dottedKey(until: "=") {
                    current = (open.last?.path ?? table) + key
                    let path = current.joined(separator: ".")
                    if lines[path] == nil { lines[path] = line }
                    continue
                }
            }
            switch c {
            case "\"", "'":
                skipString()
                continue
            case "{":
                open.append((true, current))
                expectKey = true
            case "[":
                open.append((false, current))
            case "}", "]":
                if !open.isEmpty { open.removeLast() }
            case ",":
                if open.last?.brace == true { expectKey = true }
            default:
                break
            }
            i += 1
        }
    }
}
