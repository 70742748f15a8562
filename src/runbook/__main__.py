"""``python -m runbook``."""

import sys

from runbook.console import main

sys.exit(main())
