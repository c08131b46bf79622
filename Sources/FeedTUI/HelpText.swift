import FeedModel
import Foundation

/// What `--help` and the man page say beyond the options: the keys in force, the files feedtui reads and writes,
/// and the environment variables it honours. One table each, so the two cannot differ.
enum HelpText {
    static let files: [(name: String, meaning: String)] = [
        ("$XDG_CONFIG_HOME/feedtui/config.toml", "settings, keys and colours (feedtui config --default prints one)"),
        ("$XDG_CONFIG_HOME/feedtui/channels", "the channels you follow, one a line (feedtui add, remove)"),
        ("$XDG_DATA_HOME/feedtui/library.sqlite", "the library: every channel opened, your votes, opened posts, bookmarks, positions (or --library)"),
        ("$XDG_CACHE_HOME/feedtui/pictures", "the pictures of posts read, so they show offline (at most image-cache MB)"),
        ("$XDG_STATE_HOME/feedtui/state.sqlite", "feedtui 0.1's votes and marks, taken into the library once (or --state)"),
        ("PREFIX/share/feedtui/Samples", "the bundled sample channels; one opens when no SOURCE is given"),
    ]

    static let environment: [(name: String, meaning: String)] = [
        ("NO_COLOR", "set and not empty: no colours, as --no-color"),
        ("BROWSER", "opens links, unless config.toml sets browser; else xdg-open"),
        ("TZ", "the local zone dates are shown in (unless --dates post)"),
        ("XDG_CONFIG_HOME", "where feedtui/config.toml is (default ~/.config)"),
        ("XDG_DATA_HOME", "where feedtui/library.sqlite is (default ~/.local/share)"),
        ("XDG_CACHE_HOME", "where feedtui/pictures is (default ~/.cache)"),
        ("XDG_STATE_HOME", "where feedtui 0.1's feedtui/state.sqlite is (default ~/.local/state)"),
        ("FEEDTUI_SAMPLES", "the folder of the bundled samples"),
        ("FEEDTUI_TME_URL", "replaces https://t.me for Telegram channels (tests, mirrors)"),
    ]

    /// The root command's discussion in `--help`: the keys in force, then files and environment.
    static func discussion(keys: KeyTable) -> String {
        (Array(HelpOverlay.lines(keys).dropLast(2).map(Sanitize.visible)) + ["", "Files:"] + table(files) + ["", "Environment:"] + table(environment))
            .joined(separator: "\n")
    }

    /// Name and meaning on one line when it fits in 80 columns, else the meaning indented below.
    private static func table(_ rows: [(name: String, meaning: String)]) -> [String] {
        let width = rows.map(\.name.count).max() ?? 0
        return rows.map { row in
            let line = "  " + row.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row.meaning
            guard line.count > 80 else { return line }
            // Wrapped here, indented, so that the argument parser (which wraps at 80) has nothing left to wrap.
            var out = "  " + row.name
            var current = "     "
            for word in row.meaning.split(separator: " ") {
                if current.count + 1 + word.count > 80 {
                    out += "\n" + current
                    current = "     "
                }
                current += " " + word
            }
            return out + "\n" + current
        }
    }

    /// The man page: the one the argument parser generated from the command definitions, with a DESCRIPTION
    /// written for a page (instead of `--help`'s discussion) and KEYS, ENVIRONMENT and FILES sections before EXIT
    /// STATUS (at the end when there is none).
    static func manual(from generated: String, keys: KeyTable) -> String {
        var lines = generated.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let start = lines.firstIndex(of: ".Sh DESCRIPTION") {
            // The discussion runs up to the list of options.
            let end = lines[(start + 1)...].firstIndex { $0.hasPrefix(".Bl") } ?? lines.count
            lines.replaceSubrange((start + 1)..<end, with: description)
        }
        let sections = manualSections(keys: keys)
        let at = lines.firstIndex { $0.hasPrefix(".Sh \"EXIT STATUS\"") || $0.hasPrefix(".Sh EXIT") }
        lines.insert(contentsOf: sections, at: at ?? (lines.last == "" ? lines.count - 1 : lines.count))
        return lines.joined(separator: "\n")
    }

    private static let description = [
        ".Nm",
        "shows public channels of the Telegram kind and RSS or Atom feeds in the terminal: the posts, each post",
        "full-screen, and the channel's statistics. A",
        ".Ar SOURCE",
        "is a file, an http(s) URL, a Telegram channel (@NAME, t.me/NAME) or - for standard input. The commands",
        "and their options follow (browse is the default command); the keys, the environment and the files after",
        "them.",
        ".Pp",
        "Settings, keys and colours are read from",
        ".Pa config.toml",
        "(see FILES);",
        ".Nm",
        "does not start with a file that has an error, and names its line.",
        ".Ql feedtui config --default",
        "prints the whole default file with a comment on every setting.",
    ]

    /// KEYS, ENVIRONMENT and FILES sections in mdoc.
    static func manualSections(keys: KeyTable) -> [String] {
        var out = [".Sh KEYS", "A number first repeats the key (5j). Every key can be rebound in config.toml.", ".Bl -tag -width Ds"]
        for b in keys.bindings {
            out += [".It " + (b.keys.isEmpty ? "(unbound)" : b.keys.map { "Sy " + argument($0.name) }.joined(separator: " , ")), escaped(b.helpText)]
        }
        out += [".El", ".Sh FILTERS"] + filters
        out += [".Sh ENVIRONMENT", ".Bl -tag -width Ds"]
        for e in environment { out += [".It Ev \(e.name)", escaped(e.meaning)] }
        out += [".El", ".Sh FILES", ".Bl -tag -width Ds"]
        for f in files { out += [".It Pa " + argument(f.name), escaped(f.meaning)] }
        out += [".El"]
        return out
    }

    /// The filter language of query channels and ignore rules (the README's "Query channels and ignore rules").
    private static let filters = [
        "A query channel",
        ".Pq Ql feedtui add 'query:Unread news:unread and tag = \\(dqnews\\(dq'",
        "shows the posts of every channel that match its filter; config.toml's",
        ".Ic ignore",
        "list of filters hides the posts any of them matches from every list, count and search, and the statistics say",
        "how many were ignored. A filter compares fields with values, joined by",
        ".Ic and , or , not",
        "and parentheses (not binds tightest, then and):",
        ".Bl -tag -width Ds",
        ".It Ic channel , tag , author",
        "a string in double quotes: = equal, ~ contains (ASCII letters in either case); != and !~ are their negations.",
        ".It Ic text",
        "~ or !~ a word: the post's text, link preview and links, as / searches them.",
        ".It Ic views",
        "= != < > <= >= a number.",
        ".It Ic date",
        "the same operators and a day in your zone, 2026-11-01.",
        ".It Ic age",
        "the same operators and a duration: 30m, 12h, 2d, 1w.",
        ".It Ic unread , bookmarked",
        "alone, or = or != true or false.",
        ".El",
        "A post whose value is unknown matches no comparison and every negated one. A filter that cannot be read is",
        "refused with the column of its fault:",
        ".Ql filter: expected a value at column 14 .",
    ]

    /// Text safe on a text line of mdoc: backslashes written as \e, no leading dot or quote.
    private static func escaped(_ s: String) -> String {
        let t = s.replacingOccurrences(of: "\\", with: "\\e")
        return t.hasPrefix(".") || t.hasPrefix("'") ? "\\&" + t : t
    }

    /// A macro argument taken literally (`[`, `]` or `|` would otherwise be read as delimiters).
    private static func argument(_ s: String) -> String {
        "\\&" + s.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "\"", with: "\\(dq")
    }
}
