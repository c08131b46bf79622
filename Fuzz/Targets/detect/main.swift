import FuzzHarness

import Foundation

exit(runFuzzer(.detect))
