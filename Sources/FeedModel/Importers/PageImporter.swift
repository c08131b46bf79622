import Foundation

/// The channel-catalog page text (`Samples/durov-channel-page.txt`): a header line `<Language> <Title>@<handle>`,
/// the description, counters (a number line belongs to the label line after it), the rating box, then
/// publications that each start with a date line such as `July 30, 2017 12:25`.
enum PageImporter: Importer {
    static func recognizes(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(8192), as: UTF8.self)
        let lines = head.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first, parseHeader(String(first)) != nil else { return false }
        return lines.contains { parseDate($0.trimmingCharacters(in: .whitespaces)) != nil || $0 == "views per week" }
    }

    static func load(_ data: Data) throws(FeedError) -> [Channel] {
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let headerIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
            let header = parseHeader(lines[headerIndex])
        else { throw FeedError("expected a header line `<Language> <Title>@<handle>`", line: 1) }

        var channel = Channel(title: header.title, handle: header.handle, language: header.language)
        var i = headerIndex + 1
        channel.description = readDescription(lines, &i, title: header.title)
        readCounters(lines, &i, into: &channel)
        channel.publications = readPublications(lines, from: i, skipped: &channel.skipped)
        return [channel]
    }

    // MARK: Header and counters

    static func parseHeader(_ line: String) -> (language: String?, title: String, handle: String)? {
        let line = line.trimmingCharacters(in: .whitespaces)
        guard let at = line.lastIndex(of: "@") else { return nil }
        let handle = String(line[line.index(after: at)...])
        guard handle.count >= 3, handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        let before = line[..<at]
        guard let space = before.firstIndex(of: " ") else { return nil }
        let title = before[before.index(after: space)...].trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { return nil }
        return (String(before[..<space]), title, handle)
    }

    private static func counterKey(_ label: String) -> WritableKeyPath<ReportedCounters, Count?>? {
        switch label {
        case "views per week": \.viewsPerWeek
        case "views per month": \.viewsPerMonth
        case "in this channel": \.mentionsIn
        case "from this channel": \.mentionsFrom
        case "forwarded channels": \.forwardedChannels
        default: nil
        }
    }

    /// Lines up to the first counter line; the page repeats the title at the start of the description.
    private static func readDescription(_ lines: [String], _ i: inout Int, title: String) -> String? {
        var parts: [String] = []
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if counterValue(line) != nil || counterKey(line) != nil || isRatingLine(line) || isChrome(line)
                || parseDate(line) != nil
            {
                break
            }
            parts.append(line)
            i += 1
        }
        var description = parts.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if description.hasPrefix(title) {
            description = description.dropFirst(title.count).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return description.isEmpty ? nil : description
    }

    /// `255 406` or `• 0`: a number waiting for its label on the next line.
    private static func counterValue(_ line: String) -> Count? {
        let bare = line.hasPrefix("•") ? line.dropFirst().trimmingCharacters(in: .whitespaces) : line
        guard let first = bare.first, first.isNumber else { return nil }
        return TextScan.count(bare)
    }

    private static func isRatingLine(_ line: String) -> Bool {
        line.hasPrefix("No one has rated") || line == "Be the first!"
    }

    private static func readCounters(_ lines: [String], _ i: inout Int, into channel: inout Channel) {
        var pending: Count?
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            if parseDate(line) != nil { return }
            i += 1
            if let value = counterValue(line) {
                pending = value
            } else if let key = counterKey(line) {
                channel.counters[keyPath: key] = pending
                pending = nil
            } else if line.hasPrefix("No one has rated") {
                channel.rating = Rating(votes: 0)
            } else if !line.isEmpty {
                pending = nil
            }
        }
    }

    // MARK: Publications

    private static let chrome = [
        "Channel statistics", "Publications Last", "Publications of channel",
        "Go to full channel publications archive", "Get it on Google Play", "Download on the App Store",
    ]

    private static func isChrome(_ line: String) -> Bool {
        chrome.contains { line.hasPrefix($0) }
    }

    private static let months = CivilTime.monthNames

    /// `July 30, 2017 12:25`, read as UTC (the page gives no zone).
    static func parseDate(_ line: String) -> Date? {
        let parts = line.split(separator: " ")
        guard parts.count == 4, let month = months.firstIndex(of: String(parts[0])),
            parts[1].hasSuffix(","), let day = Int(parts[1].dropLast()), let year = Int(parts[2])
        else { return nil }
        let hm = parts[3].split(separator: ":")
        guard hm.count == 2, let hour = Int(hm[0]), let minute = Int(hm[1]) else { return nil }
        return CivilTime(year: year, month: month + 1, day: day, hour: hour, minute: minute)?.date
    }

    private static let photoMarker = "This publication contains an image."

    private static func readPublications(_ lines: [String], from start: Int, skipped: inout SkipReport)
        -> [Publication]
    {
        var posts: [Publication] = []
        var idCounts: [String: Int] = [:]
        var i = start
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            guard let date = parseDate(line) else {
                if looksLikeDate(line) { skipped.record(line: i + 1, "unreadable date “\(line)”") }
                i += 1
                continue
            }
            var body: [String] = []
            i += 1
            while i < lines.count {
                let l = lines[i].trimmingCharacters(in: .whitespaces)
                if parseDate(l) != nil || looksLikeDate(l) || isChrome(l) { break }
                body.append(lines[i])
                i += 1
            }
            let base = "page-" + CivilTime(date).compact
            let n = idCounts[base, default: 0] + 1
            idCounts[base] = n
            posts.append(publication(id: n == 1 ? base : "\(base)-\(n)", date: date, body: body))
        }
        return posts
    }

    /// A month name followed by digits: a date line, even if it does not parse.
    private static func looksLikeDate(_ line: String) -> Bool {
        guard let first = line.split(separator: " ").first, months.contains(String(first)) else { return false }
        return line.split(separator: " ").count == 4 && line.contains(":") && line.contains(",")
    }

    private static func publication(id: String, date: Date, body rawBody: [String]) -> Publication {
        var body = rawBody
        var media: [Media] = []
        body.removeAll { line in
            guard line.trimmingCharacters(in: .whitespaces) == photoMarker else { return false }
            media.append(Media(kind: .photo))
            return true
        }
        while body.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { body.removeFirst() }
        while body.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { body.removeLast() }

        let preview = takePreview(&body)
        let text = body.joined(separator: "\n")
        return Publication(
            id: id, date: date, text: text, media: media, linkPreview: preview,
            links: TextScan.links(in: text))
    }

    /// The page shows a link preview as one line right above the post text: either a paragraph cut with "…"
    /// (optionally after a short site-name line), or a single line followed at once by the text with no blank
    /// line between. A first paragraph followed by a blank line is the post's own text.
    private static func takePreview(_ body: inout [String]) -> LinkPreview? {
        guard body.count >= 2 else { return nil }
        let first = body[0].trimmingCharacters(in: .whitespaces)
        let second = body[1].trimmingCharacters(in: .whitespaces)
        if body.count >= 3, isSiteName(first), second.hasSuffix("…") {
            body.removeFirst(2)
            return LinkPreview(site: first, description: second)
        }
        let isListItem = first.first?.isNumber == true || first.hasPrefix("-") || first.hasPrefix("•")
        if first.hasSuffix("…") || (!second.isEmpty && !isListItem && first.count > 40) {
            body.removeFirst()
            return LinkPreview(description: first)
        }
        return nil
    }

    private static func isSiteName(_ line: String) -> Bool {
        !line.isEmpty && line.count <= 40 && !line.hasSuffix(".") && !line.hasSuffix("…")
            && line.split(separator: " ").count <= 5
    }
}
