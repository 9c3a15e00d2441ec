"""Changes to businesses: updated through the API, never created there."""

from roster.core.services import save_record


def save_business(business, values, actor):
    return save_record(business, values, actor)
