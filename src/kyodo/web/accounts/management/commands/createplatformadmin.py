"""Create the first platform administrator (東京都), who then creates each organisation's administrator."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kyodo.web.accounts.models import Organisation, Role, User
from kyodo.web.accounts.organisations import TOKYO


class Command(BaseCommand):
    help = "基盤管理者(東京都)を作成します。パスワードは KYODO_ADMIN_PASSWORD か対話入力で渡します。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--display-name", default="基盤管理者")

    def handle(self, *args: Any, username: str, display_name: str, **options: Any) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"利用者名「{username}」は使われています")
        password = os.environ.get("KYODO_ADMIN_PASSWORD") or getpass.getpass("パスワード: ")
        user = User(username=username, display_name=display_name, role=Role.PLATFORM_ADMIN,
                    organisation=Organisation.objects.get(code=TOKYO[0]))
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        self.stdout.write(f"基盤管理者「{username}」を作成しました(東京都)")
