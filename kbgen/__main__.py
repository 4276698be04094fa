"""`python -m kbgen ...` is `kb ...`."""

import sys

from kbgen.cli.kb import main

sys.exit(main())
