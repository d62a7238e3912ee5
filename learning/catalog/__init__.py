"""Catalog: courses, modules and items, and the pages participants browse them on."""
