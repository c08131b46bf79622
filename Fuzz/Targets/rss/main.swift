import FuzzHarness

import Foundation

exit(runFuzzer(.rss))
