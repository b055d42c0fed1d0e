"""The nursery allocation's part of `kyodo web demo` before the round is made: the ward's own rules version
(started from the shipped 江東区 rules, as the rules page does) and its letter settings (通知書の設定), so the
round runs under a version and its notices print a 文書番号, a 発行日 and a contact.

The letter settings are an example, not 江東区's own: the mayor is a made-up name and the phone number is marked
as an example in the contact section (a notice prints 「{区}長 {区長名}（公印省略）」, so 区長名 must be a name).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kyodo.web.hoiku.models import LetterSetting, RulesOrigin, RulesVersion

SHIPPED = "koto"
RULES_TITLE = "利用調整基準"
LETTER = {
    "document_number": "江こ保第1234号",
    "mayor": "見本 太郎",
    "contact_section": "こども未来部 保育課 入園相談係(デモ用の例)",
    "contact_phone": "03-0000-0000",
}


def issue_date(fiscal_year: int) -> date:
    """The first round's notices go out in early February before the April admissions."""
    return date(fiscal_year, 2, 6)


def ensure_rules_version(admin: Any, fiscal_year: int) -> RulesVersion:
    """The organisation's version made from the shipped rules for the year; made once."""
    from kyodo.web.hoiku.rules_services import start_from_shipped

    found: RulesVersion | None = RulesVersion.objects.for_user(admin).filter(
        fiscal_year=fiscal_year, origin=RulesOrigin.SHIPPED, based_on_shipped=SHIPPED
    ).order_by("number").first()
    return found or start_from_shipped(admin, SHIPPED, fiscal_year, RULES_TITLE)


def ensure_letter_settings(admin: Any, fiscal_year: int) -> LetterSetting:
    """The organisation's letter settings, checked by the engine as the settings page does; an administrator's
    own settings are kept."""
    from kyodo.hoiku.outputs.notices.letter import letter_settings

    found: LetterSetting | None = LetterSetting.objects.for_user(admin).first()
    if found is not None:
        return found
    values = {**LETTER, "issue_date": issue_date(fiscal_year)}
    letter_settings(values, "デモの通知書の設定")  # raises InputError if an example value stopped being valid
    setting: LetterSetting = LetterSetting.objects.create(
        organisation_id=admin.organisation_id, updated_by=admin, **values
    )
    return setting
