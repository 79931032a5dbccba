"""The inspection pages, by sub-area: the inspector's pages and confirming a suspension."""
