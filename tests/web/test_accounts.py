from __future__ import annotations

from django.test import Client

from kyodo.web.accounts.models import Role, User
from kyodo.web.audit.models import Action, AuditEntry

from .conftest import PASSWORD


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


def test_login_succeeds_and_is_audited(bob):
    client = Client()
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEntry.objects.for_user(bob).filter(action=Action.LOGIN, user=bob).exists()


def test_wrong_password_is_refused_and_audited(bob):
    response = _login(Client(), "bob", "wrong")
    assert response.status_code == 200
    assert "利用者名またはパスワードが違います" in response.content.decode()
    assert AuditEntry.objects.for_user(bob).filter(action=Action.LOGIN_FAILED).count() == 1


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(bob, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "bob", "wrong")
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.for_user(bob).filter(action=Action.LOGIN_LOCKED).exists()


def test_lock_counts_per_user_name_so_others_can_still_log_in(bob, alice, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "bob", "wrong")
    assert _login(client, "alice", PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(bob, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(client, "bob", "wrong")
    assert _login(client, "bob", PASSWORD).status_code == 302
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(Client(), "bob", "wrong")
    assert _login(Client(), "bob", PASSWORD).status_code == 302


def test_login_does_not_redirect_to_another_site(bob):
    response = Client().post("/login/", {"username": "bob", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_org_admin_creates_a_user_in_their_own_organisation(alice_client, alice):
    response = alice_client.post(
        "/users/new/",
        {"username": "dan", "display_name": "段 一郎", "role": Role.STAFF, "password": "a-long-unusual-passphrase-77"},
    )
    assert response.status_code == 302
    dan = User.objects.get(username="dan")
    assert dan.organisation == alice.organisation and dan.role == Role.STAFF
    assert AuditEntry.objects.for_user(alice).filter(action=Action.USER_CREATE, object_id=str(dan.pk)).exists()


def test_org_admin_cannot_make_a_platform_admin(alice_client):
    response = alice_client.post(
        "/users/new/",
        {"username": "eve", "display_name": "E", "role": Role.PLATFORM_ADMIN, "password": "a-long-unusual-passphrase-77"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="eve").exists()


def test_org_admin_changes_role_of_own_staff_but_not_other_organisations(alice_client, bob, charlie):
    response = alice_client.post(f"/users/{bob.pk}/", {"display_name": "望 太郎", "role": Role.ORG_ADMIN, "is_active": "on"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.role == Role.ORG_ADMIN
    response = alice_client.post(f"/users/{charlie.pk}/", {"display_name": "x", "role": Role.STAFF})
    assert response.status_code == 404
    charlie.refresh_from_db()
    assert charlie.display_name == "茶井 次郎"


def test_user_list_shows_only_own_organisation(alice_client, bob, charlie):
    body = alice_client.get("/users/").content.decode()
    assert "bob" in body and "charlie" not in body


def test_staff_cannot_manage_users(bob_client):
    assert bob_client.get("/users/").status_code == 403


def test_logout_needs_post(bob_client):
    assert bob_client.get("/logout/").status_code == 405
    assert bob_client.post("/logout/").status_code == 302


def test_org_admin_resets_a_staff_password_without_logging_it(alice_client, alice, bob):
    new = "another-long-passphrase-42"
    response = alice_client.post(
        f"/users/{bob.pk}/", {"display_name": bob.display_name, "role": Role.STAFF, "is_active": "on", "new_password": new}
    )
    assert response.status_code == 302
    assert _login(Client(), "bob", new).status_code == 302
    entry = AuditEntry.objects.for_user(alice).get(action=Action.USER_CHANGE)
    assert new not in str(entry.details) and entry.details["changes"]["password"] == "(再設定)"


def test_a_weak_new_password_is_refused(alice_client, bob):
    response = alice_client.post(
        f"/users/{bob.pk}/", {"display_name": bob.display_name, "role": Role.STAFF, "is_active": "on", "new_password": "123"}
    )
    assert response.status_code == 200
    assert _login(Client(), "bob", PASSWORD).status_code == 302


def test_pages_forbid_outside_resources_and_inline_scripts(bob_client):
    policy = bob_client.get("/hoiku/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy


def test_platform_admin_creates_an_organisations_first_administrator(platform_client, ota):
    response = platform_client.post(
        f"/organisations/{ota.pk}/admins/new/",
        {"username": "ota-admin", "display_name": "大田 管理", "role": Role.ORG_ADMIN,
         "password": "a-long-unusual-passphrase-77"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="ota-admin")
    assert user.organisation == ota and user.role == Role.ORG_ADMIN
    assert AuditEntry.objects.for_org(ota).filter(action=Action.USER_CREATE, object_id=str(user.pk)).exists()
    body = platform_client.get("/organisations/").content.decode()
    assert "大田区" in body and "131113" in body


def test_createplatformadmin_command(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("KYODO_ADMIN_PASSWORD", "a-long-unusual-passphrase-77")
    call_command("createplatformadmin", "ops")
    user = User.objects.get(username="ops")
    assert user.role == Role.PLATFORM_ADMIN and user.organisation.code == "130001"
    assert user.check_password("a-long-unusual-passphrase-77")


def test_one_address_trying_many_user_names_is_locked_too(bob, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    client = Client()
    for name in ("x1", "x2", "x3"):
        _login(client, name, "wrong")
    assert _login(client, "bob", PASSWORD).status_code == 429
    assert _login(Client(REMOTE_ADDR="10.0.0.9"), "bob", PASSWORD).status_code == 302


def test_pages_are_japanese(bob_client):
    body = Client().get("/login/").content.decode()
    assert '<html lang="ja">' in body and "ログイン" in body
    assert '<html lang="ja">' in bob_client.get("/hoiku/").content.decode()


def test_the_signed_in_user_is_read_in_one_query_as_the_orm_reads_it(alice, django_assert_num_queries):
    """The backend's written-out query gives the same user and organisation as the ORM, every field converted the
    same way (dates, booleans, text), with the organisation cached on the user; without an organisation too."""
    from django.utils import timezone

    from kyodo.web.accounts.backends import OrganisationModelBackend, read_user
    from kyodo.web.accounts.models import User

    alice.last_login = timezone.now()
    alice.is_staff = True
    alice.save()
    loner = User.objects.create_user(username="loner", password="x" * 12)
    for user in (alice, loner):
        orm = User.objects.select_related("organisation").get(pk=user.pk)
        with django_assert_num_queries(1):
            read = OrganisationModelBackend().get_user(user.pk)
            assert read is not None
            organisation = read.organisation
        for field in User._meta.concrete_fields:
            assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
            assert type(getattr(read, field.attname)) is type(getattr(orm, field.attname)), field.name
        if orm.organisation is None:
            assert organisation is None
        else:
            assert organisation is not None
            for field in type(orm.organisation)._meta.concrete_fields:
                assert getattr(organisation, field.attname) == getattr(orm.organisation, field.attname)
        assert read.unread_at_start == 0 and read._state.db == "default" and not read._state.adding
    assert read_user(10**9) is None
    alice.is_active = False
    alice.save()
    assert OrganisationModelBackend().get_user(alice.pk) is None  # as Django's backend: inactive users are refused
