import Foundation

/// What `--help` and the man page say beyond the options: the keys in force, the files feedtui reads and writes,
/// and the environment variables it honours. One table each, so the two cannot differ.
enum HelpText {
    static let files: [(name: String, meaning: String)] = [
        ("$XDG_CONFIG_HOME/feedtui/config.toml", "settings, keys and colours (feedtui config --default prints one)"),
        ("$XDG_CONFIG_HOME/feedtui/channels", "the channels you follow, one a line (feedtui add, remove)"),
        ("$XDG_STATE_HOME/feedtui/state.sqlite", "your votes, opened posts, bookmarks, positions (or --state)"),
        ("PREFIX/share/feedtui/Samples", "the bundled sample channels; one opens when no SOURCE is given"),
    ]

    static let environment: [(name: String, meaning: String)] = [
        ("NO_COLOR", "set and not empty: no colours, as --no-color"),
        ("BROWSER", "opens links, unless config.toml sets browser; else xdg-open"),
        ("TZ", "the local time zone"),
        ("XDG_CONFIG_HOME", "where feedtui/config.toml is (default ~/.config)"),
        ("XDG_STATE_HOME", "where feedtui/state.sqlite is (default ~/.local/state)"),
        ("FEEDTUI_SAMPLES", "the folder of the bundled samples"),
        ("FEEDTUI_TME_URL", "replaces https://t.me for Telegram channels (tests, mirrors)"),
    ]

    /// The root command's discussion in `--help`: the keys in force, then files and environment.
    static func discussion(keys: KeyTable) -> String {
        (Array(HelpOverlay.lines(keys).dropLast(2)) + ["", "Files:"] + table(files) + ["", "Environment:"] + table(environment))
            .joined(separator: "\n")
    }

    /// Name and meaning on one line when it fits in 80 columns, else the meaning indented below.
    private static func table(_ rows: [(name: String, meaning: String)]) -> [String] {
        let width = rows.map(\.name.count).max() ?? 0
        return rows.map { row in
            let line = "  " + row.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row.meaning
            return line.count <= 80 ? line : "  \(row.name)\n      \(row.meaning)"
        }
    }

    /// KEYS, FILES and ENVIRONMENT sections in mdoc, for the man page the argument parser generates.
    static func manualSections(keys: KeyTable) -> String {
        var out = [".Sh KEYS", "A number first repeats the key (5j); every key can be rebound in config.toml.", ".Bl -tag -width Ds"]
        for b in keys.bindings {
            out += [".It " + (b.keys.isEmpty ? "(unbound)" : b.keys.map { escaped($0.name) }.joined(separator: " , ")), escaped(b.help)]
        }
        out += [".El", ".Sh ENVIRONMENT", ".Bl -tag -width Ds"]
        for e in environment { out += [".It Ev \(e.name)", escaped(e.meaning)] }
        out += [".El", ".Sh FILES", ".Bl -tag -width Ds"]
        for f in files { out += [".It Pa \(escaped(f.name))", escaped(f.meaning)] }
        out += [".El"]
        return out.joined(separator: "\n") + "\n"
    }

    /// Text safe on an mdoc line: no leading dot or quote, backslashes doubled, macro names as words quoted.
    private static func escaped(_ s: String) -> String {
        var t = s.replacingOccurrences(of: "\\", with: "\\e")
        if t.hasPrefix(".") || t.hasPrefix("'") { t = "\\&" + t }
        return t.split(separator: " ", omittingEmptySubsequences: false).map { word in
            // A word such as "Ev" or "It" would be read as a macro on a macro line; "\&" keeps it a word.
            word.count == 2 && word.first?.isUppercase == true && word.last?.isLowercase == true ? "\\&" + String(word) : String(word)
        }.joined(separator: " ")
    }
}
