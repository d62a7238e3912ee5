"""Studio: facilitators author the courses they are attached to, in the browser.

`services` holds the authoring rules (who may author, creating, editing, reordering,
archiving and deleting modules and items, exporting a course as content files); `moves`
moving an item to another module; thin pages over them on the blueprint of `pages`, one
module per area (`views` for courses, which imports the others; `pages` lists them).
"""
