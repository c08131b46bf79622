import FeedTUI

runFeedTUI()
