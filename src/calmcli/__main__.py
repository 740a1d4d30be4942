from calmcli.cli.main import run

run()
