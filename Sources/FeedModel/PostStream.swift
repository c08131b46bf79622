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

/// What an importer hands its publications to. Importers that read all at once (the page formats, which need
/// the whole document) hand nothing over; the final channels carry every post either way.
public final class PostStream {
    let sink: PostSink
    /// The size of the source in bytes, for the share read.
    public internal(set) var byteCount = 0
    public private(set) var cancelled = false
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
        return !cancelled
    }
}
