import FuzzHarness

import Foundation

exit(runFuzzer(.query))
