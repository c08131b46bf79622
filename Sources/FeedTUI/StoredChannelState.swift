/// What the state database keeps for one channel.
struct StoredChannelState: Equatable {
    var rating: Int?
    var readPosts: Set<String>
    var lastSelected: String?
}
