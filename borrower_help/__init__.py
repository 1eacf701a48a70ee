"""Borrower Help's core: what the Rasa server, the action server, the support
console and the launcher share.

It imports neither Rasa nor Django (tests/core/test_boundaries.py checks), so
every process can use it:

    language     which language a message is written in
    privacy      secrets and personal numbers: recognised, masked
    log_masking  the same masking on every log line of every process
    catalogue    the problems the bot knows, their descriptions and priorities
    answers      reading a borrower's free-text answers (yes/no, dates, scores)
    frustration  signs that a borrower is getting frustrated
    lender       the lender's settings (lender.yml)
    hours        support hours in the lender's time zone
    keys         secrets from the environment or private files under var/
    storage      the database: tables, migrations, tickets, ratings, outbox
    launcher     starts every process of `make run` and `make run-prod`
"""
