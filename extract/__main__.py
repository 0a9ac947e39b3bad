"""``python -m extract``: the same as the ``vnextract`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
