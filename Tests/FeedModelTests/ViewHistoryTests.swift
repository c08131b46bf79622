import FeedModel
import XCTest

final class ViewHistoryTests: XCTestCase {
    let posted = Date(timeIntervalSince1970: 1_700_000_000)
    func at(_ hours: Double, _ views: Int64) -> ViewSample { ViewSample(at: posted.addingTimeInterval(hours * 3600), views: views) }

    func testReachIsInterpolatedBetweenTheRefreshesAroundTheMoment() {
        XCTAssertEqual(ViewReach.views(at: 24, posted: posted, samples: [at(20, 1000), at(28, 1800)]), 1400)
        XCTAssertEqual(ViewReach.views(at: 24, posted: posted, samples: [at(24, 1234)]), 1234)
        XCTAssertNil(ViewReach.views(at: 24, posted: posted, samples: [at(1, 10), at(20, 1000)]), "never extrapolated forward")
        XCTAssertNil(ViewReach.views(at: 24, posted: posted, samples: [at(30, 2000), at(50, 3000)]), "nor backward")
    }

    func testAveragesOnlyOverPostsTheHistoryCovers() {
        let reach = ViewReach(
            posts: [
                (posted, [at(20, 1000), at(28, 1800), at(47, 2000), at(49, 2200)]),
                (posted, [at(23, 2000), at(25, 2000)]),
                (posted, [at(30, 5000)]),
                (nil, [at(20, 1), at(30, 2)]),
            ], subscribers: 10_000)
        XCTAssertEqual(reach.reach24, 1700)
        XCTAssertEqual(reach.posts24, 2)
        XCTAssertEqual(reach.reach48, 2100)
        XCTAssertEqual(reach.posts48, 1)
        XCTAssertEqual(reach.err, 0.17)
        let none = ViewReach(posts: [(posted, [at(1, 10)])], subscribers: 100)
        XCTAssertNil(none.reach24)
        XCTAssertNil(none.reach48)
        XCTAssertNil(none.err)
        XCTAssertNil(ViewReach(posts: [(posted, [at(20, 1), at(30, 2)])], subscribers: nil).err, "no subscribers, no ERR")
    }
}
