"""The web application: server-rendered pages (Jinja2 templates) with htmx for partial updates,
calling the same use cases as the API and the CLI (docs/adr/0022-web-pages-server-rendered-with-htmx.md)."""
