"""Field mappings: sandboxed Jinja2 templates rendered into ticket drafts (DESIGN §5)."""
