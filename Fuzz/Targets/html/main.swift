import FuzzHarness

import Foundation

exit(runFuzzer(.html))
