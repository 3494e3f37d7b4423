"""Rasa-side NLU plugins (run in .venv-rasa, Python 3.10)."""
