"""The specialist pool: coordinators keep every profile; each specialist keeps their own availability and skills."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kyodo.jinzai.skills import taxonomy
from kyodo.web.accounts.models import User
from kyodo.web.audit.log import record_request
from kyodo.web.jinzai import roles
from kyodo.web.jinzai.actions import JinzaiAction
from kyodo.web.jinzai.forms import AbsenceForm, CoordinatorProfileForm, ProfileForm
from kyodo.web.jinzai.models import Absence, Specialist
from kyodo.web.tenancy import get_for_user_or_404


def _skill_text(skills: dict[str, int]) -> str:
    tax = taxonomy()
    return "、".join(f"{tax.name(k)} Lv{v}" for k, v in sorted(skills.items(), key=lambda kv: -kv[1]))


def _apply_profile(form: ProfileForm, s: Specialist) -> None:
    s.hours_per_week = form.hours_per_week()
    s.modes = form.cleaned_data["modes"]
    s.home_area = form.cleaned_data["home_area"]
    s.skills = form.skills()


# --- coordinators: the whole pool (roles.specialists_for)
@roles.coordinator_required
def specialist_list(request: HttpRequest) -> HttpResponse:
    rows = [
        (s, _skill_text(s.skills))
        for s in roles.specialists_for(request.user).select_related("user").prefetch_related("absences")
    ]
    return render(request, "jinzai/specialist_list.html", {"rows": rows, "roles": taxonomy().role_types})


def _link_user(form: CoordinatorProfileForm, s: Specialist) -> bool:
    """Link the named 東京都 account; False (with a form error) when it is not one or is someone else's."""
    username = form.cleaned_data["username"].strip()
    if not username:
        s.user = None
        return True
    user = User.objects.filter(username=username, organisation_id=s.organisation_id).first()
    if user is None:
        form.add_error("username", "東京都の利用者にその名前はありません")
        return False
    taken = Specialist.objects.for_org(s.organisation_id).filter(user=user).exclude(pk=s.pk).exists()
    if taken:
        form.add_error("username", "その利用者は別の人材に紐づいています")
        return False
    s.user = user
    return True


def _coordinator_save(request: HttpRequest, s: Specialist, form: CoordinatorProfileForm) -> bool:
    if not form.is_valid() or not _link_user(form, s):
        return False
    data = form.cleaned_data
    _apply_profile(form, s)
    s.name, s.role_type = data["name"], data["role_type"]
    s.current_load_hours, s.conflicts = data["current_load_hours"], sorted(data["conflicts"])
    s.max_cases, s.active = data["max_cases"], data["active"]
    s.save()
    record_request(request, JinzaiAction.PROFILE_CHANGE, s, by="coordinator", hours_per_week=s.hours_per_week,
                   conflicts=s.conflicts, active=s.active)
    return True


@roles.coordinator_required
def specialist_create(request: HttpRequest) -> HttpResponse:
    form = CoordinatorProfileForm(request.POST or None, initial={"availability": 8, "active": True})
    s = Specialist(organisation_id=request.user.organisation_id)
    if request.method == "POST" and _coordinator_save(request, s, form):
        messages.success(request, f"{s.name} さんを登録しました。")
        return redirect("jinzai:specialist_list")
    return render(request, "jinzai/profile_form.html", {"form": form, "coordinator": True})


@roles.coordinator_required
def specialist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    s = get_for_user_or_404(Specialist, request, pk)  # the pool belongs to 東京都, the coordinator's organisation
    form = CoordinatorProfileForm(request.POST or None, initial=CoordinatorProfileForm.initial_for(s))
    if request.method == "POST" and _coordinator_save(request, s, form):
        messages.success(request, f"{s.name} さんの情報を保存しました。")
        return redirect("jinzai:specialist_list")
    return render(request, "jinzai/profile_form.html", {
        "form": form, "coordinator": True, "s": s, "absences": s.absences.all(),
    })


# --- a specialist: their own profile and absences only (roles.specialist_of)
@roles.specialist_required
def my_profile(request: HttpRequest) -> HttpResponse:
    s = roles.specialist_of(request.user)
    assert s is not None  # specialist_required
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(s))
    if request.method == "POST" and form.is_valid():
        _apply_profile(form, s)
        s.save()
        record_request(request, JinzaiAction.PROFILE_CHANGE, s, by="self", hours_per_week=s.hours_per_week,
                       modes=s.modes, skills=s.skills)
        messages.success(request, "稼働条件とスキルを保存しました。次のマッチングから使われます。")
        return redirect("jinzai:my_profile")
    return render(request, "jinzai/profile_form.html", {
        "form": form, "coordinator": False, "s": s, "absences": s.absences.all(), "absence_form": AbsenceForm(),
        "today": timezone.localdate(),
    })


@roles.specialist_required
@require_POST
def absence_add(request: HttpRequest) -> HttpResponse:
    s = roles.specialist_of(request.user)
    assert s is not None
    form = AbsenceForm(request.POST)
    if form.is_valid():
        a = Absence.objects.create(organisation_id=s.organisation_id, specialist=s, **form.cleaned_data)
        record_request(request, JinzaiAction.ABSENCE, a, added=f"{a.start}〜{a.end}")
        messages.success(request, f"不在期間 {a.start:%Y-%m-%d}〜{a.end:%Y-%m-%d} を登録しました。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("jinzai:my_profile")


@roles.specialist_required
@require_POST
def absence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    s = roles.specialist_of(request.user)
    assert s is not None
    a = s.absences.filter(pk=pk).first()  # only the specialist's own absences
    if a is None:
        raise Http404("見つかりません")
    record_request(request, JinzaiAction.ABSENCE, a, removed=f"{a.start}〜{a.end}")
    a.delete()
    messages.success(request, "不在期間を削除しました。")
    return redirect("jinzai:my_profile")
