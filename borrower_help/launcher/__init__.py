"""The one launcher: every process of Borrower Help is started here, by
`make run`, `make run-prod`, the tests and the benchmarks alike.

    python -m borrower_help.launcher run        # the embedded default (SQLite)
    python -m borrower_help.launcher run-prod   # N Rasa servers behind nginx on PostgreSQL, Redis, RabbitMQ

settings.py   every port, address and file, set once, from the environment
commands.py   the command line of each process kind (never a secret in it)
supervisor.py starting, watching and stopping processes; one signal stops all
shapes.py     the default and the production shape
"""
from borrower_help.launcher.settings import Settings, production_settings  # noqa: F401
from borrower_help.launcher.shapes import start_default, start_production  # noqa: F401
from borrower_help.launcher.supervisor import Supervisor  # noqa: F401
