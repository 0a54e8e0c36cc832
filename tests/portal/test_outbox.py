import os
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUTBOX = reverse("portal:outbox")


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.OUTBOX_ENABLED = True
    return tmp_path


def only_file(folder):
    files = [path for path in folder.iterdir() if path.is_file()]
    assert len(files) == 1
    return files[0]


def test_outbox_is_404_when_disabled(client, settings, tmp_path):
    settings.OUTBOX_ENABLED = False
    settings.EMAIL_FILE_PATH = str(tmp_path)
    assert client.get(OUTBOX).status_code == 404


def test_outbox_lists_and_shows_a_message_written_by_the_file_backend(client, outbox_dir):
    with time_machine.travel(datetime(2026, 11, 23, 15, 4, 5, tzinfo=UTC), tick=False):
        send_mail(
            "Set your password",
            "Open http://testserver/accounts/register/password/MQ/abc-123/ to set it.\n"
            "Not ours: https://elsewhere.example/phish and http://testserver.evil.example/x",
            "portal@example.org",
            ["jane.doe@example.org"],
        )
    response = client.get(OUTBOX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Set your password" in content
    assert "jane.doe@example.org" in content
    # Shown in the portal's time zone (America/New_York).
    assert "Nov 23, 2026 10:04:05 AM" in content
    key = f"e:{only_file(outbox_dir).name}:0"
    assert f"?message={key.replace(':', '%3A')}" in content

    content = client.get(OUTBOX, {"message": key}).content.decode()
    link = "http://testserver/accounts/register/password/MQ/abc-123/"
    assert f'<a href="{link}">{link}</a> to set it.<br>' in content
    # Links are made only to this site.
    assert 'href="https://elsewhere.example/phish"' not in content
    assert "https://elsewhere.example/phish" in content
    assert 'href="http://testserver.evil.example/x"' not in content


def test_outbox_lists_newest_first_and_every_message_of_a_file(client, outbox_dir):
    send_mail("Older message", "first", None, ["a@example.org"])
    older = only_file(outbox_dir)
    os.utime(older, (1_700_000_000, 1_700_000_000))
    connection = mail.get_connection()
    connection.send_messages(
        [
            EmailMessage("Newer message one", "second", None, ["b@example.org"]),
            EmailMessage("Newer message two", "third", None, ["c@example.org"]),
        ]
    )
    content = client.get(OUTBOX).content.decode()
    positions = [
        content.index(subject)
        for subject in ("Newer message two", "Newer message one", "Older message")
    ]
    assert positions == sorted(positions)


def test_outbox_escapes_html_in_messages(client, outbox_dir):
    send_mail(
        "<b>Bold</b> subject",
        '<script>alert("x")</script> <img src=x onerror=alert(1)>',
        None,
        ["<victim>@example.org"],
    )
    key = f"e:{only_file(outbox_dir).name}:0"
    content = client.get(OUTBOX, {"message": key}).content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "<b>Bold</b>" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;b&gt;Bold&lt;/b&gt; subject" in content


def test_outbox_lists_sms_when_the_folder_exists(client, outbox_dir):
    (outbox_dir / "sms").mkdir()
    (outbox_dir / "sms" / "20261123-101500-pin.txt").write_text(
        "To: +16155550100\nSubject: Your PIN\n\nYour PIN is 123456. It works for 10 minutes.\n"
    )
    content = client.get(OUTBOX).content.decode()
    assert "SMS" in content
    assert "+16155550100" in content
    content = client.get(OUTBOX, {"message": "s:20261123-101500-pin.txt"}).content.decode()
    assert "Your PIN is 123456. It works for 10 minutes." in content


@pytest.mark.parametrize(
    "message",
    [
        "../../../etc/passwd",
        "e:../secret.log:0",
        "e:..%2Fsecret.log:0",
        "s:../secret.log",
        "s:/etc/passwd",
        "e:secret.log:0",
        "e:inside.log:7",
        "",
    ],
)
def test_outbox_opens_only_messages_it_lists(client, outbox_dir, settings, message):
    inner = outbox_dir / "inner"
    inner.mkdir()
    (outbox_dir / "secret.log").write_text("Subject: secret\n\nnot for you")
    # The outbox is inner/; secret.log sits next to it.
    settings.EMAIL_FILE_PATH = str(inner)
    (inner / "inside.log").write_text("Subject: inside\n\nhello\n" + "-" * 79 + "\n")
    response = client.get(OUTBOX, {"message": message})
    assert response.status_code == 404
    assert "not for you" not in response.content.decode()


def test_outbox_without_messages(client, outbox_dir):
    content = client.get(OUTBOX).content.decode()
    assert "Nothing has been sent yet." in content


def test_outbox_refuses_post(client, outbox_dir):
    assert client.post(OUTBOX).status_code == 405
