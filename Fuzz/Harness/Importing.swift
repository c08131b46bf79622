import Foundation

@testable import FeedModel

/// An importer (or detection, `format` nil) on any bytes: it ends with channels or one error, never more; no text
/// it produces holds a control character; every link mark falls inside its text; and the native JSON export of
/// what it read imports again as the same channels, as does each post's library record.
enum Importing {
    static func problems(_ data: Data, format: Format?) -> [String] {
        let channels: [Channel]
        do {
            channels = try FeedLoader.load(data: data, format: format)
        } catch {
            return control(in: error.description, multiline: false).map { ["the error line holds the control \(describe($0)): \(error.description.debugDescription.prefix(200))"] } ?? []
        }
        var problems = channels.flatMap(textProblems)
        problems += roundTrip(channels)
        return problems
    }

    /// A t.me page reads the same with its message chunks scanned (`TMeChunkScanner`) as read by libxml2 alone.
    static func tmeScannedAsLibxml2(_ data: Data) -> [String] {
        let scanned = try? TMeImporter.load(data, scanning: true)
        let libxml2 = try? TMeImporter.load(data, scanning: false)
        return scanned == libxml2 ? [] : ["read otherwise with its message chunks scanned than by libxml2 alone"]
    }

    static func textProblems(_ c: Channel) -> [String] {
        var found: [String?] = [
            controlProblem("channel title", c.title), controlProblem("handle", c.handle), controlProblem("language", c.language),
            controlProblem("channel description", c.description, multiline: true), controlProblem("channel url", c.url),
        ]
        for p in c.publications {
            found += [
                controlProblem("post id", p.id), controlProblem("permalink", p.permalink), controlProblem("author", p.author),
                controlProblem("post text", p.text, multiline: true), controlProblem("forwarded from", p.forwardedFrom),
                controlProblem("reply to", p.replyTo),
            ]
            found += p.links.map { controlProblem("link", $0) }
            found += p.reactionsByEmoji.map { controlProblem("reaction", $0.emoji) }
            for m in p.media {
                found += [controlProblem("media name", m.name), controlProblem("media url", m.url), controlProblem("thumbnail", m.thumbnail)]
                found += m.options.map { controlProblem("poll option", $0.text) }
            }
            if let l = p.linkPreview {
                found += [
                    controlProblem("preview site", l.site), controlProblem("preview title", l.title),
                    controlProblem("preview description", l.description, multiline: true), controlProblem("preview url", l.url),
                    controlProblem("preview image", l.image),
                ]
            }
            let bytes = p.text.utf8.count
            for mark in p.linkMarks where mark.end < 0 || mark.end > bytes || mark.number < 1 || mark.number > p.links.count {
                found.append("post \(p.id.debugDescription): link mark \(mark.number) at byte \(mark.end) of a text of \(bytes) bytes and \(p.links.count) links")
            }
        }
        return found.compactMap { $0 }
    }

    /// `feedtui export` then `feedtui FILE.json`: the second export is the first, byte for byte; a post stored in
    /// the library and read back is the post.
    static func roundTrip(_ channels: [Channel]) -> [String] {
        let exported = NativeJSON.encode(channels)
        let again: [Channel]
        do {
            again = try FeedLoader.load(data: exported, format: .json)
        } catch {
            return ["the export does not import: \(error.description.prefix(200))"]
        }
        var problems: [String] = []
        if NativeJSON.encode(again) != exported {
            problems.append("export, import, export differs: \(firstDifference(exported, NativeJSON.encode(again)))")
        }
        let coder = NativeRecordCoder()
        for p in channels.flatMap(\.publications) {
            let record = coder.record(p)
            guard let back = NativeRecordCoder.publication(record) else {
                problems.append("the record of post \(p.id.debugDescription) does not read back")
                continue
            }
            if coder.record(back) != record { problems.append("the record of post \(p.id.debugDescription) reads back changed") }
        }
        return problems
    }

    static func firstDifference(_ a: Data, _ b: Data) -> String {
        let i = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        let from = max(0, i - 60)
        func around(_ d: Data) -> String { String(decoding: d.dropFirst(from).prefix(160), as: UTF8.self).debugDescription }
        return "at byte \(i): \(around(a)) against \(around(b))"
    }
}
