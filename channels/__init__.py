"""Input channels of the Rasa server (see credentials.yml).

Rasa imports this package when it loads the channels, in every server
process: the action-response check is made cheaper there (see
channels/action_validation.py).
"""
from channels.action_validation import install as _install_action_validation

_install_action_validation()
