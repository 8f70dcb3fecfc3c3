"""Action reports: every way they come in (`csv_import`, `osdi`, staff entry in `intake`), the
one writer that keeps the daily rollup exact (`writer`), and exports (`exports`)."""
