"""`python -m settings`: the README's tables (environment variables, listeners) in Markdown."""

from settings.table import markdown

print(markdown())
