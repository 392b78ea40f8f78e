"""The bundle's entry point: the same `lsdesk` command the package installs (lsdesk.cli.main)."""

from lsdesk.cli import main

main()
