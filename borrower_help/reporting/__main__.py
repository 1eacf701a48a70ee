"""python -m borrower_help.reporting catch-up | rebuild | status

catch-up  read the events written since the last catch-up (the worker does
          this every second; running it by hand is harmless)
rebuild   empty the reporting tables and read every event again (after a
          change to reporting/model.py, or to check: the rows come out the
          same); the console shows partial figures until it ends
status    how far the reporting tables are behind `events`
"""
import argparse
import sys
import time

from borrower_help import storage
from borrower_help.reporting import catchup


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m borrower_help.reporting",
                                     description="The console's reporting tables (DATABASE_URL).")
    parser.add_argument("command", choices=["catch-up", "rebuild", "status"])
    args = parser.parse_args()
    where = storage.database_url().split("@")[-1]  # never print a password
    started = time.monotonic()
    if args.command == "catch-up":
        read = catchup.catch_up()
        print(f"{where}: {read} events read in {time.monotonic() - started:.1f} s")
    elif args.command == "rebuild":
        def progress(read: int) -> None:
            print(f"\r{read:,} events read ({time.monotonic() - started:.0f} s)", end="", file=sys.stderr)

        read = catchup.rebuild(progress=progress)
        print(f"\n{where}: rebuilt from {read:,} events in {time.monotonic() - started:.1f} s")
    lag = catchup.lag()
    if lag["rebuilding"]:
        print(f"{where}: a rebuild is under way, or was interrupted (then run `rebuild` again): "
              "the catch-up waits for it")
        return 1
    print(f"{where}: {lag['behind']} events not read yet (oldest {lag['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
