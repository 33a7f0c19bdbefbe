"""The Qt windows: a thin skin over the services."""
