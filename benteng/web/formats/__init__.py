"""Display formats of the site (settings ``FORMAT_MODULE_PATH``): one per language."""
