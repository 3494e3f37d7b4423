"""The admissions offices' service: a JSON API (OpenAPI at /openapi.json) and server-rendered pages."""
