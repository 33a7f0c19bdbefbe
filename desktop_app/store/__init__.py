"""SQLite storage: the only place that speaks SQL."""

from .database import Store, StoreError

__all__ = ["Store", "StoreError"]
