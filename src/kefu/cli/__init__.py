"""The `kefu` command line: one command for every operator task."""
