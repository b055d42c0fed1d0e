from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from kyodo.web.accounts.models import Role, User


class LoginForm(forms.Form):
    username = forms.CharField(label="利用者名", max_length=150)
    password = forms.CharField(label="パスワード", widget=forms.PasswordInput)


class UserCreateForm(forms.Form):
    username = forms.RegexField(label="利用者名", max_length=150, regex=r"^[A-Za-z0-9_.@+-]+$",
                                error_messages={"invalid": "半角英数字と _ . @ + - だけが使えます"})
    display_name = forms.CharField(label="氏名", max_length=80)
    role = forms.ChoiceField(label="役割")
    password = forms.CharField(label="初期パスワード", widget=forms.PasswordInput)

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        # Most new users are staff: an administrator is the exception, chosen on purpose.
        if str(Role.STAFF) in dict(roles):
            self.fields["role"].initial = str(Role.STAFF)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("この利用者名は使われています")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password"):
            probe = User(username=data.get("username", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class UserChangeForm(forms.Form):
    display_name = forms.CharField(label="氏名", max_length=80)
    role = forms.ChoiceField(label="役割")
    is_active = forms.BooleanField(label="有効", required=False)
    new_password = forms.CharField(label="新しいパスワード(変えるときだけ)", widget=forms.PasswordInput, required=False)

    def __init__(self, *args: Any, roles: list[tuple[str, str]], user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.user = user

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data.get("new_password") or ""
        if password:
            password_validation.validate_password(password, self.user)
        return password
