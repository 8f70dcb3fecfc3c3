"""Cases: the YAML case files (`files`), versioned and audited edits (`edits`)."""
