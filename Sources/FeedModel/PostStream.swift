/// Receives what an importer reads while it reads it, so that the first posts of a large file can be stored and
/// shown before the rest is read. Called on the importing thread, in the source's order.
public protocol PostSink: AnyObject {
    /// A channel of the source (its index there) starts: its fields as read so far, without publications. The
    /// importer's final channels may still change them (a title after the posts, what was skipped).
    func begin(channel: Int, header: Channel)
    /// One more publication of a begun channel, and how many of the source's bytes were read. False stops the
    /// reading: the load then throws "import cancelled".
    func add(_ post: Publication, channel: Int, bytesRead: Int) -> Bool
}

/// What an importer hands its publications to. A streaming importer keeps none of the posts it hands over, so
/// that reading a file of any size holds one post at a time: the channels it returns come without them, and
/// `streamedAs` says which were handed over. Importers that read all at once (the page formats, which need the
/// whole document) hand nothing over and return every post.
public final class PostStream {
    let sink: PostSink
    /// The size of the source in bytes, for the share read.
    public internal(set) var byteCount = 0
    public private(set) var cancelled = false
    /// For each channel the load returned, in order: the index its posts were handed over under (its
    /// `publications` are then empty), or nil for a channel whose posts are its own (none was handed over).
    public private(set) var streamedAs: [Int?] = []
    /// The importer gives every post an id of its own (RSS names a repeated guid's item "#2"): the library need
    /// not look for an earlier post with the same id.
    public internal(set) var idsAreUnique = false
    /// Called with how far the source was read once the posts before that point are handed over: a mapped file
    /// lets its pages go (`SourceFile`).
    var consumed: ((Int) -> Void)?
    private var begun = Set<Int>()

    public init(_ sink: PostSink) { self.sink = sink }

    /// Hands over one publication; `header` is asked for only at a channel's first. False once cancelled.
    func send(_ post: Publication, channel: Int, bytesRead: Int, header: () -> Channel) -> Bool {
        guard !cancelled else { return false }
        if begun.insert(channel).inserted {
            var header = header()
            header.removeControls()
            sink.begin(channel: channel, header: header)
        }
        var post = post
        post.removeControls()
        if !sink.add(post, channel: channel, bytesRead: bytesRead) { cancelled = true }
        consumed?(bytesRead)
        return !cancelled
    }

    /// The importer returns channels read under these indexes, in this order.
    func returned(_ indexes: [Int]) {
        streamedAs = indexes.map { begun.contains($0) ? $0 : nil }
    }
}
