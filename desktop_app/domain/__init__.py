"""Plain values and pure rules of the domain: no I/O, no Qt, no SQL."""
