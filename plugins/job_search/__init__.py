"""Job search: offers aggregated from several sources, de-duplicated, searched with tantivy."""
