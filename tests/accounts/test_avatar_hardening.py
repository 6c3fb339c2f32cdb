"""Avatars: concurrent uploads, multi-frame JPEGs, bounded decoding memory."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.avatars import process_avatar
from accounts.models import User
from tests.accounts.images import image_upload
from tests.concurrency import in_parallel
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def mpo_bytes() -> bytes:
    """A two-frame MPO (what phones save for depth shots): a green frame, then a red one."""
    first = Image.new("RGB", (120, 80), (0, 160, 0))
    second = Image.new("RGB", (120, 80), (200, 0, 0))
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def test_a_multi_frame_jpeg_is_accepted_as_its_first_frame():
    data = mpo_bytes()
    assert Image.open(io.BytesIO(data)).format == "MPO"

    avatar = process_avatar(io.BytesIO(data))

    picture = Image.open(io.BytesIO(avatar.large)).convert("RGB")
    red, green, blue = picture.getpixel((128, 128))
    assert green > 120 and red < 60  # the first frame, green


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_leave_exactly_the_last_pictures_files(settings):
    member = UserFactory(username="ana", email="ana@example.org")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    url = reverse("accounts:edit", kwargs={"username": "ana"})
    uploads = 4

    def upload(n):
        client = Client()
        client.force_login(member)
        picture = image_upload(name=f"p{n}.png", colour=(n * 40, 90, 160))
        return lambda: client.post(url, {"display_name": "Ana", "avatar_upload": picture})

    responses = in_parallel([upload(n) for n in range(uploads)])

    assert [r.status_code for r in responses] == [302] * uploads
    member = User.objects.get(pk=member.pk)
    on_disk = {
        str(path.relative_to(settings.MEDIA_ROOT))
        for path in (Path(settings.MEDIA_ROOT) / "avatars").iterdir()
    }
    assert on_disk == {member.avatar.name, member.avatar_small.name}


MEMORY_PROBE = """
import io, json, resource, sys, threading
sys.path.insert(0, {root!r})
from accounts.avatars import process_avatar
data = open({path!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
barrier = threading.Barrier(8)
def run():
    barrier.wait()
    process_avatar(io.BytesIO(data))
threads = [threading.Thread(target=run) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"grew_mb": (after - before) / 1024}}))
"""


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_eight_uploads_of_25_megapixels_at_once_stay_far_below_a_gigabyte(tmp_path, fmt):
    # Decoding one 25 MP picture fully takes 75 MB (RGB) before any copies; eight at
    # once, unbounded, take well over 600 MB. Measured in a fresh process.
    path = tmp_path / f"big.{fmt.lower()}"
    gradient = Image.linear_gradient("L").resize((5000, 5000)).convert("RGB")
    gradient.save(path, format=fmt, **({"compress_level": 1} if fmt == "PNG" else {}))
    del gradient
    assert path.stat().st_size < 5 * 1024 * 1024

    probe = MEMORY_PROBE.format(root=str(ROOT), path=str(path))
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr
    grew_mb = json.loads(result.stdout)["grew_mb"]
    assert grew_mb < 400, f"{fmt}: peak memory grew by {grew_mb:.0f} MB"
