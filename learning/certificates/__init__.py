"""Certificates: issued on completion, verified in public, revocable, and as Open Badges."""
