"""`python -m readr` and the `readr` console script."""


def main() -> None:
    from .cli import app

    app(prog_name="readr")


if __name__ == "__main__":
    main()
