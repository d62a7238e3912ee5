"""Course content as files: check (`folder`), import (`importer`) and export (`exporter`).

`flask content check|import|export DIR` (`cli`) are thin wrappers over `validate_content`,
`import_content` and `export_content`; `sanitise.sanitise_html` cleans rich text for any domain.
"""
