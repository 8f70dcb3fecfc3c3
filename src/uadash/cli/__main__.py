"""`python -m uadash.cli`: the same as the `uadash` command."""

import sys

from uadash.cli import main

sys.exit(main())
