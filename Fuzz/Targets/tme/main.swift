import FuzzHarness

import Foundation

exit(runFuzzer(.tme))
