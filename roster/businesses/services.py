"""Changes to businesses.

The API updates businesses; only the admin panel and the command line
create and delete them.
"""

from roster.businesses.models import Business
from roster.core.errors import RuleBroken
from roster.core.services import delete_record, save_record


def create_business(values, actor):
    """Create a business; administrators are given it separately."""
    return save_record(Business(), values, actor)


def save_business(business, values, actor):
    return save_record(business, values, actor)


def delete_business(business, actor):
    """Delete a business that holds no courses, customers or teams."""
    if (
        business.courses.exists()
        or business.coworkers.exists()
        or business.teams.exists()
    ):
        message = "The business still holds courses, customers or teams."
        raise RuleBroken("Id", business.pk, message)
    delete_record(business, actor)
