"""Course and lesson HTML, cleaned before customers see it.

Administrators write that HTML; whatever they put in it, no script, event
handler or `javascript:` link reaches the portal, which shares its origin
with the Admin Panel, nor the portal API's answers. Ammonia (through nh3)
keeps the formatting tags.
"""

import nh3


def clean(value):
    return nh3.clean(value or "")
