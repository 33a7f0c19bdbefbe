"""Entry of the packaged console program."""

import sys

from desktop_app.cli import main

sys.exit(main())
