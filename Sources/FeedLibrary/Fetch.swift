import FeedModel
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sources given as http(s) URLs are downloaded here (the model stays free of I/O). A download runs on the
/// loading thread, so the screen shows progress and q cancels it like any long load.
public enum Fetch {
    public static func isURL(_ source: String) -> Bool {
        let lower = source.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The body of a successful GET, or a one-line error. Larger than `limit` bytes is refused.
    public static func data(from source: String, userAgent: String, timeout: TimeInterval = 60, limit: Int = 1 << 30) throws(FeedError) -> Data {
        guard let url = URL(string: source), url.host?.isEmpty == false else { throw FeedError("not a valid URL", source: source) }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        let outcome = Mutex<Result<Data, FeedError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            let result: Result<Data, FeedError>
            if let error {
                result = .failure(FeedError("download failed: \(error.localizedDescription)", source: source))
            } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                result = .failure(FeedError("HTTP \(http.statusCode)", source: source))
            } else if let data, data.count <= limit {
                result = .success(data)
            } else {
                result = .failure(FeedError("the download is larger than \(limit >> 20) MB", source: source))
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        done.wait()
        return try (outcome.withLock { $0 } ?? .failure(FeedError("download failed", source: source))).get()
    }
}
