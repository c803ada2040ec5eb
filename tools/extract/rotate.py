"""Pages drawn rotated 90 degrees (Table I, Tables II-V), turned back so pdfplumber reads them."""
import io

import pdfplumber
import pypdf


def rotated_pages(pdf_path, pages):
    """A pdfplumber PDF of the given 1-based pages of ``pdf_path``, each rotated by 90 degrees."""
    reader = pypdf.PdfReader(pdf_path)
    writer = pypdf.PdfWriter()
    for pno in pages:
        page = reader.pages[pno - 1]
        page.rotate(90)
        writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    buf.seek(0)
    return pdfplumber.open(buf)
