import FeedModel
import Foundation
import XCTest

@testable import FeedTUI

/// Parses a configuration text as the file `config.toml`; a problem is returned as its one line.
private func parse(_ text: String) -> Result<Config, ConfigError> {
    Result { () throws(ConfigError) in try Config.parse(text, file: "config.toml") }
}

private func problem(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
    switch parse(text) {
    case .success: XCTFail("accepted:\n\(text)", file: file, line: line); return nil
    case .failure(let e): return e.description
    }
}

final class ConfigTests: XCTestCase {
    func testTheDefaultFileReadsBackAsTheDefaults() throws {
        let text = Config.defaultFile
        XCTAssertEqual(try parse(text).get(), Config())
        // A comment on every setting: every line that sets something has one, or the comment line above it.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() where line.contains(" = ") && !line.hasPrefix("#") {
            XCTAssertTrue(line.contains("  # ") || (i > 0 && lines[i - 1].hasPrefix("#")), "no comment: \(line)")
        }
        for b in KeyTable.standard.bindings { XCTAssertTrue(text.contains("\n\(b.action.configName) = ["), "\(b.action)") }
        for (name, _) in Theme.shipped {
            XCTAssertTrue(text.contains("[colors.\(name)]"))
            XCTAssertEqual(try parse(text.replacingOccurrences(of: "theme = \"default\"", with: "theme = \"\(name)\"")).get().theme, Theme.shipped.first { $0.name == name }?.theme)
        }
        for element in ThemeElement.allCases { XCTAssertTrue(text.contains("\n\(element.configName) = "), element.rawValue) }
    }

    func testAMissingFileMeansTheDefaults() throws {
        XCTAssertEqual(try Config.load(path: "/nonexistent/feedtui/config.toml"), Config())
        XCTAssertEqual(Config.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]), "/x/feedtui/config.toml")
        XCTAssertEqual(Config.defaultPath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"]), "/h/.config/feedtui/config.toml")
    }

    func testSettingsAreRead() throws {
        let c = try parse(
            """
            theme = "light"
            browser = "firefox --new-tab %s"
            sort = "most-viewed"
            post-width = 100
            date-format = "%Y-%m-%d %H:%M"
            dates = "post"
            refresh-at-start = false

            [keys]
            move-down = ["e", "Down"]
            move-up = "y"
            help = []

            [colors.light]
            title = { fg = 196, bg = "default", underline = true }
            link = "magenta"
            """
        ).get()
        XCTAssertEqual(c.themeName, "light")
        XCTAssertEqual(c.browser, "firefox --new-tab %s")
        XCTAssertEqual(c.sort, .mostViewed)
        XCTAssertFalse(c.refreshAtStart)
        XCTAssertEqual(c.postWidth, 100)
        XCTAssertEqual(c.dateFormat, try DatePattern("%Y-%m-%d %H:%M"))
        XCTAssertEqual(c.dates, .post)
        XCTAssertEqual(c.keys.keys(for: .moveDown), [.char("e"), .down])
        XCTAssertEqual(c.keys.keys(for: .moveUp), [.char("y")])
        XCTAssertEqual(c.keys.keys(for: .help), [])
        XCTAssertNil(c.keys.action(for: .char("j")), "j is no longer bound")
        XCTAssertNil(c.keys.action(for: .char("?")), "help is unbound")
        XCTAssertEqual(c.theme.title, Style(foreground: 196, underline: true))
        XCTAssertEqual(c.theme.link, Style(foreground: 5))
        XCTAssertEqual(c.theme.date, Theme.light.date, "elements not set keep the theme's style")
        // A theme of one's own starts from default.
        // Swapping two keys is no conflict: each is bound once in the result.
        let swapped = try parse("[keys]\nmove-down = [\"k\"]\nmove-up = [\"j\"]\n").get()
        XCTAssertEqual(swapped.keys.action(for: .char("k")), .moveDown)
        XCTAssertEqual(swapped.keys.action(for: .char("j")), .moveUp)
        let mine = try parse("theme = \"mine\"\n[colors.mine]\nborder = 240\n").get()
        XCTAssertEqual(mine.theme.border, Style(foreground: 240))
        XCTAssertEqual(mine.theme.title, Theme.standard.title)
        XCTAssertNil(try parse("browser = \"\"").get().browser, "empty leaves it to $BROWSER")
    }

    func testEveryProblemIsOneLineWithFileLineAndSetting() {
        let cases: [(text: String, line: String)] = [
            ("theme = \"light\"\n\n[keys]\nmove-down = [\"n\"]\n",
             "config.toml:4: keys.move-down: \"n\" is also bound to search-next (unbind it there: search-next = [])"),
            ("[keys]\nmove-down = \"e\"\nmove-up = [\"e\"]\n",
             "config.toml:3: keys.move-up: \"e\" is also bound to move-down (unbind it there: move-down = [])"),
            ("theme = \"ligth\"\n",
             "config.toml:1: theme: unknown theme \"ligth\" (default, light, high-contrast, or a [colors.NAME] table)"),
            ("# mine\ncolour = 1\n", "config.toml:2: colour: unknown setting (feedtui config --default lists them all)"),
            ("[keys]\nopen = [\n  \"Enter\",\n  \"Foo\",\n]\n",
             "config.toml:2: keys.open: unknown key \"Foo\" (a character, C-x, Enter, Esc, Tab, Space, PgDn, Up…)"),
            ("[keys]\nfly = [\"f\"]\n", "config.toml:2: keys.fly: unknown action (feedtui config --default lists them all)"),
            ("[keys]\nhelp = [\"5\"]\n", "config.toml:2: keys.help: \"5\" cannot be bound: digits are counts (5j)"),
            ("[keys]\nhelp = [\"C-i\"]\n", "config.toml:2: keys.help: \"C-i\" reaches feedtui as Tab: bind Tab"),
            ("[keys]\nhelp = [\"C-N\"]\n", "config.toml:2: keys.help: \"C-N\" is not a control key: C-a to C-z"),
            ("[keys]\nhelp = 3\n", "config.toml:2: keys.help: expected a key name or a list of them, found an integer"),
            ("[colors.light]\n\ntitle = { fg = \"purple\", bold = true }\n",
             "config.toml:3: colors.light.title.fg: unknown colour \"purple\" (default, a name such as red or bright-blue, or 0–255)"),
            ("[colors.light]\ntitle = { fg = 300 }\n", "config.toml:2: colors.light.title.fg: colour 300 is not in 0–255"),
            ("[colors.light]\ntitel = \"red\"\n",
             "config.toml:2: colors.light.titel: unknown element (text, border, focused-border, title, date, muted, unread, service, link, star, warning, match, selection)"),
            ("[colors.light]\ntitle = { blink = true }\n",
             "config.toml:2: colors.light.title.blink: unknown style attribute (fg, bg, bold, dim, underline, reverse)"),
            ("sort = \"newest\"\nrefresh-at-start = \"yes\"\n", "config.toml:2: refresh-at-start: expected true or false, found a string"),
            ("sort = \"random\"\n", "config.toml:1: sort: unknown order \"random\" (newest, oldest, most-viewed)"),
            ("post-width = 5\n", "config.toml:1: post-width: expected a number of columns from 20 to 1000, found 5"),
            ("post-width = \"wide\"\n", "config.toml:1: post-width: expected a number of columns from 20 to 1000, found a string"),
            ("browser = 1\n", "config.toml:1: browser: expected a string, found an integer"),
            ("dates = \"utc\"\n", "config.toml:1: dates: unknown rule \"utc\" (local, post)"),
            ("date-format = \"%Y %q\"\n", "config.toml:1: date-format: unknown %q (%A %B %H %I %M %S %Y %a %b %d %e %m %p %y, %-d for no padding, %% for %)"),
            ("keys = 1\n", "config.toml:1: keys: expected a table, found an integer"),
            ("refresh-interval = -1\n", "config.toml:1: refresh-interval: expected minutes from 0 (never) to 10080, found -1"),
            ("notify = 1\n", "config.toml:1: notify: expected a string, found an integer"),
        ]
        for c in cases { XCTAssertEqual(problem(c.text), c.line) }
        // TOML syntax errors come with TOMLKit's line.
        XCTAssertEqual(problem("sort = \"newest\"\nx = = 1\n")?.hasPrefix("config.toml:2: "), true)
        // …as one plain sentence.
        XCTAssertEqual(problem("theme = \"light\"\nsort = newest # mine\n"), "config.toml:2: not valid TOML: text needs quotes (sort = \"newest\")")
        XCTAssertEqual(problem("sort = \"newest\"\nx = = 1\n"),
                       "config.toml:2: not valid TOML: a value is \"quoted text\", a number, true or false, [a list] or { a table }")
        XCTAssertEqual(problem("post-width = 80\nbrowser = \"firefox\n"),
                       "config.toml:2: not valid TOML: a string is not closed on its line (its closing quote is missing)")
        XCTAssertEqual(problem("[keys\nhelp = []\n"), "config.toml:1: not valid TOML in a table header: expected ']', saw the end of the line")
        XCTAssertEqual(problem("sort = \"newest\"\nsort = \"oldest\"\n"),
                       "config.toml:2: not valid TOML in a key-value pair: cannot redefine existing string 'sort'")
        // Several problems: the first by line.
        XCTAssertEqual(problem("zeta = 1\n[keys]\nfly = \"f\"\n")?.hasPrefix("config.toml:1: zeta:"), true)
    }

    func testAFileThatIsNotUTF8IsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("feedtui-config-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.toml")
        try Data([0x74, 0x68, 0x65, 0x6D, 0x65, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22]).write(to: file)
        XCTAssertThrowsError(try Config.load(path: file.path)) { XCTAssertEqual("\($0)", "\(file.path): is not UTF-8 text") }
        try Data("theme = \"light\"\n".utf8).write(to: file)
        XCTAssertEqual(try Config.load(path: file.path).themeName, "light")
    }

    /// A table header whose name does not start at once, an array closed by a brace, or a date whose T has no time
    /// after it made toml++ assert and the program abort (found by the config fuzz target): refused by its line. A
    /// `[` inside a value is not a header.
    func testWhatTOMLWouldAbortOnIsRefusedByItsLine() throws {
        for (text, line) in [("quit = []\n[\nlcoors.mine]\n", 2), ("[ .a]\n", 1), ("[[\nx]]\n", 1), ("[#x]\n", 1), ("theme = \"a\"\n  [=x]\n", 2)] {
            XCTAssertThrowsError(try Config.parse(text, file: "c.toml"), text) {
                XCTAssertEqual("\($0)", "c.toml:\(line): a table header without a name: write [keys] or [colors.NAME]")
            }
        }
        for (text, line) in [("a = [}\n", 1), ("theme = \"x\"\nmatch = { fg = \"red\", reverse = [[[[ }\n", 2), ("a = [1,\n  }\n", 2)] {
            XCTAssertThrowsError(try Config.parse(text, file: "c.toml"), text) {
                XCTAssertEqual("\($0)", "c.toml:\(line): an array closed by } (it ends with ])")
            }
        }
        for (text, line) in [("text = 1979-05-27Tp7:32:00Z\n", 1), ("theme = \"x\"\nwhen = [1979-05-27t\n]\n", 2)] {
            XCTAssertThrowsError(try Config.parse(text, file: "c.toml"), text) {
                XCTAssertEqual("\($0)", "c.toml:\(line): a date whose T is not followed by a time (HH:MM:SS)")
            }
        }
        // A whole date and time is TOML; no setting takes one, which is said of its setting.
        XCTAssertThrowsError(try Config.parse("theme = 1979-05-27T07:32:00Z\n", file: "c.toml")) {
            XCTAssertFalse("\($0)".contains("T is not followed"), "\($0)")
        }
        let fine = "ignore = [\n  \"text ~ \\\"[\\\"\",\n]\nbrowser = \"\"\"\n[\n\"\"\"\n[keys]\nquit = [\"C-x\"]\n"
        XCTAssertEqual(try Config.parse(fine, file: "c.toml").keys.action(for: Key(name: "C-x")!), .quit)
    }

    func testSettingLinesFollowTablesInlineTablesAndMultiLineValues() {
        let lines = SettingLines(
            """
            # comment = 1
            theme = "x" # trailing = 2
            note = \"\"\"
            fake = 3
            \"\"\"
            [keys]
            open = [
              "a = b",
            ]
            "quoted key" = 1
            [ colors . light ]
            title = { fg = 1,
              bold = true }
            a.b = 2
            """)
        XCTAssertEqual(lines["theme"], 2)
        XCTAssertNil(lines["comment"])
        XCTAssertNil(lines["fake"])
        XCTAssertNil(lines["trailing"])
        XCTAssertEqual(lines["keys"], 6)
        XCTAssertEqual(lines["keys.open"], 7)
        XCTAssertEqual(lines["keys.quoted key"], 10)
        XCTAssertEqual(lines["colors.light"], 11)
        XCTAssertEqual(lines["colors.light.title"], 12)
        XCTAssertEqual(lines["colors.light.title.fg"], 12)
        XCTAssertEqual(lines["colors.light.title.bold"], 13)
        XCTAssertEqual(lines["colors.light.a.b"], 14)
    }

    func testUserKeysDriveTheReducerHelpAndHints() throws {
        let config = try parse("[keys]\nmove-down = [\"e\"]\nmove-up = [\"y\"]\nhelp = [\"H\"]\n").get()
        var s = Fixture.state(try Fixture.seed(), 120, 40, config: config)
        Fixture.send(&s, .key(.char("e")))
        Fixture.send(&s, .key(.char("e")))
        XCTAssertEqual(s.channel.selected, 2)
        Fixture.send(&s, .key(.char("j")))
        XCTAssertEqual(s.channel.selected, 2, "j is no longer bound")
        Fixture.send(&s, .key(.char("y")))
        XCTAssertEqual(s.channel.selected, 1)
        XCTAssertEqual(s.config.keys.hintLine(), "e/y move  Enter open  Tab pane  s stats  / search  r rate  H help  q quit")
        XCTAssertTrue(Screen.render(s).lines.last?.contains("e/y move") == true)
        Fixture.send(&s, .key(.char("?")))
        XCTAssertEqual(s.mode, .browse, "? is no longer help")
        Fixture.send(&s, .key(.char("H")))
        let help = Screen.render(s).lines.joined(separator: "\n")
        XCTAssertNotNil(help.range(of: "│ e +next post \\(or scroll down\\)", options: .regularExpression), help)
        XCTAssertNotNil(help.range(of: "│ y +previous post \\(or scroll up\\)", options: .regularExpression), help)
        XCTAssertTrue(help.contains("e/y scroll · any other key closes this help"), help)
        XCTAssertNotNil(HelpText.discussion(keys: config.keys).range(of: "\nH +this help", options: .regularExpression))
        // The count hint and the help's key examples name the keys in force.
        XCTAssertTrue(help.contains("Keys (a number first repeats: 5e)"), help)
        let rebound = try parse("[keys]\nbottom = [\"z\"]\nopen-link = [\"x\"]\npick-tag = [\"Y\"]\n").get()
        let lines = HelpOverlay.lines(rebound.keys).joined(separator: "\n")
        XCTAssertTrue(lines.contains("last post / bottom (5z: the 5th post)"), lines)
        XCTAssertTrue(lines.contains("open the first http(s) link; 3x opens link 3"), lines)
        XCTAssertTrue(HelpOverlay.lines(KeyTable.standard).contains { $0.hasSuffix("last post / bottom (5G: the 5th post)") })
        // The home screen's hint names the tag key in force.
        var home = AppState(channels: [], size: Size(width: 100, height: 10), useColor: false, config: rebound)
        home.mode = .home
        reduce(&home, .homeLoaded([HomeRow(source: "@a", title: "A", tags: ["news"])], now: Date()))
        XCTAssertTrue(Screen.render(home).lines.last?.contains("Y tags") == true)
        // The header's invitation to rate and the refresh hints name the keys in force.
        let mine = try parse("[keys]\nrate = [\"V\"]\nrefresh-all = [\"C-a\"]\nrefresh-current = []\n").get()
        var rated = Fixture.state(try Fixture.seed(), 120, 40, config: mine)
        XCTAssertTrue(Screen.render(rated).lines[0].contains("★ no rating yet — V to rate"), Screen.render(rated).lines[0])
        rated.home = Home()
        reduce(&rated, .notInLibrary("@x"))
        XCTAssertEqual(rated.status, "@x is not in the library yet — C-a refreshes every channel")
    }

    func testPostWidthComesFromTheConfig() throws {
        let config = try parse("post-width = 60\n").get()
        let grid = Screen.render(Fixture.state(try Fixture.seed(), 160, 40, keys: "Enter", config: config))
        // The first post's text, wrapped at 60 columns and centred.
        let body = grid.lines.dropFirst(3).dropLast().map { $0.dropFirst().dropLast().trimmingCharacters(in: .whitespaces) }
        let widths = body.filter { !$0.isEmpty && !$0.contains("│") && !$0.contains("─") }.map(\.displayWidth)
        XCTAssertLessThanOrEqual(widths.max() ?? 0, 60)
        XCTAssertGreaterThan(widths.max() ?? 0, 50, "wrapped at 60, not narrower")
        let standard = Screen.render(Fixture.state(try Fixture.seed(), 160, 40, keys: "Enter"))
        XCTAssertNotEqual(standard.lines, grid.lines, "80 columns by default")
    }

    func testThePostHeaderUsesTheDateFormat() throws {
        let config = try parse("date-format = \"%a %Y-%m-%d %H:%M\"\n").get()
        let screen = Screen.render(Fixture.state(try Fixture.seed(), 120, 40, keys: "Enter", config: config)).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("Sun 2017-07-30 12:25 · views —"), screen)
        let standard = Screen.render(Fixture.state(try Fixture.seed(), 120, 40, keys: "Enter")).lines.joined(separator: "\n")
        XCTAssertTrue(standard.contains("July 30, 2017 12:25 · views —"), standard)
    }

    func testTheDatesRuleComesFromTheConfigUnlessTheOptionSays() throws {
        var config = Config()
        config.dates = .post
        XCTAssertEqual(try ClockOption.parse([]).clock(config).rule, .post)
        XCTAssertEqual(try ClockOption.parse(["--dates", "local"]).clock(config).rule, .local)
        XCTAssertEqual(try ClockOption.parse([]).clock(Config()).rule, .local)
    }

    func testDefaultSortComesFromTheConfig() throws {
        var config = Config()
        config.sort = .oldest
        let s = Fixture.state(try Fixture.seed(), 120, 40, config: config)
        XCTAssertEqual(s.channel.sort, .oldest)
        XCTAssertTrue(Screen.render(s).lines[1].contains("Oct  9 2016"), Screen.render(s).lines[1])
    }

    func testThemesColourTheScreenAndNoColourKeepsOnlyAttributes() throws {
        let light = try parse("theme = \"light\"\n").get()
        let grid = Screen.render(Fixture.state(try Fixture.seed(), 120, 40, useColor: true, config: light))
        let titleCell = (0..<grid.width).map { grid[$0, 0] }.first { $0.text == "D" }
        XCTAssertEqual(titleCell?.style, Theme.light.title)
        XCTAssertTrue(grid.cells.contains { $0.text == "T" && $0.style.foreground == nil }, "the terminal's own colour for text")
        XCTAssertFalse(grid.cells.contains { $0.style.background != nil }, "the terminal's background everywhere")
        let mono = Screen.render(Fixture.state(try Fixture.seed(), 120, 40, useColor: false, config: light))
        XCTAssertFalse(mono.cells.contains { $0.style.foreground != nil || $0.style.background != nil })
    }

    func testColoursAreFittedToTheTerminal() {
        XCTAssertEqual(Palette.fit(25, colors: 256), 25)
        XCTAssertEqual(Palette.fit(9, colors: 16), 9)
        XCTAssertEqual(Palette.fit(9, colors: 8), 1, "bright red is red on 8 colours")
        XCTAssertEqual(Palette.fit(196, colors: 8), 1, "pure red")
        XCTAssertEqual(Palette.fit(28, colors: 8), 2, "dark green")
        XCTAssertEqual(Palette.fit(247, colors: 8), 7, "light grey is white")
        XCTAssertEqual(Palette.fit(236, colors: 8), 0, "dark grey is black")
        XCTAssertEqual(Palette.rgb(16), [0, 0, 0])
        XCTAssertEqual(Palette.rgb(231), [255, 255, 255])
        XCTAssertEqual(Palette.rgb(232), [8, 8, 8])
    }

    func testActionNamesAreKebabCase() {
        XCTAssertEqual(Action.moveDown.configName, "move-down")
        XCTAssertEqual(Action.searchPrevious.configName, "search-previous")
        XCTAssertEqual(Action.help.configName, "help")
        XCTAssertEqual(Set(KeyTable.standard.bindings.map(\.action.configName)).count, KeyTable.standard.bindings.count)
        for b in KeyTable.standard.bindings { for k in b.keys { XCTAssertEqual(Key(name: k.name), k) } }
    }
}

final class CommandHelpTests: XCTestCase {
    /// Every FEEDTUI_ variable the code reads is in `--help` (and so in the man page).
    func testHelpListsFilesAndEveryEnvironmentVariable() throws {
        let help = FeedTUI.helpMessage()
        for name in ["NO_COLOR", "BROWSER", "TZ", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "config.toml", "library.sqlite", "state.sqlite"] {
            XCTAssertTrue(help.contains(name), name)
        }
        let sources = Fixture.root.appendingPathComponent("Sources")
        var variables: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let regex = try NSRegularExpression(pattern: "FEEDTUI_[A-Z_]+")
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let r = Range(m.range, in: text) { variables.insert(String(text[r])) }
            }
        }
        XCTAssertFalse(variables.isEmpty, "the sources read FEEDTUI_SAMPLES at least")
        for v in variables { XCTAssertTrue(help.contains(v), "--help does not list \(v)") }
        // Every line fits 80 columns before the argument parser sees it, so it never re-wraps one unindented.
        for line in HelpText.discussion(keys: .standard).split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 80, String(line)) }
    }

    func testTheManualGetsADescriptionAndKeysEnvironmentFilesSections() {
        let generated = """
            .Dt FEEDTUI 1
            .Sh DESCRIPTION
            Keys (a number first repeats: 5j)
            'j  next post
            .Bl -tag -width 6n
            .It Fl -version
            Show the version.
            .El
            .Sh "EXIT STATUS"
            .Ex -std

            """
        let man = HelpText.manual(from: generated, keys: .standard)
        XCTAssertFalse(man.contains("'j  next post"), "the --help discussion is replaced")
        XCTAssertTrue(man.contains(".Sh DESCRIPTION\n.Nm\nshows public channels"), man)
        XCTAssertTrue(man.contains(".It Fl -version\nShow the version."), "the generated options stay")
        let keys = man.range(of: ".Sh KEYS")?.lowerBound
        let exit = man.range(of: ".Sh \"EXIT STATUS\"")?.lowerBound
        XCTAssertNotNil(keys)
        XCTAssertLessThan(keys ?? man.endIndex, exit ?? man.startIndex, "KEYS comes before EXIT STATUS")
        XCTAssertTrue(man.contains("\n.It Sy \\&j , Sy \\&Down\nnext post (or scroll down)\n"), man)
        XCTAssertTrue(man.contains("\n.It Sy \\&[\nprevious channel\n"), man)
        XCTAssertTrue(man.contains("\n.Sh ENVIRONMENT\n"))
        for v in HelpText.environment { XCTAssertTrue(man.contains("\n.It Ev \(v.name)\n"), v.name) }
        XCTAssertTrue(man.contains("\n.Sh FILES\n.Bl -tag -width Ds\n.It Pa \\&$XDG_CONFIG_HOME/feedtui/config.toml\n"), man)
        XCTAssertTrue(man.hasSuffix(".Ex -std\n"))
        // User keys, for a page made from a configuration.
        var rebound = KeyTable.standard.rebinding([.help: []])
        rebound = rebound.rebinding([.moveDown: [.char("e")]])
        let mine = HelpText.manual(from: generated, keys: rebound)
        XCTAssertTrue(mine.contains("\n.It (unbound)\nthis help\n"))
        XCTAssertTrue(mine.contains("\n.It Sy \\&e\nnext post"))
    }
}

final class DatePatternTests: XCTestCase {
    func testFormatsEveryDirective() throws {
        let t = try XCTUnwrap(CivilTime(year: 2017, month: 7, day: 3, hour: 0, minute: 5, second: 9))
        XCTAssertEqual(DatePattern.standard.format(t), "July 3, 2017 00:05")
        XCTAssertEqual(try DatePattern("%Y-%m-%d %H:%M:%S").format(t), "2017-07-03 00:05:09")
        XCTAssertEqual(try DatePattern("%a %A %b %B %e|%-d|%-m|%y").format(t), "Mon Monday Jul July  3|3|7|17")
        XCTAssertEqual(try DatePattern("%I:%M %p, %-I %p").format(t), "12:05 AM, 12 AM")
        let afternoon = try XCTUnwrap(CivilTime(year: 2024, month: 12, day: 29, hour: 15, minute: 0))
        XCTAssertEqual(try DatePattern("%I %p %A 100%%").format(afternoon), "03 PM Sunday 100%")
    }

    func testUnknownDirectivesAreProblems() {
        XCTAssertThrowsError(try DatePattern("%Q")) { XCTAssertTrue(($0 as? DatePattern.Problem)?.message.hasPrefix("unknown %Q (") == true) }
        XCTAssertThrowsError(try DatePattern("%H:%")) { XCTAssertEqual(($0 as? DatePattern.Problem)?.message, "a lone % at the end (%% writes %)") }
    }
}

final class ReadmeConfigTests: XCTestCase {
    /// Every configuration snippet of the README loads: the ```toml blocks whole, and each inline `setting = value`
    /// (a key action's under [keys]), so that a newcomer copying one is not refused.
    func testEverySnippetOfTheReadmeLoads() throws {
        let readme = try String(contentsOf: Fixture.root.appendingPathComponent("README.md"), encoding: .utf8)
        var snippets: [String] = []
        var block: String?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if block == nil, line == "```toml" {
                block = ""
            } else if let b = block, line == "```" {
                snippets.append(b)
                block = nil
            } else if block != nil {
                block! += line + "\n"
            }
        }
        XCTAssertGreaterThan(snippets.count, 0, "the README has a toml block")
        let actions = Set(KeyTable.standard.bindings.map(\.action.configName))
        let inline = try NSRegularExpression(pattern: "`([a-z-]+) = ([^`]+)`")
        for m in inline.matches(in: readme, range: NSRange(readme.startIndex..., in: readme)) {
            guard let whole = Range(m.range(at: 0), in: readme), let name = Range(m.range(at: 1), in: readme) else { continue }
            let text = String(readme[whole].dropFirst().dropLast()) + "\n"
            snippets.append(actions.contains(String(readme[name])) ? "[keys]\n" + text : text)
        }
        XCTAssertGreaterThan(snippets.count, 2, "inline snippets found")
        for s in snippets {
            XCTAssertNoThrow(try Config.parse(s, file: "README.md"), s)
        }
    }
}
