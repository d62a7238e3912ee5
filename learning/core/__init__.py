"""Pages and behaviour shared by every domain: home, health check, errors, security headers."""
