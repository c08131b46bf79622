import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Opens links in the user's browser: http and https only, never through a shell. `$BROWSER` follows its
/// convention: a colon-separated list of commands tried in turn, each with `%s` standing for the URL wherever it
/// is (`--url=%s`; without one the URL is appended), `%%` for a percent sign, and quoted arguments. Without
/// `$BROWSER`, `xdg-open`.
enum LinkOpener {
    /// Commands that take over the terminal: they run in the foreground with curses suspended. Any other
    /// browser is graphical and runs beside feedtui without blocking it.
    static let terminalBrowsers: Set<String> = ["w3m", "lynx", "elinks", "links", "links2", "browsh", "carbonyl", "www-browser"]

    static func isAllowed(_ url: String) -> Bool {
        guard let u = URL(string: url), let scheme = u.scheme?.lowercased(), u.host?.isEmpty == false else { return false }
        return scheme == "http" || scheme == "https"
    }

    /// The argvs to try in turn for `url`, from the value of `$BROWSER` (nil or empty: `xdg-open`).
    static func commands(for url: String, browser: String?) -> [[String]] {
        let entries = split(browser ?? "", separator: ":").map(words).filter { !$0.isEmpty }
        guard !entries.isEmpty else { return [["xdg-open", url]] }
        return entries.map { entry in
            var placed = false
            let argv = entry.map { word -> String in
                var out = ""
                var rest = Substring(word)
                while let i = rest.firstIndex(of: "%") {
                    out += rest[..<i]
                    let next = rest.index(after: i)
                    if next < rest.endIndex, rest[next] == "s" {
                        out += url
                        placed = true
                        rest = rest[rest.index(after: next)...]
                    } else if next < rest.endIndex, rest[next] == "%" {
                        out += "%"
                        rest = rest[rest.index(after: next)...]
                    } else {
                        out += "%"
                        rest = rest[next...]
                    }
                }
                return out + rest
            }
            return placed ? argv : argv + [url]
        }
    }

    /// Splits on `separator` outside quotes (the quotes stay for `words`).
    static func split(_ text: String, separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                escaped = false
            } else if c == "\\" && quote != "'" {
                escaped = true
            } else if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == separator {
                parts.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        parts.append(current)
        return parts
    }

    /// Words as a shell would split them, without running one: spaces separate, quotes group, `\` escapes.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" && quote != "'" {
                escaped = true
                inWord = true
            } else if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    static func isTerminal(_ argv: [String]) -> Bool {
        argv.first.map { terminalBrowsers.contains(URL(fileURLWithPath: $0).lastPathComponent) } ?? false
    }

    /// Opens `url` with the first command that runs; returns the status line. `configured` is config.toml's
    /// browser, which comes before `$BROWSER`; a failure names the setting that chose the browser. A terminal
    /// browser runs inside `handOver` (which suspends curses around it) and is waited for; a graphical one is not.
    static func open(
        _ url: String, configured: String? = nil, environment: [String: String], handOver: (() -> String) -> String
    ) -> String {
        guard isAllowed(url) else { return "not opened: only http and https links open" }
        var problems: [String] = []
        for argv in commands(for: url, browser: configured ?? environment["BROWSER"]) {
            guard let executable = resolve(argv[0], path: environment["PATH"] ?? "/usr/bin:/bin") else {
                problems.append("\(argv[0]) not found")
                continue
            }
            if isTerminal(argv) {
                return handOver {
                    switch runInForeground(executable, argv, environment: environment) {
                    case .failure(let e): "cannot run \(argv[0]): \(e.message)"
                    case .success(0): "opened \(url)"
                    case .success(let status): "\(argv[0]) exited with status \(status)"
                    }
                }
            }
            switch spawnBeside(executable, argv, environment: environment) {
            case .success: return "opened \(url) in \(argv[0])"
            case .failure(let e): problems.append("cannot run \(argv[0]): \(e.message)")
            }
        }
        let fix = configured == nil ? "set BROWSER" : "check browser in config.toml"
        return "cannot open links: " + problems.joined(separator: "; ") + " (\(fix))"
    }

    /// A command name looked up in PATH, as a shell would, but without one.
    static func resolve(_ name: String, path: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct SpawnError: Error {
        var message: String
    }

    /// Runs a terminal browser in its own process group, made the terminal's foreground group so that it reads
    /// the keyboard (and Ctrl-C reaches it, not feedtui); feedtui takes the terminal back when it exits.
    static func runInForeground(_ executable: String, _ argv: [String], environment: [String: String]) -> Result<Int32, SpawnError> {
        let tty = Glibc.open("/dev/tty", O_RDWR | O_CLOEXEC)
        defer { if tty >= 0 { close(tty) } }
        // Handing the terminal over and back from the background would stop feedtui with SIGTTOU.
        let previousTTOU = signal(SIGTTOU, SIG_IGN)
        defer { signal(SIGTTOU, previousTTOU) }
        let pid: pid_t
        switch spawn(executable, argv, environment: environment, detached: false, stdinFromTTY: isatty(STDIN_FILENO) == 0) {
        case .failure(let e): return .failure(e)
        case .success(let p): pid = p
        }
        if tty >= 0 { tcsetpgrp(tty, pid) }
        // Had it read the terminal before it was given it, it was stopped; it may go on now.
        kill(-pid, SIGCONT)
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WUNTRACED)
            if rc == -1 && errno == EINTR { continue }
            if rc == -1 { break }
            // Stopped (Ctrl-Z, or a read before the hand-over): feedtui does no job control, so it goes on.
            if status & 0xff == 0x7f {
                if tty >= 0 { tcsetpgrp(tty, pid) }
                kill(-pid, SIGCONT)
                continue
            }
            break
        }
        if tty >= 0 { tcsetpgrp(tty, getpgrp()) }
        let exited = status & 0x7f == 0
        return .success(exited ? (status >> 8) & 0xff : 128 + status & 0x7f)
    }

    /// Starts a graphical browser with no terminal (standard input and output on /dev/null), and does not wait for it (a thread
    /// collects its exit status).
    static func spawnBeside(_ executable: String, _ argv: [String], environment: [String: String]) -> Result<Void, SpawnError> {
        switch spawn(executable, argv, environment: environment, detached: true, stdinFromTTY: false) {
        case .failure(let e): return .failure(e)
        case .success(let pid):
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            }
            return .success(())
        }
    }

    private static func spawn(
        _ executable: String, _ argv: [String], environment: [String: String], detached: Bool, stdinFromTTY: Bool
    ) -> Result<pid_t, SpawnError> {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // feedtui's own signal handling stops at exec: the browser starts with the default dispositions.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGTTOU, SIGTTIN, SIGTSTP, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        // Its own process group either way: Ctrl-C meant for one never reaches the other.
        posix_spawnattr_setpgroup(&attr, 0)
        let flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP)
        if detached {
            for fd: Int32 in [0, 1, 2] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        } else {
            // The feed came on standard input: the browser reads the keyboard from the terminal.
            if stdinFromTTY { posix_spawn_file_actions_addopen(&actions, 0, "/dev/tty", O_RDONLY, 0) }
        }
        posix_spawnattr_setflags(&attr, Int16(flags))
        let args = argv.map { strdup($0) } + [nil]
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in args { free(p) }
            for p in env { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, args, env)
        guard rc == 0 else { return .failure(SpawnError(message: String(cString: strerror(rc)))) }
        return .success(pid)
    }
}
