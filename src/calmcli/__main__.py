from calmcli.quick import main

main()
