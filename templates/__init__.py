"""Site templates and assets, rendered by kbgen.site."""
