"""The certificate: a one-page PDF with real text and a verification code."""

from __future__ import annotations

import io

from flask_babel import format_date
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from mooc_player.content import Course
from mooc_player.models import Enrolment

BRAND = HexColor("#1d3f8f")


def certificate_pdf(course: Course, enrolment: Enrolment, verify_url: str) -> bytes:
    """Helvetica's WinAnsi encoding covers French text (é, ç, œ, « »), so no font is shipped."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = Canvas(buffer, pagesize=(width, height), invariant=True)
    pdf.setTitle(f"Certificat — {course.title}")
    pdf.setAuthor("Emploi Store")
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(4)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFillColor(BRAND)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(width / 2, height - 90, "Emploi Store")
    pdf.setFont("Helvetica-Bold", 34)
    pdf.drawCentredString(width / 2, height - 160, "Certificat de réussite")
    pdf.setFillColor(HexColor("#1b1b1f"))
    pdf.setFont("Helvetica", 16)
    holder = enrolment.certificate_name or "La personne titulaire de ce certificat"
    pdf.drawCentredString(width / 2, height - 220, f"{holder} a suivi et terminé le cours")
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 260, f"« {course.title} »")
    pdf.setFont("Helvetica", 14)
    finished = format_date(enrolment.completed_at, format="long") if enrolment.completed_at else ""
    duration = f"{course.minutes // 60} h {course.minutes % 60:02d}"
    pdf.drawCentredString(
        width / 2, height - 300, f"le {finished}, soit environ {duration} de formation."
    )
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(width / 2, 110, f"Code de vérification : {enrolment.certificate_code}")
    pdf.drawCentredString(width / 2, 90, f"Vérifier ce certificat : {verify_url}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
