"""The demo data of `load_demo`: content from fixtures/ (content.py) and, for development only,
engagements with their people, visits and answers (engagements.py)."""
