"""``python -m runbook``."""

import sys

from .cli import main

sys.exit(main())
