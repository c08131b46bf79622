/// The orders the post list can be shown in.
public enum PostOrder: String, CaseIterable, Sendable {
    case newest, oldest, mostViewed = "most viewed"

    public var next: PostOrder {
        let all = PostOrder.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }

    /// Indexes of `posts` in this order, by `Publication.placeDates` (an undated post keeps its place). Equal dates (and equal views) keep the source's order; unknown views
    /// sort last; equal views put the newer post first.
    public func arrange(_ posts: [Publication]) -> [Int] {
        let dates = Publication.placeDates(posts)
        return arrange(count: posts.count) { SortKey(date: dates[$0], views: posts[$0].views?.value, seq: $0) }.map(Int.init)
    }

    /// Indexes of `count` posts known by their keys alone (`key(i).seq == i`) in this order; the keys are made as
    /// they are compared and the indexes are 32-bit, so that a million posts are put in order in 4 MB.
    public func arrange(count: Int, key: (Int) -> SortKey) -> [Int32] {
        var order = Array(0..<Int32(count))
        order.sort { key(Int($0)).precedes(key(Int($1)), in: self) }
        return order
    }

    /// The place of each of `count` posts in this order (`arrange` turned inside out).
    public func ranks(count: Int, key: (Int) -> SortKey) -> [Int32] {
        var ranks = [Int32](repeating: 0, count: count)
        for (rank, i) in arrange(count: count, key: key).enumerated() { ranks[Int(i)] = Int32(rank) }
        return ranks
    }
}

/// What a post sorts by in the display orders: its date (`Publication.placeDates`), its views and its place in the
/// source. The one definition of the orders in Swift, for `PostOrder.arrange` and for the library placing one post.
public struct SortKey: Equatable, Sendable {
    public var date: Double
    public var views: Int64?
    public var seq: Int

    public init(date: Double, views: Int64?, seq: Int) {
        self.date = date
        self.views = views
        self.seq = seq
    }

    /// Whether `self` comes before `other` in `order`: unknown views last, equal views the newer first, equal dates in
    /// the source's order.
    public func precedes(_ other: SortKey, in order: PostOrder) -> Bool {
        if order == .mostViewed, (views ?? -1) != (other.views ?? -1) { return (views ?? -1) > (other.views ?? -1) }
        if date != other.date { return order == .oldest ? date < other.date : date > other.date }
        return seq < other.seq
    }

    /// Whether a post moves in `order` when its key changes from `self` to `other`.
    public func differs(from other: SortKey, in order: PostOrder) -> Bool {
        date != other.date || seq != other.seq || (order == .mostViewed && (views ?? -1) != (other.views ?? -1))
    }
}
