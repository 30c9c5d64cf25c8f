"""Every hostile sample of tests/uploads/hostile.py, sent through the real upload page.

Each is refused with its Japanese message or stored neutralised; none causes a server error.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.models import Attachment
from tests.conftest import login
from tests.uploads.hostile import NEUTRALISED, REJECTED, SAMPLES
from uploads.validation import MB, CleanUpload

pytestmark = pytest.mark.django_db

# Samples that only *claim* a size cannot travel over HTTP (the real-size case is tested below),
# nor can a raw line break inside a multipart header (browsers encode it; it is tested directly).
OVER_HTTP = [
    s
    for s in SAMPLES
    if s.declared_size is None and not s.lie_about_size and "\n" not in s.filename
]


def test_at_least_twenty_hostile_samples_go_over_http():
    assert len(OVER_HTTP) >= 20


@pytest.mark.parametrize("sample", OVER_HTTP, ids=[s.id for s in OVER_HTTP])
def test_hostile_upload_is_refused_or_neutralised(client, world, sample):
    login(client, world.supporter)
    data = sample.build()
    before = Attachment.objects.count()
    response = client.post(
        reverse("engagements:upload", args=[world.visit_a.pk]),
        {"slot": "visit_report", "file": SimpleUploadedFile(sample.filename, data)},
        follow=True,
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    if sample.expect == REJECTED:
        assert Attachment.objects.count() == before
        assert sample.message in shown, shown
    else:
        assert sample.expect == NEUTRALISED
        attachment = Attachment.objects.latest("pk")
        assert Attachment.objects.count() == before + 1
        with attachment.file.open("rb") as handle:
            stored = handle.read()
        if sample.check:
            sample.check(
                CleanUpload(attachment.name, stored, attachment.content_type, attachment.kind),
                data,
            )


def test_oversized_document_is_refused_over_http(client, world):
    login(client, world.supporter)
    big = b"%PDF-1.7\n" + b"0" * (20 * MB)
    response = client.post(
        reverse("engagements:upload", args=[world.visit_a.pk]),
        {"slot": "visit_plan", "file": SimpleUploadedFile("大きな資料.pdf", big)},
        follow=True,
    )
    assert response.status_code == 200
    assert "20" in " ".join(str(m) for m in response.context["messages"])
    assert not Attachment.objects.filter(name="大きな資料.pdf").exists()
