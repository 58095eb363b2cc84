"""``python -m zhenxing`` runs the CLI."""

from zhenxing.cli import main

main()
