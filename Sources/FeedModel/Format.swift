import Foundation

/// The source formats feedtui reads. `detect` looks at content, never at the file name.
public enum Format: String, CaseIterable, Sendable {
    case page, json, tdesktop, tme, rss

    var importer: any Importer.Type {
        switch self {
        case .page: PageImporter.self
        case .json: NativeJSON.self
        case .tdesktop: TDesktopImporter.self
        case .tme: TMeImporter.self
        case .rss: RSSImporter.self
        }
    }

    /// Most specific first: JSON dialects before the page text, which accepts loosely.
    static let detectionOrder: [Format] = [.json, .tdesktop, .tme, .rss, .page]

    public static func detect(_ data: Data) -> Format? {
        detectionOrder.first { $0.importer.recognizes(data) }
    }
}

/// One importer per format: recognises its content and turns bytes into channels.
protocol Importer {
    /// A cheap look at the start of the data.
    static func recognizes(_ data: Data) -> Bool
    /// Keeps what parses; records what did not in each channel's `skipped`. Throws only when nothing usable is there.
    static func load(_ data: Data) throws(FeedError) -> [Channel]
}

/// An importer that hands each publication to a `PostStream` as soon as it has read it.
protocol StreamingImporter: Importer {
    static func load(_ data: Data, stream: PostStream?) throws(FeedError) -> [Channel]
}

extension StreamingImporter {
    static func load(_ data: Data) throws(FeedError) -> [Channel] { try load(data, stream: nil) }
}

/// An error with a place, printed as one line: `Samples/x.json:12:7: expected "date"`.
public struct FeedError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public var source: String?
    public var line: Int?
    public var column: Int?

    public init(_ message: String, source: String? = nil, line: Int? = nil, column: Int? = nil) {
        // Messages quote what they could not read: every control in them shown for what it is, on one line.
        self.message = Sanitize.visible(message)
        self.source = source
        self.line = line
        self.column = column
    }

    public var description: String {
        var place = source ?? (line == nil ? "" : "line ")
        if let line { place += source == nil ? "\(line)" : ":\(line)" }
        if let column, line != nil { place += ":\(column)" }
        return place.isEmpty ? message : "\(place): \(message)"
    }

    /// The same error, placed in `source` unless it already names one.
    public func at(_ source: String) -> FeedError {
        guard self.source == nil else { return self }
        var e = self
        e.source = source
        return e
    }
}

public enum FeedLoader {
    /// Reads a file (or `-` for standard input) and imports it with the given or detected format; `stream`, if
    /// given, receives the publications as they are read.
    public static func load(path: String, format: Format? = nil, stream: PostStream? = nil) throws(FeedError) -> [Channel] {
        let (data, mapped) = try SourceFile.bytes(path)
        if mapped, let stream {
            // The posts before a point are handed over: the file's pages before it are not needed any more.
            var dropped = 0
            stream.consumed = { offset in
                if offset - dropped >= 8 << 20 { dropped = SourceFile.letGo(data, before: offset) }
            }
        }
        do {
            return try load(data: data, format: format, stream: stream)
        } catch {
            throw error.at(path)
        }
    }

    public static func load(data raw: Data, format: Format? = nil, stream: PostStream? = nil) throws(FeedError) -> [Channel] {
        let data = utf8(raw)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw FeedError("empty file")
        }
        guard let format = format ?? Format.detect(data) else {
            let tried = Format.detectionOrder.map(\.rawValue).joined(separator: ", ")
            throw FeedError("not a feed in any known format (tried \(tried))")
        }
        var channels: [Channel]
        if let stream, let streaming = format.importer as? any StreamingImporter.Type {
            stream.byteCount = data.count
            channels = try streaming.load(data, stream: stream)
            if stream.cancelled { throw FeedError("import cancelled") }
        } else {
            channels = try format.importer.load(data)
        }
        guard !channels.isEmpty else { throw FeedError("no channel found in this \(format.rawValue) file") }
        // Text from a source holds no controls from here on: shown, stored, searched and exported as it is (the
        // stream did so for the posts it was handed).
        for i in channels.indices { channels[i].removeControls() }
        return channels
    }

    /// UTF-16 text (with its byte order mark, as Windows tools write feeds) as UTF-8, its XML declaration saying so;
    /// anything else as it is. Every importer reads UTF-8.
    static func utf8(_ data: Data) -> Data {
        guard data.count >= 2 else { return data }
        let (a, b) = (data[data.startIndex], data[data.startIndex + 1])
        let encoding: String.Encoding
        switch (a, b) {
        case (0xFF, 0xFE): encoding = .utf16LittleEndian
        case (0xFE, 0xFF): encoding = .utf16BigEndian
        default: return data
        }
        guard var text = String(data: data.dropFirst(2), encoding: encoding) else { return data }
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>"),
            let declared = text[..<end.lowerBound].range(of: #"encoding\s*=\s*["'][Uu][Tt][Ff]-?16(LE|BE|le|be)?["']"#, options: .regularExpression)
        {
            text.replaceSubrange(declared, with: "encoding=\"UTF-8\"")
        }
        return Data(text.utf8)
    }
}
