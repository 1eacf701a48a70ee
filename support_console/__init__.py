"""What support agents use to work handed-off conversations."""
