"""`python -m kbgen ...` is `kb ...`."""

import sys

from kbgen.cli import kb_main

sys.exit(kb_main())
