import Foundation

@testable import FeedLibrary
@testable import FeedModel
@testable import FeedTUI

/// The files a user keeps: OPML to import, config.toml, the channels file.
enum Lists {
    /// Every outline read is a followable address with clean words, and an export of them reads back the same.
    static func opml(_ data: Data) -> [String] {
        let feeds: [OPML.Feed]
        do {
            feeds = try OPML.parse(data)
        } catch {
            return []
        }
        // What import-opml follows: an address and tags it accepts (an outline holding a control is refused by line).
        let followed = feeds.filter { f in
            (try? Source.followable(f.url, files: false)) != nil && f.tags.allSatisfy { (try? Source.checkTag($0)) != nil }
        }
        var problems = followed.flatMap { f in [controlProblem("outline url", f.url)] + f.tags.map { controlProblem("outline tag", $0) } }.compactMap { $0 }
        let written = OPML.write(followed)
        if let c = written.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\n" }) { problems.append("export-opml writes the control \(describe(c))") }
        // Titles are written as imported text is (their controls replaced), and read back trimmed.
        // A title that is empty or the address is none (writers repeat the address where they have no title).
        let expected = followed.map { f in
            OPML.Feed(url: f.url, title: f.title.map { TextScan.trimmed(Sanitize.imported($0)) }.flatMap { $0.isEmpty || $0 == f.url ? nil : $0 }, tags: f.tags)
        }
        do {
            let again = try OPML.parse(Data(written.utf8)).map { f in
                OPML.Feed(url: f.url, title: f.title.map { TextScan.trimmed($0) }, tags: f.tags)
            }
            if again != expected { problems.append("export-opml then import-opml differs: \(expected.count) outlines, \(again.count) read back") }
        } catch {
            problems.append("export-opml does not read back: \(error.description.prefix(200))")
        }
        return problems
    }

    /// Any text as config.toml: a configuration or one error, and the error names a line the file has.
    static func config(_ data: Data) -> [String] {
        guard let text = String(data: data, encoding: .utf8) else { return [] }
        do {
            _ = try Config.parse(text, file: "config.toml")
            return []
        } catch {
            // By bytes: "\r\n" is one Character, which a split on "\n" passes over.
            let lines = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            if let line = error.line, line < 1 || line > lines { return ["the error names line \(line) of a file of \(lines): \(error.description.prefix(200))"] }
            return []
        }
    }

    /// Any text as the channels file: read and written back unchanged (nothing of the user's is lost), every source
    /// it follows clean and followed once, and a source added is followed without losing a line.
    static func channels(_ data: Data) -> [String] {
        guard let text = String(data: data, encoding: .utf8) else { return [] }
        var file = SubscriptionFile(text: text)
        var problems: [String] = []
        // By bytes: a text ending in CRLF ends in one Character, "\r\n", which is not "\n".
        let expected = text.isEmpty || text.utf8.last == 0x0A ? text : text + "\n"
        if file.text != expected { problems.append("the file is not written back as it was read: \(Importing.firstDifference(Data(expected.utf8), Data(file.text.utf8)))") }
        let sources = file.subscriptions.map(\.source)
        if Set(sources).count != sources.count { problems.append("a source is followed twice") }
        for s in file.subscriptions {
            if let p = controlProblem("source", s.source.text) { problems.append(p) }
            problems += s.tags.compactMap { controlProblem("tag", $0) }
        }
        for refusal in file.refusals where refusal.description.contains("\n") { problems.append("a refusal of several lines: \(refusal.description.prefix(200))") }
        let before = file.subscriptions
        if file.add(.telegram("fuzzadded"), tags: ["t"]) {
            let after = SubscriptionFile(text: file.text).subscriptions
            if after.count != before.count + 1 { problems.append("adding a channel to the file changed what it follows: \(before.count) then \(after.count)") }
        }
        return problems
    }
}
