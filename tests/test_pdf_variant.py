"""``briefing build --pdf-variant``: PDF/A on request, and a clear word for an unknown variant."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.writers.pdf import supported_variants

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], capture_output=True, text=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "facts").mkdir()
    for name in (f"{LETTER}.yaml", "_personen.yaml", "_armenie.yaml"):
        shutil.copy(ROOT / "facts" / name, tmp_path / "facts" / name)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def xmp(path: Path) -> str:
    """The PDF's XMP metadata packet."""
    return PdfReader(path).trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def xmp_value(packet: str, name: str) -> str | None:
    """``pdfaid:part`` and friends, written as an attribute or as an element."""
    match = re.search(rf'{name}(?:="|>)([^"<]*)', packet)
    return match.group(1) if match else None


def test_pdf_a_3b_carries_its_identification(project: Path) -> None:
    result = run("build", LETTER, "--format", "pdf", "--pdf-variant", "pdf/a-3b", "--project", str(project))
    assert result.returncode == 0, result.stderr
    packet = xmp(project / "output" / f"{LETTER}.pdf")
    assert xmp_value(packet, "pdfaid:part") == "3"
    assert xmp_value(packet, "pdfaid:conformance") == "B"


def test_the_default_is_pdf_ua_1(project: Path) -> None:
    result = run("build", LETTER, "--format", "pdf", "--project", str(project))
    assert result.returncode == 0, result.stderr
    packet = xmp(project / "output" / f"{LETTER}.pdf")
    assert xmp_value(packet, "pdfuaid:part") == "1"
    assert xmp_value(packet, "pdfaid:part") is None


def test_an_unknown_variant_is_one_clear_line(project: Path) -> None:
    result = run("build", "--pdf-variant", "pdf/a-9z", "--project", str(project))
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "pdf/a-9z" in lines[0]
    assert all(variant in lines[0] for variant in supported_variants())
    assert not (project / "output" / f"{LETTER}.pdf").exists()
    assert not (project / "output" / f"{LETTER}.docx").exists()  # nothing half-built
