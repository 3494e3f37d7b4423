"""Operations: the launcher (`make run`/`make serve`), NLU evaluation and conversation checks.

Top of the import graph: may import every other package."""
