import Foundation

/// The channel-catalog page text (`Samples/durov-channel-page.txt`): a header line `<Language> <Title>@<handle>`,
/// the description, counters (a number line belongs to the label line after it), the rating box, then
/// publications that each start with a date line such as `July 30, 2017 12:25`.
enum PageImporter: Importer {
    static func recognizes(_ data: Data) -> Bool {
        let lines = lines(of: String(decoding: data.prefix(8192), as: UTF8.self)).filter { !$0.isEmpty }
        guard let first = lines.first, parseHeader(String(first)) != nil else { return false }
        return lines.contains { parseDate(trim($0)) != nil || $0 == "views per week" }
    }

    static func load(_ data: Data) throws(FeedError) -> [Channel] {
        let lines = lines(of: String(decoding: data, as: UTF8.self))
        guard let headerIndex = lines.firstIndex(where: { !trim($0).isEmpty }),
            let header = parseHeader(String(lines[headerIndex]))
        else { throw FeedError("expected a header line `<Language> <Title>@<handle>`", line: 1) }

        var channel = Channel(title: header.title, handle: header.handle, language: header.language)
        var i = headerIndex + 1
        channel.description = readDescription(lines, &i, title: header.title)
        readCounters(lines, &i, into: &channel)
        channel.publications = readPublications(lines, from: i)
        return [channel]
    }

    /// Lines as views into the one String (no copies), split on bytes so that CRLF ("\r\n" is one Character) works;
    /// found with memchr (the generic split of the UTF-8 view was a fifth of reading a page).
    static func lines(of text: String) -> [Substring] {
        var text = text
        // Where each line starts and ends (its CR left out), as UTF-8 offsets.
        var bounds: [(start: Int, end: Int)] = []
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else {
                bounds.append((0, 0))
                return
            }
            var start = 0
            while let found = memchr(base + start, 0x0A, bytes.count - start) {
                let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                bounds.append((start, newline > start && bytes[newline - 1] == 0x0D ? newline - 1 : newline))
                start = newline + 1
            }
            bounds.append((start, bytes.count > start && bytes[bytes.count - 1] == 0x0D ? bytes.count - 1 : bytes.count))
        }
        let utf8 = text.utf8
        return bounds.map { Substring(utf8[utf8.index(utf8.startIndex, offsetBy: $0.start)..<utf8.index(utf8.startIndex, offsetBy: $0.end)]) }
    }

    // MARK: Header and counters

    /// Spaces and tabs off both ends, without Foundation's copy of the whole line.
    static func trim(_ s: Substring) -> Substring {
        var t = s.drop { $0 == " " || $0 == "\t" }
        while let last = t.last, last == " " || last == "\t" { t = t.dropLast() }
        return t
    }

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

    private static func counterKey(_ label: Substring) -> WritableKeyPath<ReportedCounters, Count?>? {
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
    private static func readDescription(_ lines: [Substring], _ i: inout Int, title: String) -> String? {
        var parts: [Substring] = []
        while i < lines.count {
            let line = trim(lines[i])
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
    private static func counterValue(_ line: Substring) -> Count? {
        let bare = line.hasPrefix("•") ? trim(line.dropFirst()) : line
        guard let first = bare.first, first.isNumber else { return nil }
        return TextScan.count(bare)
    }

    private static func isRatingLine(_ line: Substring) -> Bool {
        line.hasPrefix("No one has rated") || line == "Be the first!"
    }

    private static func readCounters(_ lines: [Substring], _ i: inout Int, into channel: inout Channel) {
        var pending: Count?
        while i < lines.count {
            let line = trim(lines[i])
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

    private static func isChrome(_ line: Substring) -> Bool {
        line.utf8.count <= 60 && chrome.contains { line.hasPrefix($0) }
    }

    private static let months = CivilTime.monthNames

    /// Cheap test first: most lines are long paragraphs, and a date line is short and starts with a capital.
    private static func mayBeDate(_ line: Substring) -> Bool {
        let u = line.utf8
        guard u.count >= 15, u.count <= 32, let f = u.first, let l = u.last else { return false }
        return (65...90).contains(f) && (48...57).contains(l)
    }

    /// `July 30, 2017 12:25`, read as UTC (the page gives no zone).
    static func parseDate(_ line: Substring) -> Date? {
        guard mayBeDate(line) else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count == 4, let month = months.firstIndex(of: String(parts[0])),
            parts[1].hasSuffix(","), let day = Int(parts[1].dropLast()), let year = Int(parts[2])
        else { return nil }
        let hm = parts[3].split(separator: ":")
        guard hm.count == 2, let hour = Int(hm[0]), let minute = Int(hm[1]) else { return nil }
        return CivilTime(year: year, month: month + 1, day: day, hour: hour, minute: minute)?.date
    }

    private static let photoMarker = "This publication contains an image."

    private static func readPublications(_ lines: [Substring], from start: Int) -> [Publication] {
        var posts: [Publication] = []
        var idCounts: [String: Int] = [:]
        var i = start
        while i < lines.count {
            let line = trim(lines[i])
            // A date line that cannot be read still starts a post: kept, with an unknown date.
            let date = parseDate(line)
            guard date != nil || looksLikeDate(line) else {
                i += 1
                continue
            }
            var body: [Substring] = []
            i += 1
            while i < lines.count {
                let l = trim(lines[i])
                if parseDate(l) != nil || looksLikeDate(l) || isChrome(l) { break }
                body.append(lines[i])
                i += 1
            }
            let base = "page-" + (date.map { CivilTime($0).compact } ?? "undated")
            let n = idCounts[base, default: 0] + 1
            idCounts[base] = n
            posts.append(publication(id: n == 1 ? base : "\(base)-\(n)", date: date, body: body))
        }
        return posts
    }

    /// A month name followed by digits: a date line, even if it does not parse.
    private static func looksLikeDate(_ line: Substring) -> Bool {
        guard mayBeDate(line), let first = line.split(separator: " ").first, months.contains(String(first)) else { return false }
        return line.split(separator: " ").count == 4 && line.contains(":") && line.contains(",")
    }

    private static func publication(id: String, date: Date?, body rawBody: [Substring]) -> Publication {
        var body = rawBody
        var media: [Media] = []
        body.removeAll { line in
            guard line.utf8.count < 64, trim(line) == photoMarker else { return false }
            media.append(Media(kind: .photo))
            return true
        }
        while let first = body.first, trim(first).isEmpty { body.removeFirst() }
        while let last = body.last, trim(last).isEmpty { body.removeLast() }

        let preview = takePreview(&body)
        let text = body.joined(separator: "\n")
        return Publication(
            id: id, date: date, text: text, media: media, linkPreview: preview,
            links: TextScan.links(in: text))
    }

    /// The page shows a link preview as one line right above the post text: either a paragraph cut with "…"
    /// (optionally after a short site-name line), or a single line followed at once by the text with no blank
    /// line between. A first paragraph followed by a blank line is the post's own text.
    private static func takePreview(_ body: inout [Substring]) -> LinkPreview? {
        guard body.count >= 2 else { return nil }
        let first = String(trim(body[0]))
        let second = String(trim(body[1]))
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
