"""The service catalogue: categories, agencies, services, and search over them."""
