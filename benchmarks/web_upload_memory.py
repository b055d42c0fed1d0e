"""Peak memory of the web process on a 100 MB children upload (issue 11: it was 275 MB → 3.28 GB, accepted after 43 s).

    uv run python benchmarks/web_upload_memory.py            # 100 MB
    uv run python benchmarks/web_upload_memory.py --mb 300

A fresh process sets up Django on a temporary SQLite database, signs a user in, and sends the upload through the
WSGI application (the middleware, CSRF, the multipart parser, the form) from a stream, so that the request body is
never held in this process by the client. It prints the status, the time, and the peak RSS before and after.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time


class Body(io.RawIOBase):
    """A multipart body generated as it is read: the children file is `mb` MB of CSV rows."""

    def __init__(self, boundary: str, mb: int, facilities: bytes) -> None:
        row = "C9,H9,2024-06-01,1,F01,F02,,,7,就労,20,8,,,,,120000\n".encode()
        self.parts = [
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"children\"; filename=\"children.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n".encode() + "児童番号,世帯番号,生年月日,年齢クラス,第1希望\n".encode(),
        ]
        self.rows, self.row = mb * 1024 * 1024 // len(row), row
        self.tail = (
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"facilities\"; filename=\"f.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n".encode() + facilities + f"\r\n--{boundary}--\r\n".encode()
        )
        self.length = len(self.parts[0]) + self.rows * len(row) + len(self.tail)
        self.sent_rows, self.buffer = 0, self.parts[0]

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while len(self.buffer) < len(b) and (self.sent_rows < self.rows or self.tail):
            if self.sent_rows < self.rows:
                n = min(4096, self.rows - self.sent_rows)
                self.buffer += self.row * n
                self.sent_rows += n
            else:
                self.buffer, self.tail = self.buffer + self.tail, b""
        n = min(len(b), len(self.buffer))
        b[:n], self.buffer = self.buffer[:n], self.buffer[n:]
        return n

    def readable(self) -> bool:
        return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args()
    os.environ["KYODO_DATA_DIR"] = tempfile.mkdtemp(prefix="kyodo-upload-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.test import Client

    from kyodo.web.accounts.models import Organisation, Role, User
    from kyodo.web.hoiku.models import InputSet, Round

    call_command("migrate", verbosity=0)
    org = Organisation.objects.get(code="131083")
    user = User.objects.create_user(username="bench", password="x" * 16, organisation=org, role=Role.ORG_ADMIN,
                                    display_name="計測")
    round_ = Round.objects.create(organisation=org, title="計測", fiscal_year=2026, phase="first", rules_name="koto",
                                  seed=1, created_by=user)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    app = get_wsgi_application()
    boundary = "kyodoBenchBoundary"
    facilities = "施設番号,施設名,0歳募集人数,1歳募集人数,2歳募集人数,3歳募集人数,4歳募集人数,5歳募集人数\nF01,芝,1,1,1,1,1,1\n"
    body = Body(boundary, args.mb, facilities.encode())
    token = "a" * 32
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": f"/hoiku/rounds/{round_.pk}/upload/", "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "HTTP_HOST": "localhost", "wsgi.url_scheme": "http", "wsgi.input": io.BufferedReader(body),
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": str(body.length),
        "HTTP_COOKIE": f"sessionid={session}; csrftoken={token}", "HTTP_X_CSRFTOKEN": token, "wsgi.errors": sys.stderr,
    }
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    status: list[str] = []
    chunks = app(environ, lambda s, h, *a: status.append(s))
    page = b"".join(chunks).decode()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    refused = "大きすぎます" in page
    print(f"upload {body.length / 1e6:.0f} MB: HTTP {status[0]}, {seconds:.2f} s, refused by the size limit: {refused}")
    print(f"peak RSS before {before:.0f} MB, after {after:.0f} MB (+{after - before:.0f} MB)")
    print(f"stored input sets: {InputSet.objects.for_org(org).count()}")


if __name__ == "__main__":
    main()
