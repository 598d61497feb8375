"""``python -m climrisk``: the same as the ``climrisk`` command."""

from climrisk.cli.main import main

if __name__ == "__main__":
    main()
