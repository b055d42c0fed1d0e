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


# The solver's statuses (kyodo.jinzai.model.Plan.status) as a coordinator reads them.
SOLVER_STATUS_LABELS = {"OPTIMAL": "最適解", "FEASIBLE": "実行可能解(最適とは限らない)", "GREEDY": "貪欲法"}


@register.filter
def jinzai_role_name(role_type: str | None) -> str:
    """A DSS-P role type's Japanese name (「ビジネスアーキテクト」, not `business_architect`); — when none."""
    from kyodo.jinzai.skills import taxonomy

    if not role_type:
        return "—"
    return taxonomy().role_types.get(role_type, role_type)


@register.filter
def jinzai_method(method: str) -> str:
    from kyodo.web.jinzai.views_board import METHOD_LABELS

    return METHOD_LABELS.get(method, method)


@register.filter
def jinzai_solver_status(status: str) -> str:
    return SOLVER_STATUS_LABELS.get(str(status), str(status))
