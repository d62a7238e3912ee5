"""Uploaded files: their types checked from their content, stored under MEDIA_ROOT.

Used by the studio (uploads) and by the content files (import and export), so that a file is
checked one way whichever door it came through.
"""
