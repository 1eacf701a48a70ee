"""Work the handoff queue from a terminal.

    python -m support_console.cli list
    python -m support_console.cli show BH-XXXXXX
    python -m support_console.cli resolve BH-XXXXXX
"""
import argparse
import json
import sys

from borrower_help.storage.tickets import RESOLVED, TicketStore
from support_console import handback
from support_console.rasa_api import RasaUnavailable


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="support_console.cli", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="open tickets, most urgent first")
    show = commands.add_parser("show", help="one ticket with its summary")
    show.add_argument("reference")
    resolve = commands.add_parser("resolve", help="mark resolved and give the chat back to the bot")
    resolve.add_argument("reference")
    args = parser.parse_args(argv)

    store = TicketStore()
    if args.command == "list":
        tickets = store.waiting()
        for t in tickets:
            print(f"{t['reference']}  {t['priority']:6}  {t['language']}  {t['reason']:18} "
                  f"{t['created_at']:%Y-%m-%d %H:%M}  {t['conversation_id']}")
        print(f"{len(tickets)} open")
        return 0

    ticket = store.get(args.reference.upper())
    if ticket is None:
        print(f"no ticket {args.reference}", file=sys.stderr)
        return 1
    if args.command == "show":
        print(json.dumps(ticket, default=str, ensure_ascii=False, indent=2))
        return 0
    if ticket["status"] == RESOLVED:
        print(f"{ticket['reference']} is already resolved")
        return 0
    try:
        handback.resolve(ticket, store=store)
    except RasaUnavailable as error:
        print(f"{ticket['reference']} stays open: {error}", file=sys.stderr)
        return 1
    print(f"{ticket['reference']} resolved; conversation {ticket['conversation_id']} is back with the bot")
    return 0


if __name__ == "__main__":
    sys.exit(main())
