"""My data: informational services, the dashboard, and the citizen's data-access log."""
