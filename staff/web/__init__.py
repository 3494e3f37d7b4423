"""The staff web service (FastAPI): pages and API for admissions offices, counsellors and the department."""
