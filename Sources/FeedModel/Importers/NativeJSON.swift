import Foundation

/// feedtui's own format, written by `feedtui export --json`: `{"channels": [Channel…], "format": "feedtui",
/// "version": 1}` with sorted keys and ISO 8601 dates, so that export → import → export is byte-identical.
public enum NativeJSON: Importer {
    public static let version = 1

    private struct Envelope: Codable {
        var channels: [Channel]
        var format: String
        var version: Int
    }

    private struct OutEnvelope: Encodable {
        var channels: [Channel]
        var format = "feedtui"
        var version = NativeJSON.version
    }

    public static func encode(_ channels: [Channel]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(ISODate.format(date))
        }
        // Encoding plain value types cannot fail except for non-finite doubles, which no importer produces.
        let data = (try? encoder.encode(OutEnvelope(channels: channels))) ?? Data("{}".utf8)
        return data + Data("\n".utf8)
    }

    static func recognizes(_ data: Data) -> Bool {
        // Sorted keys put "channels" first; no other JSON format here starts that way.
        let head = String(decoding: data.prefix(64), as: UTF8.self).drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard head.first == "{" else { return false }
        return head.dropFirst().drop(while: \.isWhitespace).hasPrefix("\"channels\"")
    }

    static func load(_ data: Data) throws(FeedError) -> [Channel] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = ISODate.parse(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 date: \(s)")
            }
            return date
        }
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            throw FeedError(JSONErrorText.describe(error))
        }
        guard envelope.format == "feedtui" else { throw FeedError("not a feedtui file (format \"\(envelope.format)\")") }
        guard envelope.version <= version else {
            throw FeedError("written by a newer feedtui (version \(envelope.version), this one reads \(version))")
        }
        return envelope.channels
    }
}

/// One-line descriptions of Foundation's JSON errors.
enum JSONErrorText {
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "invalid JSON: \(error.localizedDescription)" }
        func path(_ p: [CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch e {
        case .keyNotFound(let key, let ctx): return "missing \"\(key.stringValue)\" at \(path(ctx.codingPath).isEmpty ? "top level" : path(ctx.codingPath))"
        case .typeMismatch(let type, let ctx): return "expected \(type) at \(path(ctx.codingPath))"
        case .valueNotFound(let type, let ctx): return "expected \(type) at \(path(ctx.codingPath)), found null"
        case .dataCorrupted(let ctx):
            let underlying = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "invalid JSON\(ctx.codingPath.isEmpty ? "" : " at \(path(ctx.codingPath))"): \(underlying ?? ctx.debugDescription)"
        @unknown default: return "invalid JSON"
        }
    }
}

/// ISO 8601 / RFC 3339 timestamps in UTC, with fractional seconds only when there are some.
public enum ISODate {
    public static func format(_ date: Date) -> String {
        let t = CivilTime(date)
        var s = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second)
        let frac = date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)
        if frac > 0.0005 { s += String(format: ".%03d", Int((frac * 1000).rounded())).prefix(4) }
        return s + "Z"
    }

    /// `2017-07-30T12:25:00Z`, `2017-07-30T12:25:00.123+03:00`, `2017-07-30 12:25:00`; returns nil otherwise.
    public static func parse(_ s: String) -> Date? {
        parseWithOffset(s)?.date
    }

    /// The instant and the zone offset in seconds it was written with (nil when the text had no zone).
    public static func parseWithOffset(_ s: String) -> (date: Date, offset: Int?)? {
        let b = Array(s.utf8)
        func num(_ at: Int, _ len: Int) -> Int? {
            guard at + len <= b.count else { return nil }
            var n = 0
            for i in at..<(at + len) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = num(0, 4), b.count >= 10, b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2) else {
            return nil
        }
        var i = 10
        var h = 0, mi = 0, sec = 0
        var frac = 0.0
        if i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 {
            guard let hh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let mm = num(i + 4, 2) else { return nil }
            (h, mi) = (hh, mm)
            i += 6
            if i < b.count, b[i] == 58 {
                guard let ss = num(i + 1, 2) else { return nil }
                sec = ss
                i += 3
                if i < b.count, b[i] == 46 {
                    var j = i + 1
                    var scale = 0.1
                    while j < b.count, b[j] >= 48 && b[j] <= 57 {
                        frac += Double(b[j] - 48) * scale
                        scale /= 10
                        j += 1
                    }
                    i = j
                }
            }
        }
        var offset: Int?
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {  // Z
                offset = 0
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                guard let oh = num(i + 1, 2) else { return nil }
                var j = i + 3
                if j < b.count, b[j] == 58 { j += 1 }
                guard let om = num(j, 2) else { return nil }
                offset = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
                i = j + 2
            }
        }
        guard i == b.count, let civil = CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: min(sec, 59))
        else { return nil }
        return (civil.date.addingTimeInterval(frac - Double(offset ?? 0)), offset)
    }
}
