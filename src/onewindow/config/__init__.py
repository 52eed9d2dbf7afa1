"""Project configuration: settings, URL routes, ASGI entry point."""
