"""A minimal handler for SecureFunction's asset-code tests (never deployed)."""


def handler(event: dict, context: object) -> dict:
    """Echo the event's keys."""
    return {"keys": sorted(event)}
