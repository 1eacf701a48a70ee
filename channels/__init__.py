"""Input channels of the Rasa server (see credentials.yml)."""
