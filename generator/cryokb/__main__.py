"""`python -m cryokb`: the same as the `cryokb` command."""

import sys

from cryokb.cli import main

sys.exit(main())
