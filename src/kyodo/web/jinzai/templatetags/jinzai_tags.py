from typing import Any

from django import template

from kyodo.web.jinzai import roles

register = template.Library()


@register.simple_tag
def jinzai_coordinator(user: Any) -> bool:
    return roles.is_coordinator(user)


@register.simple_tag
def jinzai_specialist(user: Any) -> bool:
    return roles.specialist_of(user) is not None
