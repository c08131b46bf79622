import FuzzHarness

import Foundation

exit(runFuzzer(.page))
