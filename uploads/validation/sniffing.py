"""What the bytes of an upload really are, as far as their first bytes tell."""

SNIFF_LABELS = {
    "jpeg": "JPEG 画像",
    "png": "PNG 画像",
    "webp": "WebP 画像",
    "gif": "GIF 画像",
    "bmp": "BMP 画像",
    "tiff": "TIFF 画像",
    "heic": "HEIC 画像",
    "pdf": "PDF",
    "zip": "ZIP 形式のファイル",
    "ole": "古い形式の Office ファイル（.xls/.doc/.ppt）またはパスワード付きの Office ファイル",
    "exe": "実行ファイル（プログラム）",
    "elf": "実行ファイル（プログラム）",
    "html": "HTML",
    "svg": "SVG 画像",
    "xml": "XML",
    "rtf": "RTF 文書",
    "xlsx": "Excel ブック（.xlsx）",
    "docx": "Word 文書（.docx）",
    "pptx": "PowerPoint プレゼンテーション（.pptx）",
}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def sniff(data: bytes) -> str | None:
    """Name the format the bytes really are, as far as the first bytes tell."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return "heic"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"MZ"):
        return "exe"
    if data.startswith(b"\x7fELF"):
        return "elf"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head:
        return "svg"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "html"
    if head.startswith(b"<?xml"):
        return "xml"
    return None
