import FuzzHarness

import Foundation

exit(runFuzzer(.draw))
