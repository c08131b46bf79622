import FuzzHarness

import Foundation

exit(runFuzzer(.opml))
