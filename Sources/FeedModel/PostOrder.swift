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
        var order = Array(posts.indices)
        let dates = Publication.placeDates(posts)
        switch self {
        case .newest: order.sort { (dates[$0], $1) > (dates[$1], $0) }
        case .oldest: order.sort { (dates[$0], $0) < (dates[$1], $1) }
        case .mostViewed:
            order.sort {
                let a = posts[$0].views?.value ?? -1
                let b = posts[$1].views?.value ?? -1
                return a != b ? a > b : (dates[$0], $1) > (dates[$1], $0)
            }
        }
        return order
    }
}
