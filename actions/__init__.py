"""Custom actions of Borrower Help, served by `rasa run actions`.

One module per concern: message inspection (language, secrets), the two
guided flows, the end of a flow, handoff and its ticket store.
"""
