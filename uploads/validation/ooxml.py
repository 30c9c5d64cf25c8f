"""Office Open XML files (xlsx, docx, pptx): archive structure, macros, embedded objects,
XML entities, external references and cost, and the author and reviewer names they carry."""

import io
import re
import shutil
import zipfile

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import errors
from .limits import (
    XLSX_SHARED_STRINGS_MAX,
    XLSX_UNDIMENSIONED_SHEET_MAX,
    XML_PART_MAX,
    ZIP_MAX_ENTRIES,
    ZIP_MAX_RATIO,
    ZIP_MAX_TOTAL,
    ZIP_RATIO_FLOOR,
)
from .sniffing import sniff

# Embedded parts Office writes for charts and pictures; anything else under embeddings/ is an
# OLE package or a macro-capable document that nobody here can inspect.
_SAFE_EMBEDDINGS = {"xlsx", "docx", "pptx", "emf", "wmf", "png", "jpeg", "jpg", "gif"}
_OOXML_MAIN_PART = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
}


def clean_ooxml(data: bytes, extension: str) -> bytes:
    actual = sniff(data)
    if actual != "zip":
        raise errors.mismatch(extension, actual)
    # ZipFile builds an object per central-directory record, and each record starts with this
    # signature, so counting it bounds the work before zipfile reads anything.
    if data.count(b"PK\x01\x02") > ZIP_MAX_ENTRIES:
        raise errors.unsafe_archive(_("内部のファイル数が上限の 1,000 個を超えています"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise errors.broken(extension) from exc
    with archive:
        infos = archive.infolist()
        _check_members(infos, extension)
        names = {info.filename for info in infos}
        found = next((k for k, part in _OOXML_MAIN_PART.items() if part in names), None)
        if found != extension:
            raise errors.mismatch(extension, found or "zip")
        if "[Content_Types].xml" not in names:
            raise errors.broken(extension)
        try:
            # Every part that is XML, whatever its name: relationships can point a parser at
            # strings.dat as easily as at sharedStrings.xml.
            for info in infos:
                with archive.open(info) as member:
                    head = member.read(64)
                if info.filename.lower().endswith((".xml", ".rels")) or _looks_like_xml(head):
                    _reject_dtd(archive, info)
            _check_content_types(_read_xml_part(archive, "[Content_Types].xml"), extension)
            for info in infos:
                lower = info.filename.lower()
                if lower.endswith(".rels"):
                    _check_relationships(_read_xml_part(archive, info.filename))
                elif lower.startswith("xl/externallinks/") and lower.endswith(".xml"):
                    _check_external_link(_read_xml_part(archive, info.filename))
            if extension == "xlsx":
                _check_workbook_cost(archive, infos)
            content = _rewrite_without_personal_metadata(archive, infos)
        except ValidationError:
            raise
        except DefusedXmlException as exc:
            raise errors.xml_dtd() from exc
        except Exception as exc:
            raise errors.broken(extension) from exc
    _prove_parses(content, extension)
    return content


def _check_members(infos: list[zipfile.ZipInfo], extension: str) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise errors.unsafe_archive(_("内部のファイル数が上限の 1,000 個を超えています"))
    if sum(info.file_size for info in infos) > ZIP_MAX_TOTAL:
        raise errors.unsafe_archive(_("展開後のサイズが上限の 100 MB を超えています"))
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = re.split(r"[/\\]", name)
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
            raise errors.unsafe_archive(_("内部に不正なパス名があります"))
        # Office matches part names case-insensitively; two spellings of one part are ambiguous.
        if name.lower() in seen:
            raise errors.unsafe_archive(_("内部に同じ名前のファイルが重複しています"))
        seen.add(name.lower())
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise errors.broken(extension)
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise errors.unsafe_archive(_("圧縮率が異常に高い部品があります"))
        lower = name.lower()
        base = parts[-1].lower()
        if base in ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin") or re.search(
            r"(^|/)(macrosheets|dialogsheets)/", lower
        ):
            raise errors.macro(extension)
        if "/activex/" in f"/{lower}":
            raise errors.embedded_object()
        if lower.endswith(".bin") and "/printersettings/" not in f"/{lower}":
            raise errors.embedded_object()
        if "/embeddings/" in f"/{lower}" and base.rsplit(".", 1)[-1] not in _SAFE_EMBEDDINGS:
            raise errors.embedded_object()


class _RootReached(Exception):
    pass


class _StopAtRoot:
    """Parser target that stops at the root element: a DTD, and so any entity, only comes before."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def _looks_like_xml(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.lstrip(
        b"\xef\xbb\xbf \t\r\n"
    ).startswith(b"<")


def _reject_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Reject a member with a DOCTYPE, reading only its prolog."""
    # Small feeds so that parsing stops at the root tag: Excel's VML parts are not well-formed
    # further in, and only the prolog matters here.
    parser = SafeET.DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    with archive.open(info) as member:
        try:
            while chunk := member.read(512):
                parser.feed(chunk)
            parser.close()
        except _RootReached:
            return


def _read_xml_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > XML_PART_MAX:
        raise errors.unsafe_archive(_("文書情報の部品が大きすぎます"))
    return archive.read(info)


def _check_content_types(xml: bytes, extension: str) -> None:
    root = SafeET.fromstring(xml, forbid_dtd=True)
    for element in root.iter():
        content_type = (element.get("ContentType") or "").lower()
        if "macroenabled" in content_type or "vbaproject" in content_type:
            raise errors.macro(extension)
        if "activex" in content_type:
            raise errors.embedded_object()


# Office follows external relationships of other types by itself when the file opens: remote
# templates (how macros are smuggled into a .docx), linked pictures and OLE links leak the
# reader's address and Windows credentials. Hyperlinks wait for a click; Excel asks before
# updating links to other workbooks.
_EXTERNAL_ALLOWED = ("/hyperlink", "/externalLinkPath")


def _check_relationships(xml: bytes) -> None:
    root = SafeET.fromstring(xml, forbid_dtd=True)
    for relationship in root.iter():
        if (relationship.get("TargetMode") or "").lower() != "external":
            continue
        if not (relationship.get("Type") or "").endswith(_EXTERNAL_ALLOWED):
            raise ValidationError(
                _(
                    "外部のファイルやサーバーを自動で読み込む設定（外部テンプレートやリンクされた画像など）"
                    "を含むファイルは登録できません。リンクを解除して保存し直してからアップロードしてください。"
                ),
                code="external_reference",
            )


def _check_external_link(xml: bytes) -> None:
    # A DDE link makes Excel offer to start another program (ddeService="cmd") on opening.
    root = SafeET.fromstring(xml, forbid_dtd=True)
    if any(_local(element.tag) in ("ddeLink", "oleLink") for element in root.iter()):
        raise ValidationError(
            _(
                "他のプログラムを呼び出すリンク（DDE/OLE リンク）を含むファイルは登録できません。"
                "リンクを解除して保存し直してからアップロードしてください。"
            ),
            code="dde_link",
        )


def _check_workbook_cost(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if not info.filename.lower().startswith("xl/"):
            continue
        with archive.open(info) as member:
            head = member.read(64 * 1024)
        root = re.search(rb"<([\w.-]+:)?(sst|worksheet)[\s>]", head)
        if root is None:
            continue
        if root[2] == b"sst" and _too_many_shared_strings(archive, info, root[1] or b""):
            raise errors.unsafe_archive(
                _("セルの文字データが多すぎます。共有文字列が 10 万件を超えています")
            )
        if (
            root[2] == b"worksheet"
            and info.file_size > XLSX_UNDIMENSIONED_SHEET_MAX
            and b"dimension" not in head.split(b"sheetData", 1)[0]
        ):
            raise errors.unsafe_archive(_("大きなシートに範囲情報「dimension」がありません"))


def _too_many_shared_strings(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, prefix: bytes
) -> bool:
    """Count <si> items as the part streams by, stopping as soon as the cap is passed."""
    tokens = [b"<" + prefix + b"si" + end for end in (b">", b" ", b"/", b"\t", b"\r", b"\n")]
    count, tail = 0, b""
    with archive.open(info) as member:
        while chunk := member.read(256 * 1024):
            # Carry the last bytes over so a tag split across two chunks is counted once.
            window = tail + chunk
            count += sum(window.count(t) - tail.count(t) for t in tokens)
            if count > XLSX_SHARED_STRINGS_MAX:
                return True
            tail = window[-64:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_PERSONAL_PROPERTIES = {
    "docprops/core.xml": ("creator", "lastModifiedBy"),
    "docprops/app.xml": ("Company", "Manager"),
}
_EMPTY_PROPERTIES = {
    "docprops/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
    ),
    "docprops/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
}
# Custom properties are whatever the author typed (担当者, 顧客名 …): all of them go.
_CUSTOM_PROPERTIES = "docprops/custom.xml"
_EMPTY_CUSTOM_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
# Review features name people: comment and tracked-change authors (w:author, w:initials), the
# people lists Office keeps for them with sign-in addresses (userId, displayName), workbook
# comment authors (<author>) and slide comment authors (name= in the authors' parts).
_REVIEW_PARTS = re.compile(
    r"word/[^/]+\.xml|xl/comments[^/]*(?:/[^/]+)?\.xml|xl/(?:threadedcomments|persons)/[^/]+\.xml"
    r"|ppt/(?:commentauthors|authors)\.xml|ppt/comments/[^/]+\.xml"
)
_AUTHORS_PARTS = re.compile(r"ppt/(?:commentauthors|authors)\.xml")
_PERSON_ATTRIBUTE = re.compile(
    rb"(\s(?:[\w.-]+:)?(?:author|initials|userId|displayName|providerId)\s*=\s*)"
    rb"(?:\"[^\"]*\"|'[^']*')"
)
_NAME_ATTRIBUTE = re.compile(rb"(\s(?:[\w.-]+:)?name\s*=\s*)(?:\"[^\"]*\"|'[^']*')")
_AUTHOR_ELEMENT = re.compile(rb"(<((?:[\w.-]+:)?)author(?:\s[^>]*)?>)[^<]*(</\2author\s*>)")
ANONYMOUS = "匿名".encode()
# Fixed timestamps: member dates say when and, with the time zone, roughly where it was edited.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _without_reviewers(xml: bytes, key: str) -> bytes:
    """The part with every reviewer's name and address replaced by 匿名."""
    xml = _PERSON_ATTRIBUTE.sub(rb'\1"' + ANONYMOUS + rb'"', xml)
    if _AUTHORS_PARTS.fullmatch(key):
        xml = _NAME_ATTRIBUTE.sub(rb'\1"' + ANONYMOUS + rb'"', xml)
    return _AUTHOR_ELEMENT.sub(rb"\1" + ANONYMOUS + rb"\3", xml)


def _rewrite_without_personal_metadata(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> bytes:
    """Copy every part into a fresh zip, emptying the author and company properties, the custom
    properties and the names of comment and tracked-change authors."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            copy = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            copy.compress_type = zipfile.ZIP_DEFLATED
            copy.file_size = info.file_size
            key = info.filename.lower()
            if key in _PERSONAL_PROPERTIES:
                xml = _read_xml_part(archive, info.filename)
                target.writestr(copy, _empty_properties(xml, key))
                continue
            if key == _CUSTOM_PROPERTIES:
                target.writestr(copy, _EMPTY_CUSTOM_PROPERTIES)
                continue
            if _REVIEW_PARTS.fullmatch(key):
                target.writestr(copy, _without_reviewers(archive.read(info), key))
                continue
            # Streaming keeps memory flat; reading to the end also checks each member's CRC.
            with archive.open(info) as source, target.open(copy, "w") as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)
    return out.getvalue()


def _empty_properties(xml: bytes, key: str) -> bytes:
    names = _PERSONAL_PROPERTIES[key]
    SafeET.fromstring(xml, forbid_dtd=True)
    # A textual edit keeps every other byte, and so every namespace prefix, exactly as Office wrote
    # it; re-serialising through ElementTree would rename prefixes that attribute values refer to.
    for name in names:
        tag = name.encode()
        pattern = re.compile(
            rb"<((?:[\w.-]+:)?)" + tag + rb"(\s[^>]*)?(?<!/)>.*?</\1" + tag + rb"\s*>", re.S
        )
        xml = pattern.sub(rb"<\1" + tag + rb"\2/>", xml)
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
        leftover = any(
            _local(element.tag) in names and ((element.text or "").strip() or len(element))
            for element in root.iter()
        )
    except Exception:
        leftover = True
    # Unusual encodings or layouts defeat the textual edit; then drop every property instead.
    return _EMPTY_PROPERTIES[key] if leftover else xml


def _prove_parses(content: bytes, extension: str) -> None:
    # Imported here: preview imports openpyxl, which is slow to load and only needed for documents.
    from uploads import preview

    try:
        if extension == "xlsx":
            preview.xlsx_sheets(content)
        elif extension == "docx":
            preview.docx_paragraphs(content)
        else:
            preview.pptx_slides(content)
    except Exception as exc:
        raise errors.broken(extension) from exc
