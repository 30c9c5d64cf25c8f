"""The limits an upload must stay within (sizes, pixels, archive members, parser budgets)."""

MB = 1024 * 1024
IMAGE_MAX_BYTES = 10 * MB
DOCUMENT_MAX_BYTES = 20 * MB
# Pixels decode to 4 bytes each: a 40 MP photo needs 160 MB at full size. JPEGs decode smaller
# (JPEG_MAX_SIDE); PNG and WebP (screenshots, diagrams) decode whole, so they get less.
MAX_PIXELS = {"JPEG": 40_000_000, "PNG": 24_000_000, "WEBP": 24_000_000}
# Photos (JPEG) are stored at most this many pixels on their long side, enough to read a
# whiteboard: a 40 MP phone photo decodes at half scale, in a quarter of the memory.
JPEG_MAX_SIDE = 4096
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_TOTAL = 100 * MB
ZIP_MAX_RATIO = 100
# A member smaller than this cannot be a bomb whatever its ratio, and small XML parts full of
# repeated empty cells legitimately compress better than 100:1.
ZIP_RATIO_FLOOR = 1 * MB
# Parts read whole into memory (content types, document properties) are tiny in real files.
XML_PART_MAX = 5 * MB
PDF_MAX_OBJECTS = 500_000
# A PDF is parsed in a child process (uploads/sandbox.py) with these limits.
PDF_SECONDS = 15.0
PDF_MEMORY_MB = 512

# openpyxl, which the preview uses, builds an object per shared string (about 25 µs each here)
# and, in read-only mode, parses a whole sheet on opening when it lacks a <dimension> element.
# A 19 MB upload with 3 million short strings took 100 s and over 700 MB [measured here].
XLSX_SHARED_STRINGS_MAX = 100_000
XLSX_UNDIMENSIONED_SHEET_MAX = 10 * MB
