import FuzzHarness

import Foundation

exit(runFuzzer(.tdesktop))
