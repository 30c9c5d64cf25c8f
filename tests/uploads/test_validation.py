"""validate_upload: the hostile corpus, good files of every kind, names, and a garbage fuzz."""

import io
import random
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms
from pypdf import PdfReader

from tests.uploads import hostile
from uploads import preview, sandbox
from uploads.validation import (
    DOCUMENT_KINDS,
    IMAGE_KINDS,
    KIND_BY_EXTENSION,
    CleanUpload,
    safe_name,
    validate_upload,
)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def rejection(name: str, data: bytes, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, data), **kwargs)
    return " ".join(caught.value.messages)


# --- hostile corpus -----------------------------------------------------------------------------


def test_corpus_is_big_enough():
    assert len(hostile.SAMPLES) >= 24
    assert {s.expect for s in hostile.SAMPLES} == {hostile.REJECTED, hostile.NEUTRALISED}


@pytest.mark.parametrize("sample", hostile.SAMPLES, ids=lambda s: s.id)
def test_hostile_sample(sample: hostile.Sample):
    data = sample.build()
    if sample.expect == hostile.REJECTED:
        with pytest.raises(ValidationError) as caught:
            validate_upload(sample.upload(data), kinds=sample.kinds)
        message = " ".join(caught.value.messages)
        assert sample.message in message
        assert message.endswith("。")  # a whole Japanese sentence, not a parser's English
    else:
        clean = validate_upload(sample.upload(data), kinds=sample.kinds)
        assert isinstance(clean, CleanUpload)
        sample.check(clean, data)


# --- good files are accepted and keep their meaning ---------------------------------------------


def test_jpeg_is_reencoded_with_the_same_pixels_size():
    original = hostile.image_bytes("JPEG", size=(640, 480), quality=95)
    clean = validate_upload(upload("ホワイトボード.jpg", original))
    assert (clean.kind, clean.content_type, clean.name) == (
        "image",
        "image/jpeg",
        "ホワイトボード.jpg",
    )
    assert clean.content != original
    with Image.open(io.BytesIO(clean.content)) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (640, 480), "RGB")


def test_png_keeps_transparency():
    image = Image.new("RGBA", (20, 10), (255, 0, 0, 0))
    image.putpixel((0, 0), (0, 0, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    clean = validate_upload(upload("図.png", out.getvalue()))
    assert clean.content_type == "image/png"
    with Image.open(io.BytesIO(clean.content)) as result:
        assert result.mode == "RGBA"
        assert result.getpixel((0, 0)) == (0, 0, 255, 255)
        assert result.getpixel((5, 5))[3] == 0


def test_palette_png_transparency_survives_emptying_info():
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    out = io.BytesIO()
    image.save(out, "PNG", transparency=1)
    clean = validate_upload(upload("icon.png", out.getvalue()))
    with Image.open(io.BytesIO(clean.content)) as result:
        assert result.convert("RGBA").getpixel((0, 0))[3] == 0


def test_webp_is_accepted():
    clean = validate_upload(upload("photo.webp", hostile.image_bytes("WEBP", size=(30, 20))))
    assert clean.content_type == "image/webp"
    with Image.open(io.BytesIO(clean.content)) as image:
        assert (image.format, image.size) == ("WEBP", (30, 20))


def test_cmyk_jpeg_becomes_rgb():
    out = io.BytesIO()
    Image.new("CMYK", (10, 10), (0, 255, 255, 0)).save(out, "JPEG")
    clean = validate_upload(upload("print.jpg", out.getvalue()))
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((5, 5))
        assert red > 200 and green < 60 and blue < 60


def test_icc_profile_is_applied_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = hostile.image_bytes("JPEG", icc_profile=srgb)
    clean = validate_upload(upload("p3.jpg", original))
    with Image.open(io.BytesIO(clean.content)) as image:
        assert "icc_profile" not in image.info


def test_real_xlsx_is_accepted_and_previews_its_cells():
    original = hostile.xlsx_bytes()
    clean = validate_upload(upload("訪問記録.xlsx", original))
    assert clean.kind == "xlsx"
    assert clean.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = preview.xlsx_sheets(clean.content)
    assert [s.name for s in sheets] == ["訪問記録", "作業用"]
    assert sheets[0].rows[1] == ["2025-04-10", "株式会社ミライ工業", "人材育成", "1.5"]
    assert sheets[0].rows[2] == ["2025-05-08 14:30", "有限会社サクラ", "販路開拓", "2"]
    assert sheets[1].hidden and not sheets[0].hidden
    with zipfile.ZipFile(io.BytesIO(clean.content)) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "山田太郎" not in core and "佐藤花子" not in core
    assert "dcterms:created" in core  # only the personal properties go


def test_xlsx_with_well_formed_shared_strings_is_accepted():
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>ok</t></si></sst>'
    )
    validate_upload(upload("ok.xlsx", hostile.with_shared_strings(sst)))


def test_handmade_docx_is_accepted_and_previews_its_text():
    clean = validate_upload(upload("議事録.docx", hostile.docx_bytes()))
    assert clean.kind == "docx"
    assert preview.docx_paragraphs(clean.content) == [
        "第1回 訪問報告",
        "経営課題の 整理を行った。",
        "課題",
        "人材育成",
    ]


def test_docx_properties_that_defeat_the_text_edit_are_dropped_whole():
    # CDATA holding the closing tag makes the textual edit produce broken XML.
    tricky = "<![CDATA[山田</dc:creator>太郎]]>"
    clean = validate_upload(upload("a.docx", hostile.docx_bytes(creator=tricky)))
    with zipfile.ZipFile(io.BytesIO(clean.content)) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "山田" not in core and "太郎" not in core


def test_pptx_is_accepted_and_previews_slides_in_order():
    clean = validate_upload(upload("説明資料.pptx", hostile.pptx_bytes()))
    assert clean.kind == "pptx"
    assert preview.pptx_slides(clean.content) == [["一枚目", "支援の流れ"], ["二枚目", "まとめ"]]


def test_pypdf_pdf_is_accepted():
    original = hostile.pdf_bytes(pages=3)
    clean = validate_upload(upload("報告書.pdf", original))
    assert (clean.kind, clean.content_type) == ("pdf", "application/pdf")
    reader = PdfReader(io.BytesIO(clean.content))
    assert len(reader.pages) == 3
    assert reader.metadata is None  # not even pypdf's own /Producer


def test_full_width_extension_is_understood():
    clean = validate_upload(upload("報告書．ＰＤＦ", hostile.pdf_bytes()))
    assert clean.name == "報告書.pdf"


# --- kinds, extensions and names ----------------------------------------------------------------


def test_kinds_narrow_the_allow_list():
    message = rejection("報告書.pdf", hostile.pdf_bytes(), kinds=IMAGE_KINDS)
    assert "（.pdf）は登録できません" in message
    assert ".jpg、.jpeg、.png、.webp" in message and ".xlsx" not in message
    validate_upload(upload("報告書.pdf", hostile.pdf_bytes()), kinds=DOCUMENT_KINDS)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_upload(upload("a.pdf", b"%PDF-"), kinds={"video"})


@pytest.mark.parametrize(
    ("extension", "expected"),
    [
        ("xls", "古い形式のファイル（.xls）"),
        ("doc", "古い形式のファイル（.doc）"),
        ("docm", "マクロを含む形式のファイル（.docm）"),
        ("zip", "（.zip）は登録できません"),
        ("exe", "（.exe）は登録できません"),
        ("avif", "（.avif）は登録できません"),
    ],
)
def test_forbidden_extensions(extension, expected):
    assert expected in rejection(f"file.{extension}", b"whatever")


def test_name_without_extension():
    assert "拡張子がありません" in rejection("README", b"hello")


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
        ("a\r\nb.pdf", "a b.pdf"),
        ("報告書\u202excl.exe", "報告書xcl.exe"),
        ("\u200e\u2067議事録\u2069.pdf", "議事録.pdf"),
        ("会議　メモ.pdf", "会議　メモ.pdf"),
        ("a  \t b.pdf", "a b.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("report.pdf. . ", "report.pdf"),
        (".pdf", "ファイル.pdf"),
        ("", "ファイル"),
        ("写真.JPG", "写真.jpg"),
        ('報告書"; x.pdf', "報告書_; x.pdf"),
        ("ｶﾞｲﾄﾞ.pdf", "ｶﾞｲﾄﾞ.pdf"),  # NFC, not NFKC: what the person typed stays
        ("e\u0301.pdf", "é.pdf"),
    ],
)
def test_safe_name(original, expected):
    assert safe_name(original) == expected


def test_safe_name_caps_length_and_keeps_the_extension():
    name = safe_name("あ" * 300 + ".xlsx")
    assert len(name) == 100 and name.endswith("あ.xlsx")


def test_safe_name_is_idempotent():
    for sample in hostile.SAMPLES:
        once = safe_name(sample.filename)
        assert safe_name(once) == once


# --- fuzz: garbage never escapes as anything but ValidationError --------------------------------

MAGIC = {
    "jpg": b"\xff\xd8\xff\xe0",
    "jpeg": b"\xff\xd8\xff\xdb",
    "png": b"\x89PNG\r\n\x1a\n",
    "webp": b"RIFF\x00\x01\x00\x00WEBPVP8 ",
    "pdf": b"%PDF-1.7\n",
    "xlsx": b"PK\x03\x04",
    "docx": b"PK\x03\x04",
    "pptx": b"PK\x03\x04",
}


def _seeds() -> dict[str, bytes]:
    return {
        "jpg": hostile.image_bytes("JPEG"),
        "jpeg": hostile.image_bytes("JPEG", progressive=True),
        "png": hostile.image_bytes("PNG"),
        "webp": hostile.image_bytes("WEBP"),
        "pdf": hostile.pdf_bytes(author="x"),
        "xlsx": hostile.xlsx_bytes(),
        "docx": hostile.docx_bytes(),
        "pptx": hostile.pptx_bytes(),
    }


def _mutate(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 3)):
        operation = rng.randrange(4)
        position = rng.randrange(len(data) or 1)
        if operation == 0:  # flip bytes
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif operation == 1:  # truncate
            del data[position:]
        elif operation == 2:  # insert garbage
            data[position:position] = rng.randbytes(rng.randint(1, 64))
        else:  # duplicate a slice, which confuses offsets and lengths
            data[position:position] = data[position : position + rng.randint(1, 256)]
        if not data:
            break
    return bytes(data)


def _mutate_member(rng: random.Random, seed: bytes) -> bytes:
    """Mutate one part of an Office file and re-zip it, so CRCs hold and the parsers are reached."""
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        name = rng.choice(archive.namelist())
        data = _mutate(rng, archive.read(name))
    return hostile.rezip(seed, replace={name: data})


@pytest.mark.parametrize("extension", sorted(KIND_BY_EXTENSION))
def test_fuzz_garbage_only_raises_validation_error(extension, monkeypatch):
    # The PDF parser runs in the calling process here: in its sandbox, an unexpected exception
    # would be refused like a file that takes too long, and 2,000 forks cost 40 s.
    monkeypatch.setattr(sandbox, "run_limited", lambda fn, data, **limits: fn(data))
    rng = random.Random(f"uploads-{extension}")
    seed = _seeds()[extension]
    outcomes = {"accepted": 0, "rejected": 0}
    for index in range(2000):
        if index % 10 < 4:
            data = rng.randbytes(rng.randint(0, 2048))
        elif index % 10 < 7:
            data = MAGIC[extension] + rng.randbytes(rng.randint(0, 2048))
        elif index % 2 and KIND_BY_EXTENSION[extension] in DOCUMENT_KINDS - {"pdf"}:
            data = _mutate_member(rng, seed)
        else:
            data = _mutate(rng, seed)
        try:
            validate_upload(upload(f"fuzz.{extension}", data))
        except ValidationError:
            outcomes["rejected"] += 1
        else:
            outcomes["accepted"] += 1
    # Both outcomes occur: garbage is refused, and some mutants survive the sniffing, so the
    # parsers behind it were reached (2026-12-06: docx 7, pptx 3, xlsx 28, images and PDF ≥ 96).
    assert outcomes["rejected"] > 0
    assert outcomes["accepted"] > 0


def test_external_hyperlinks_are_allowed():
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/hyperlink" Target="https://www.example.jp/" TargetMode="External"/>'
        b"</Relationships>"
    )
    content = hostile.rezip(hostile.docx_bytes(), add={"word/_rels/document.xml.rels": rels})
    validate_upload(upload("リンク.docx", content))


class ReadOnlyUpload:
    """Anything with name, size and read() will do, not only Django's UploadedFile."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.size, self._stream = name, None, io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)


def test_plain_file_objects_without_size_or_chunks():
    clean = validate_upload(ReadOnlyUpload("報告書.pdf", hostile.pdf_bytes()))
    assert clean.kind == "pdf"
    big = ReadOnlyUpload("big.png", b"\x89PNG\r\n\x1a\n" + bytes(10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="画像は 10.0 MB まで"):
        validate_upload(big)
