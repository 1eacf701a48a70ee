"""python -m borrower_help.storage migrate | status"""
import argparse
import sys

from borrower_help.storage import database_url
from borrower_help.storage.migrate import current_revision, head_revision, upgrade


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m borrower_help.storage",
                                     description="Borrower Help's database (DATABASE_URL).")
    parser.add_argument("command", choices=["migrate", "status"])
    args = parser.parse_args()
    if args.command == "migrate":
        upgrade()
    current, head = current_revision(), head_revision()
    where = database_url().split("@")[-1]  # never print a password
    print(f"{where}: schema {current or 'none'} (latest {head})")
    return 0 if current == head else 1


if __name__ == "__main__":
    sys.exit(main())
