import CCurl
import FeedModel
import Foundation
import Synchronization

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

/// HTTP(S) downloads for sources through libcurl: timeouts (until the response, between bytes, and overall), a
/// redirect limit, a size cap on the decoded body checked as it streams in (a gzip bomb stops at the cap),
/// conditional GET, a User-Agent naming feedtui, and at most `maxConcurrent` downloads at once with one at a time per
/// host. `fetch` blocks its calling thread (a refresh runs it beside the event loop).
public final class Fetcher: Sendable {
    public struct Limits: Sendable {
        /// Until the response starts (connecting, TLS, the server's first byte).
        public var connectTimeout: TimeInterval = 15
        /// The longest silence while the body streams in.
        public var readTimeout: TimeInterval = 30
        /// The whole download, however steadily the bytes come.
        public var totalTimeout: TimeInterval = 120
        public var maxRedirects = 5
        /// Of the body once decompressed.
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
        return try Transfer(url: url, fetcher: self).run(validators: validators, cancel: cancel)
            .mapError { $0.at(url) }.get()
    }

    /// libcurl's global state, set up once before the first download.
    fileprivate static let curlReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

/// One download on the calling thread: libcurl's multi interface driven in steps of at most 50 ms, so that
/// cancellation and every timeout are seen within that time. libcurl calls back on this same thread.
private final class Transfer {
    let url: String
    let userAgent: String
    let limits: Fetcher.Limits
    private var body = Data()
    private var responded = false
    private var lastByte = Date()
    private var failure: FeedError?
    /// The headers of the last response (a redirect's are dropped when the next response starts).
    private var etag: String?
    private var lastModified: String?
    private var encoded = false

    init(url: String, fetcher: Fetcher) {
        self.url = url
        userAgent = fetcher.userAgent
        limits = fetcher.limits
    }

    func run(validators: Validators, cancel: Cancellation) -> Result<FetchResult, FeedError> {
        guard Fetcher.curlReady, let easy = curl_easy_init(), let multi = curl_multi_init() else {
            return .failure(FeedError("download failed: libcurl could not start"))
        }
        var headers: UnsafeMutablePointer<curl_slist>?
        if let etag = validators.etag { headers = curl_slist_append(headers, "If-None-Match: \(etag)") }
        if let lm = validators.lastModified { headers = curl_slist_append(headers, "If-Modified-Since: \(lm)") }
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorText[0] = 0
        defer {
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
            curl_multi_cleanup(multi)
            curl_slist_free_all(headers)
            errorText.deallocate()
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_set_string(easy, CURLOPT_URL, url)
        ccurl_set_string(easy, CURLOPT_USERAGENT, userAgent)
        ccurl_set_list(easy, CURLOPT_HTTPHEADER, headers)
        // Only the web: a redirect to file:, ftp: or anything else is refused.
        ccurl_set_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_set_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        ccurl_set_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        ccurl_set_long(easy, CURLOPT_MAXREDIRS, limits.maxRedirects)
        // Every encoding libcurl decodes; the write callback counts the decoded bytes.
        ccurl_set_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        // A Content-Length over the cap is refused before the body comes.
        ccurl_set_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxBytes))
        ccurl_set_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_set_pointer(easy, CURLOPT_ERRORBUFFER, errorText)
        ccurl_set_pointer(easy, CURLOPT_WRITEDATA, me)
        ccurl_set_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, me in
            guard let data, let me else { return 0 }
            return Unmanaged<Transfer>.fromOpaque(me).takeUnretainedValue()
                .received(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        ccurl_set_pointer(easy, CURLOPT_HEADERDATA, me)
        ccurl_set_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, me in
            guard let data, let me else { return 0 }
            return Unmanaged<Transfer>.fromOpaque(me).takeUnretainedValue()
                .header(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        curl_multi_add_handle(multi, easy)

        let started = Date()
        var result: CURLcode?
        while result == nil {
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
            }
            if result != nil { break }
            if let failure { return .failure(failure) }
            if cancel.isCancelled { return .failure(FeedError("cancelled")) }
            let now = Date()
            if !responded, now.timeIntervalSince(started) > limits.connectTimeout {
                return .failure(FeedError("no response after \(Int(limits.connectTimeout)) s"))
            }
            if responded, now.timeIntervalSince(lastByte) > limits.readTimeout {
                return .failure(FeedError("timed out: no data for \(Int(limits.readTimeout)) s"))
            }
            if now.timeIntervalSince(started) > limits.totalTimeout {
                return .failure(FeedError("took longer than \(Int(limits.totalTimeout)) s, the download was stopped"))
            }
            curl_multi_poll(multi, nil, 0, 50, nil)
        }
        if cancel.isCancelled { return .failure(FeedError("cancelled")) }
        if let failure { return .failure(failure) }
        switch result {
        case CURLE_OK: break
        case CURLE_TOO_MANY_REDIRECTS: return .failure(FeedError("more than \(limits.maxRedirects) redirects"))
        case CURLE_FILESIZE_EXCEEDED: return .failure(tooLarge)
        default:
            let detail = errorText[0] != 0 ? String(cString: errorText) : String(cString: curl_easy_strerror(result ?? CURLE_OK))
            return .failure(FeedError("download failed: \(detail)"))
        }
        var status = 0
        ccurl_get_long(easy, CURLINFO_RESPONSE_CODE, &status)
        if status == 304 { return .success(.notModified) }
        guard (200..<300).contains(status) else { return .failure(FeedError(Self.statusLine(status))) }
        return .success(.fetched(body, Validators(etag: etag, lastModified: lastModified)))
    }

    private var tooLarge: FeedError {
        FeedError("larger than \(limits.maxBytes >> 20) MB\(encoded ? " once decompressed" : ""), the download was stopped")
    }

    /// A piece of the decoded body; returning less than its size makes libcurl stop the transfer.
    private func received(_ data: UnsafeRawBufferPointer) -> Int {
        lastByte = Date()
        guard body.count + data.count <= limits.maxBytes else {
            failure = tooLarge
            body = Data()
            return 0
        }
        body.append(contentsOf: data)
        return data.count
    }

    /// One header line of any response, redirects included.
    private func header(_ line: UnsafeRawBufferPointer) -> Int {
        lastByte = Date()
        responded = true
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("HTTP/") {
            (etag, lastModified, encoded) = (nil, nil, false)
        } else if let colon = text.firstIndex(of: ":") {
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch text[..<colon].lowercased() {
            case "etag": etag = value
            case "last-modified": lastModified = value
            case "content-encoding": encoded = !value.isEmpty && value.lowercased() != "identity"
            default: break
            }
        }
        return line.count
    }

    /// "HTTP 404 Not Found"; the server's own reason phrase is not shown (it is the server's text).
    static func statusLine(_ status: Int) -> String {
        let reasons = [
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            406: "Not Acceptable", 408: "Request Timeout", 410: "Gone", 429: "Too Many Requests",
            451: "Unavailable For Legal Reasons", 500: "Internal Server Error", 501: "Not Implemented",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
        ]
        return "HTTP \(status)" + (reasons[status].map { " " + $0 } ?? "")
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
