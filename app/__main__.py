"""``python -m app``: the same as the ``cart-composer`` command."""

from app.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
