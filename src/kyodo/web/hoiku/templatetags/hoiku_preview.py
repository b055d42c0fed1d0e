"""How a child's place reads on the decision preview page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def placement(place: Any, names: dict[str, str]) -> str:
    """「A保育園(第2希望)」, 「A保育園(在園継続)」, 「保留」, or 「結果から外れる(辞退)」 for no row at all."""
    if place is None:
        return "結果から外れる(辞退)"
    if place.facility_id is None:
        return "保留"
    name = names.get(place.facility_id, place.facility_id)
    if place.choice is not None:
        return f"{name}(第{place.choice}希望)"
    return f"{name}(在園継続)" if place.stays else f"{name}(希望外・職員判断)"
