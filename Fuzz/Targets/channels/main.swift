import FuzzHarness

import Foundation

exit(runFuzzer(.channels))
