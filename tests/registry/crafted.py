"""Build XLSX files part by part at test time (nothing binary is committed): honest workbooks as
Excel writes them, and crafted ones with bombs, lies and huge declared sizes."""
import io
import zipfile
from xml.sax.saxutils import escape

from ..reports.data import HEADER_VI

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    PROLOG + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
ROOT_RELS = (f'{PROLOG}<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
             f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'{PROLOG}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'{PROLOG}<Relationships xmlns="{PACKAGE}">'
                 f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                 '</Relationships>')
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
    + "]>"
)


def workbook(sheet, strings=None, extra=()):
    """XLSX bytes; `sheet`, `strings` and the (name, content) pairs of `extra` are text or
    iterables of text chunks (so a part of hundreds of MB is never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                              ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                              ("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings),
                              *extra):
            if content is None:
                continue
            with archive.open(name, "w") as part:
                for chunk in [content] if isinstance(content, (str, bytes)) else content:
                    part.write(chunk.encode() if isinstance(chunk, str) else chunk)
    return out.getvalue()


def declare_size(data, name, size):
    """The zip with the uncompressed size of `name` in its central directory replaced by `size`."""
    entry = data.rfind(name.encode()) - 46  # the last copy of the name is the directory's
    assert data[entry:entry + 4] == b"PK\x01\x02"
    return data[:entry + 24] + size.to_bytes(4, "little") + data[entry + 28:]


def column(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row(number, values):
    """A row of inline-string cells from column A."""
    cells = "".join(text_cell(f"{column(i)}{number}", str(v)) for i, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'


def sheet(rows_xml, dimension=None, doctype=""):
    """A worksheet around rows given as XML text; the header is row 1."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<worksheet xmlns="{MAIN}">{declared}'
            f'<sheetData>{row(1, HEADER_VI)}{rows_xml}</sheetData></worksheet>')


def shared_strings(texts, declared=None):
    """A shared-strings part, as chunks."""
    count = f' uniqueCount="{declared}"' if declared is not None else ""
    yield f'{PROLOG}<sst xmlns="{MAIN}"{count}>'
    for text in texts:
        yield f"<si><t>{escape(text)}</t></si>"
    yield "</sst>"


def excel_registry(rows):
    """An XLSX as Excel saves it: texts in the shared strings, numbers as numbers; rows are lists of
    (registration number as int, name, address, ward code, category)."""
    index = {}

    def ref(text):
        return index.setdefault(text, len(index))

    def sheet_chunks():
        yield f'{PROLOG}<worksheet xmlns="{MAIN}"><dimension ref="A1:E{len(rows) + 1}"/><sheetData>'
        yield '<row r="1">' + "".join(f'<c r="{column(i)}1" t="s"><v>{ref(h)}</v></c>'
                                      for i, h in enumerate(HEADER_VI, start=1)) + "</row>"
        for number, values in enumerate(rows, start=2):
            registration, *texts = values
            yield (f'<row r="{number}" spans="1:5"><c r="A{number}"><v>{registration}</v></c>'
                   + "".join(f'<c r="{column(i)}{number}" t="s"><v>{ref(t)}</v></c>'
                             for i, t in enumerate(texts, start=2)) + "</row>")
        yield "</sheetData></worksheet>"

    sheet_xml = "".join(sheet_chunks())  # the strings are numbered while the sheet is written
    texts = sorted(index, key=index.get)
    return workbook(sheet_xml, shared_strings(texts, declared=len(texts)))
