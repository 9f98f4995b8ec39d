"""The status path's cost with the platform running: before and after issue 5."""
