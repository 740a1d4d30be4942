from calmcli.cli.entry import main

main()
