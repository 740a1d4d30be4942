"""The entry point of installs made before the package was reorganised (`calmcli.quick:main`).

Their `calm` script still imports this; reinstalling points it at `calmcli.cli.entry:main`.
"""

from calmcli.cli.entry import main

__all__ = ["main"]
