"""Developer-facing tools shipped with the application (screenshots of every view)."""
