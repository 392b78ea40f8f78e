"""Folders of media labeled in place: scanning them, naming their files in tasks, resolving those names
safely, mirroring completions into a folder, and packing files into the project (and back out)."""
