"""The project editor dialog."""
