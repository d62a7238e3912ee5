"""Studio: facilitators author the courses they are attached to, in the browser.

The authoring rules, as plain functions, one module per area: `courses` (who may author
and the loaders, `StudioError`, a course's settings, co-facilitators, the export as content
files), `modules`, `item_rules` (readings, recordings, self-assessments, their files),
`moves` (an item to another module), `instruments` (with `instrument_problems`), `images`,
`roster` and `roster_jobs` (participants from a CSV file), and `effects` (what a change does
to the cohorts' figures). Their forms: `forms` (what every studio form shares, course
settings, people, images), `module_forms`, `item_forms`, `instrument_forms` (with
`instrument_rows` and `rows`) and `cohort_forms`. Thin pages over them on the blueprint of
`pages`, one module per area (`views` for courses, which imports the others; `pages` lists
them).
"""
