import FuzzHarness

import Foundation

exit(runFuzzer(.json))
