"""``python -m dicomstd``: the same as the ``dicomstd`` command."""

from dicomstd.cli import main

main()
