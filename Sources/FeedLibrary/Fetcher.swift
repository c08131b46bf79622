import FeedModel
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a conditional GET sends back to the server: the validators of the copy the library holds.
public struct Validators: Equatable, Sendable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

public enum FetchResult: Equatable, Sendable {
    /// A new body, with the validators to send next time.
    case fetched(Data, Validators)
    /// 304: the copy the library holds is current.
    case notModified
}

/// Asks a running download (or one still waiting for its turn) to stop; safe from any thread.
public final class Cancellation: Sendable {
    private let state = Mutex<(cancelled: Bool, handlers: [@Sendable () -> Void])>((false, []))

    public init() {}

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    public func cancel() {
        let handlers = state.withLock { s -> [@Sendable () -> Void] in
            guard !s.cancelled else { return [] }
            s.cancelled = true
            defer { s.handlers = [] }
            return s.handlers
        }
        for h in handlers { h() }
    }

    /// Runs `handler` on cancellation (at once when already cancelled).
    func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let now = state.withLock { s -> Bool in
            if s.cancelled { return true }
            s.handlers.append(handler)
            return false
        }
        if now { handler() }
    }
}

/// HTTP(S) downloads for sources: timeouts, a redirect limit, a size cap checked while the body streams in, gzip
/// (libcurl decodes it), conditional GET, a User-Agent naming feedtui, and at most `maxConcurrent` downloads at
/// once with one at a time per host. `fetch` blocks its calling thread (a refresh runs it beside the event loop).
public final class Fetcher: Sendable {
    public struct Limits: Sendable {
        /// Until the response starts (connecting, TLS, the server's first byte).
        public var connectTimeout: TimeInterval = 15
        /// The longest silence while the body streams in.
        public var readTimeout: TimeInterval = 30
        public var maxRedirects = 5
        public var maxBytes = 32 << 20
        public var maxConcurrent = 4

        public init() {}
    }

    public let userAgent: String
    public let limits: Limits
    private let slots: Slots

    public init(userAgent: String, limits: Limits = Limits()) {
        self.userAgent = userAgent
        self.limits = limits
        slots = Slots(limit: limits.maxConcurrent)
    }

    public static func isURL(_ source: String) -> Bool {
        let lower = source.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// GETs `url`; errors are one line naming the URL ("HTTP 404", "timed out after 15 s", …).
    public func fetch(_ url: String, validators: Validators = Validators(), cancel: Cancellation = Cancellation())
        throws(FeedError) -> FetchResult
    {
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty, Self.isURL(url) else {
            throw FeedError("not a valid http(s) URL", source: url)
        }
        let hostKey = "\(host.lowercased()):\(parsed.port ?? -1)"
        guard slots.acquire(hostKey, cancel: cancel) else { throw FeedError("cancelled", source: url) }
        defer { slots.release(hostKey) }
        return try download(parsed, validators: validators, cancel: cancel).mapError { $0.at(url) }.get()
    }

    private func download(_ url: URL, validators: Validators, cancel: Cancellation) -> Result<FetchResult, FeedError> {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData)
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        if let etag = validators.etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        if let lm = validators.lastModified { request.setValue(lm, forHTTPHeaderField: "If-Modified-Since") }
        let config = URLSessionConfiguration.ephemeral
        config.urlCache = nil
        config.httpCookieStorage = nil
        // Our own watchdog below enforces both timeouts; URLSession's only backs it up.
        config.timeoutIntervalForRequest = limits.connectTimeout + limits.readTimeout
        config.timeoutIntervalForResource = 24 * 3600
        let transfer = Transfer(limits: limits)
        let session = URLSession(configuration: config, delegate: transfer, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: request)
        cancel.onCancel { task.cancel() }
        let started = Date()
        task.resume()
        while true {
            if transfer.done.wait(timeout: .now() + 0.05) == .success { break }
            if cancel.isCancelled { return .failure(FeedError("cancelled")) }
            let (responded, lastByte) = transfer.progress
            if !responded, Date().timeIntervalSince(started) > limits.connectTimeout {
                task.cancel()
                return .failure(FeedError("no response after \(Int(limits.connectTimeout)) s"))
            }
            if responded, Date().timeIntervalSince(lastByte) > limits.readTimeout {
                task.cancel()
                return .failure(FeedError("timed out: no data for \(Int(limits.readTimeout)) s"))
            }
        }
        if cancel.isCancelled { return .failure(FeedError("cancelled")) }
        return transfer.outcome
    }
}

/// The delegate of one download: streams the body in, counts redirects, stops at the size cap.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let limits: Limits
    let done = DispatchSemaphore(value: 0)
    private struct State {
        var body = Data()
        var response: HTTPURLResponse?
        var redirects = 0
        var lastByte = Date()
        var failure: FeedError?
    }
    private let state = Mutex(State())

    typealias Limits = Fetcher.Limits

    init(limits: Limits) { self.limits = limits }

    var progress: (responded: Bool, lastByte: Date) { state.withLock { ($0.response != nil, $0.lastByte) } }

    var outcome: Result<FetchResult, FeedError> {
        state.withLock { s in
            if let failure = s.failure { return .failure(failure) }
            guard let http = s.response else { return .failure(FeedError("no response")) }
            if http.statusCode == 304 { return .success(.notModified) }
            guard (200..<300).contains(http.statusCode) else {
                if (300..<400).contains(http.statusCode) {
                    return .failure(FeedError("more than \(limits.maxRedirects) redirects"))
                }
                let reason = HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
                return .failure(FeedError("HTTP \(http.statusCode) \(reason)".trimmingCharacters(in: .whitespaces)))
            }
            let headers = http.allHeaderFields
            func header(_ name: String) -> String? {
                headers.first { ($0.key as? String)?.lowercased() == name }?.value as? String
            }
            return .success(.fetched(s.body, Validators(etag: header("etag"), lastModified: header("last-modified"))))
        }
    }

    private var tooLarge: FeedError { FeedError("larger than \(limits.maxBytes >> 20) MB, the download was stopped") }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        let follow = state.withLock { s -> Bool in
            s.redirects += 1
            s.lastByte = Date()
            return s.redirects <= limits.maxRedirects
        }
        completionHandler(follow ? request : nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let allow = state.withLock { s -> Bool in
            s.response = response as? HTTPURLResponse
            s.lastByte = Date()
            if response.expectedContentLength > Int64(limits.maxBytes) {
                s.failure = tooLarge
                return false
            }
            return true
        }
        completionHandler(allow ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = state.withLock { s -> Bool in
            s.lastByte = Date()
            guard s.failure == nil else { return true }
            if s.body.count + data.count > limits.maxBytes {
                s.failure = tooLarge
                s.body = Data()
                return true
            }
            s.body.append(data)
            return false
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        state.withLock { s in
            if let error, s.failure == nil {
                // A redirect we declined completes without error; anything else is the network's word.
                s.failure = FeedError("download failed: \(error.localizedDescription)")
            }
            if s.response == nil, s.failure == nil, let http = task.response as? HTTPURLResponse { s.response = http }
        }
        done.signal()
    }
}

/// At most `limit` downloads at once and one per host; waiting ones give up when cancelled.
private final class Slots: Sendable {
    private let limit: Int
    private let busy = Mutex<(count: Int, hosts: Set<String>)>((0, []))

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire(_ host: String, cancel: Cancellation) -> Bool {
        while !cancel.isCancelled {
            let got = busy.withLock { b -> Bool in
                guard b.count < limit, !b.hosts.contains(host) else { return false }
                b.count += 1
                b.hosts.insert(host)
                return true
            }
            if got { return true }
            usleep(10_000)
        }
        return false
    }

    func release(_ host: String) {
        busy.withLock { b in
            b.count -= 1
            b.hosts.remove(host)
        }
    }
}
