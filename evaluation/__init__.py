"""Conversation-level evaluation of Borrower Help: simulated borrowers
(personas) played against real servers, and a "never silent" property test.
See docs/conversation-evaluation.md."""
