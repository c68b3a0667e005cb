"""People: identity records from every source and the screening index over them."""
