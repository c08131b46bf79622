import FuzzHarness

import Foundation

exit(runFuzzer(.config))
