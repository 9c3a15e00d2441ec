from django import template
from django.utils.safestring import mark_safe

from roster.portal.html import clean

register = template.Library()


@register.filter
def clean_html(value):
    """The HTML with only harmless tags and attributes left (see html.py)."""
    return mark_safe(clean(value))
