"""Stream the first sheet of an XLSX workbook, refusing a file that declares or reaches too much.

Why not openpyxl: even in read-only mode it yields an empty row for every row number a sheet skips
(a sheet declaring row 200,000,000 kept a thread busy for minutes), pads rows to the declared
dimension, keeps every shared string as a Python object and parses XML without entity protection
by default. Here the zip directory is checked before anything is unpacked, every XML part goes
through defusedxml's expat (no DTD, no entities), rows are counted by their number, and texts are
capped while they stream in.
"""
import io
import struct
import zipfile
import zlib
from posixpath import dirname, join, normpath
from xml.sax import SAXException
from xml.sax.handler import feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from flask_babel import lazy_gettext as _l

from . import limits as cap
from .limits import MB, FileRejected, not_a_table
from .xlsx_parts import Dimension, Handler, SharedStrings, SheetRows

CHUNK = 64 * 1024
#: What a damaged zip or XML part raises inside zipfile, zlib and expat.
_DAMAGE = (SAXException, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
           NotImplementedError, ValueError, KeyError, IndexError, OverflowError)


def xlsx_rows(data):
    """(row number, [cell text]) for each row of the first sheet that holds a value."""
    try:
        archive = _open(data)
        try:
            sheet, strings_part = _locate(archive)
            _check_dimension(archive, sheet)
            strings = _shared_strings(archive, strings_part)
            yield from _sheet_rows(archive, sheet, strings)
        finally:
            archive.close()
    except FileRejected:
        raise
    except DefusedXmlException as exc:  # a DTD, entity or external reference: never in a real workbook
        raise FileRejected(_l("This XLSX file contains XML declarations that spreadsheets never write, "
                              "so it is refused. Save it again from Excel and upload it again.")) from exc
    except _DAMAGE as exc:
        raise FileRejected(_l("The XLSX file is damaged.")) from exc


def _open(data):
    """The zip, once its directory and the declared size of every part are acceptable."""
    _check_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise not_a_table() from exc
    infos = archive.infolist()
    if len(infos) > cap.MAX_PARTS:
        raise _unusual()
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            raise _unusual()  # other methods (bzip2, lzma) or encryption: no spreadsheet program writes them
        total += info.file_size
        if info.file_size > cap.MAX_PART or total > cap.MAX_UNPACKED:
            raise FileRejected(_l(
                "This XLSX file would take more than %(max)s MB once unpacked, which is more than a registry "
                "needs. Split the list by ward, or save it as CSV, and upload it again.",
                max=(cap.MAX_PART if info.file_size > cap.MAX_PART else cap.MAX_UNPACKED) // MB))
        if info.file_size > cap.RATIO_FLOOR and info.file_size > cap.MAX_RATIO * max(info.compress_size, 1):
            raise FileRejected(_l(
                "This XLSX file unpacks to %(ratio)s times its packed size, far more than any real spreadsheet, "
                "so it is refused. Save it again from Excel and upload it again.",
                ratio=info.file_size // max(info.compress_size, 1)))
    return archive


def _check_directory(data):
    """Refuse a zip whose directory lists too many parts, before zipfile builds an object for each."""
    # Found as zipfile finds it: a record with no comment at the very end, else the last signature.
    end = len(data) - 22
    if end < 0 or data[end:end + 4] != b"PK\x05\x06" or data[-2:] != b"\x00\x00":
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65_535))
    if end < 0 or len(data) < end + 22:
        raise not_a_table()
    entries, size = struct.unpack_from("<HI", data, end + 10)
    if entries == 0xFFFF or size == 0xFFFFFFFF:  # Zip64: the true counts are in another record
        locator = end - 20
        if locator < 0 or data[locator:locator + 4] != b"PK\x06\x07":
            raise not_a_table()
        (record,) = struct.unpack_from("<Q", data, locator + 8)
        if record + 56 > len(data) or data[record:record + 4] != b"PK\x06\x06":
            raise not_a_table()
        entries, size = struct.unpack_from("<QQ", data, record + 32)
    if entries > cap.MAX_PARTS or size > cap.MAX_DIRECTORY:
        raise _unusual()


def _unusual():
    return FileRejected(_l("This XLSX file is not laid out like a workbook saved by a spreadsheet program. "
                           "Save it again from Excel and upload it again."))


def _feed(archive, name, handler):
    """Parse one part chunk by chunk through defused expat, yielding after each chunk."""
    parser = DefusedExpatParser(forbid_dtd=True)  # a DTD is the door to entity bombs; OOXML never has one
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    with archive.open(name) as part:
        while not handler.done:
            chunk = part.read(CHUNK)
            if not chunk:
                parser.close()
                return
            parser.feed(chunk)
            yield


def _parse(archive, name, handler):
    for _ in _feed(archive, name, handler):
        pass
    return handler


class _Relationships(Handler):
    """Targets of the relationships a predicate wants, by id (memory stays small whatever the part holds)."""

    def __init__(self, wanted):
        self.wanted = wanted
        self.found = {}

    def startElementNS(self, name, qname, attrs):
        if name[1] == "Relationship":
            rel_id, kind, target = (attrs.get((None, key), "") for key in ("Id", "Type", "Target"))
            if self.wanted(rel_id, kind) and len(self.found) < 10:
                self.found[rel_id or kind] = target


class _FirstSheet(Handler):
    rel_id = None

    def startElementNS(self, name, qname, attrs):
        if name[1] == "sheet":
            self.rel_id = next((v for (ns, key), v in attrs.items() if key == "id" and ns), None)
            self.done = True


def _rels_name(part):
    return join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")


def _target(part, target):
    return target.lstrip("/") if target.startswith("/") else normpath(join(dirname(part), target))


def _locate(archive):
    """(sheet part, shared-strings part or None) of the workbook's first sheet."""
    names = set(archive.namelist())
    if "_rels/.rels" not in names:
        raise not_a_table()
    root = _parse(archive, "_rels/.rels", _Relationships(lambda _i, kind: kind.endswith("/officeDocument")))
    workbook = _target("", next(iter(root.found.values()), "xl/workbook.xml"))
    rels = _rels_name(workbook)
    if workbook not in names or rels not in names:
        raise not_a_table()
    first = _parse(archive, workbook, _FirstSheet()).rel_id
    found = _parse(archive, rels, _Relationships(
        lambda rel_id, kind: rel_id == first or kind.endswith("/sharedStrings"))).found
    if first not in found:
        raise not_a_table()
    sheet = _target(workbook, found.pop(first))
    strings = next((_target(workbook, t) for t in found.values()), None)
    if sheet not in names:
        raise not_a_table()
    return sheet, strings if strings in names else None


def _check_dimension(archive, sheet):
    """Refuse a sheet that declares more rows or columns than allowed, before reading anything else."""
    for chunks, _ in enumerate(_feed(archive, sheet, Dimension()), start=1):
        if chunks * CHUNK > cap.MAX_PRELUDE:
            return  # no dimension where one would be: the rows are checked one by one


def _shared_strings(archive, part):
    return _parse(archive, part, SharedStrings()) if part else SharedStrings()


def _sheet_rows(archive, sheet, strings):
    handler = SheetRows(strings)
    for chunks, _ in enumerate(_feed(archive, sheet, handler), start=1):
        if not handler.in_data and not handler.done and chunks * CHUNK > cap.MAX_PRELUDE:
            raise _unusual()  # megabytes before the first row are no sheet a program saved
        yield from handler.ready
        handler.ready.clear()
    yield from handler.ready
