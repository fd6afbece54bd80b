"""One generic spider per source kind; each reads its Source from the config by name."""
