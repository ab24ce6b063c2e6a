"""`python -m readr` and the `readr` console script."""


def main() -> None:
    import sys

    # `readr` (the TUI) and `readr search ...` without importing Typer; every other command
    # line, and anything the fast path is not sure of, goes to the Typer app unchanged.
    from .cli.fast import dispatch

    dispatch(sys.argv[1:])
    from .cli import app

    app(prog_name="readr")


if __name__ == "__main__":
    main()
