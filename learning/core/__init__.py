"""The kernel every domain stands on, and that imports none of them.

Forms, JSON errors, request limits, routing, caching headers, slugs, text checks and the
Jinja set-up. The site's pages and the demo data sit at the top instead (`learning.site`).
"""
