"""Bulk work over thousands of rows (a 10,000-row return import, a 10,000-row progress sheet)
without the cycle collector.

Reading and applying a large return, or laying out a large sheet, builds hundreds of thousands of
small containers (rows, values, changes, audit rows, table cells) that all live until the work is
done. Python's cycle collector,
triggered by those allocations, walks every live object again and again and frees nothing:
about a tenth of the import. Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector for the block (also usable as a decorator); nests safely."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            # One walk over what the block left alive, here on the worker's thread, instead of
            # the many it saved: left for later, it would fall to whatever code allocates next
            # (the GUI thread, say) and stall it.
            gc.collect(1)
