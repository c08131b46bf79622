import Foundation

/// Opens links in the user's browser: http and https only, `$BROWSER` (or xdg-open) run directly with the URL
/// as one argument — never through a shell, so nothing in a URL is ever interpreted.
enum LinkOpener {
    static func isAllowed(_ url: String) -> Bool {
        guard let u = URL(string: url), let scheme = u.scheme?.lowercased(), u.host?.isEmpty == false else { return false }
        return scheme == "http" || scheme == "https"
    }

    /// The argv to run: the first entry of `$BROWSER` (colon-separated, words split on spaces, `%s` replaced by
    /// the URL, otherwise the URL appended), or `xdg-open URL`.
    static func command(for url: String, environment: [String: String]) -> [String] {
        let browser = (environment["BROWSER"] ?? "").split(separator: ":").first.map(String.init) ?? ""
        var words = browser.split(separator: " ").map(String.init)
        if words.isEmpty { return ["xdg-open", url] }
        if let i = words.firstIndex(of: "%s") {
            words[i] = url
        } else {
            words.append(url)
        }
        return words
    }

    /// Runs the command and waits for it; returns an error line, or nil on success.
    static func open(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard isAllowed(url) else { return "not opened: only http and https links open" }
        let argv = command(for: url, environment: environment)
        guard let executable = resolve(argv[0], path: environment["PATH"] ?? "/usr/bin:/bin") else {
            return "cannot open links: \(argv[0]) not found (set BROWSER)"
        }
        // The terminal is handed over (curses is suspended meanwhile), so terminal browsers work too.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        do {
            try process.run()
        } catch {
            return "cannot run \(argv[0]): \(error.localizedDescription)"
        }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "\(argv[0]) exited with status \(process.terminationStatus)"
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
}
