from sferum_onboard.cli import main

main()
