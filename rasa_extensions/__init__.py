"""Borrower Help's extensions of Rasa, in one place:

    channels/    the REST and socket.io channels with input checks and limits
    stores/      the masking, durable SQL tracker store; the atomic Redis lock store
    components/  NLU components (the bilingual tokenizer, the message inspector)
    patches.py   the changes to Rasa's own behaviour, installed explicitly
    server.py    `python -m rasa_extensions.server`: a Rasa server with all of it

Rasa loads channels, stores and components by module path (credentials.yml,
endpoints.yml, config.yml); the patches are installed by server.py before
Rasa starts, never as a side effect of an import.
"""
