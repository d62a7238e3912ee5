"""The site's front door, at the top of the layers: home, health check, error pages, demo data.

It may use every domain (the demo data fills them all); nothing below imports it.
"""
