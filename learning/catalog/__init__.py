"""Catalog: courses, modules and items, and the pages participants browse them on.

`outline` is a course's structure kept per process (its store is in `learning.caches`);
`services` holds the access rule (who may see which course and module) and the loaders the
pages use. Catalog knows nothing of progress: a participant's look-ups, which join the two,
are `learning.progress.lookups`.
"""
