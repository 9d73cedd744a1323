"""`python -m tinymorph_tui` runs the CLI."""

import sys

from tinymorph_tui.cli import main

sys.exit(main())
