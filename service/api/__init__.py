"""The FastAPI application: routes, schemas, dependencies and settings kept apart."""
