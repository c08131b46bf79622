import FeedModel
import Foundation

/// What reading a source gave.
public enum SourceRead: Sendable {
    /// The server answered 304 to the validators sent: what the library holds is current.
    case notModified
    /// The channels read, with the validators to send next time (none for a file).
    case read([Channel], Validators)
}

extension Fetcher {
    /// Reading a source, composed once for every part of feedtui (the command line, a background load, a refresh,
    /// an older page): a file or `-` from disk; a t.me channel or a feed downloaded through this fetcher (its caps
    /// and deadlines), conditionally when `validators` are given; `before`: a t.me channel's page before that post.
    /// The format is detected unless given; each post goes to `stream` (if any) as it is read. A feed's channel
    /// without a link of its own gets the feed's address. Errors name the source.
    public func read(
        _ source: Source, format: Format? = nil, before: Int? = nil, validators: Validators = Validators(), stream: PostStream? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, cancel: Cancellation = Cancellation()
    ) throws(FeedError) -> SourceRead {
        guard let url = source.url(before: before, environment: environment) else {
            guard case .file(let path) = source else { return .read([], validators) }
            return .read(try FeedLoader.load(path: path, format: format, stream: stream), Validators())
        }
        do throws(FeedError) {
            switch try fetch(url, validators: validators, cancel: cancel) {
            case .notModified:
                return .notModified
            case .fetched(let data, let next):
                // An older page is always a t.me page, whatever it looks like.
                let channels = try FeedLoader.load(data: data, format: before == nil ? format : .tme, stream: stream).map { ch in
                    var ch = ch
                    if ch.url == nil, case .feed(let u) = source { ch.url = u }
                    return ch
                }
                return .read(channels, next)
            }
        } catch {
            throw error.at(source.text)
        }
    }
}
