"""Vietnamese text as people type it: normalisation, folding, teencode, phrase tables.

Standard library only: imported from both environments (Rasa on Python 3.10, the rest on 3.11+)."""
