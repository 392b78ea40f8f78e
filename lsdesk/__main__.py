from lsdesk.cli import main

main()
