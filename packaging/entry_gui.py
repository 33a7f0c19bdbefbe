"""Entry of the packaged windowed program."""

import sys

from desktop_app.app import main

sys.exit(main())
