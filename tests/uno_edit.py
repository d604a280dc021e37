"""Edit a DOCX the way a user does in LibreOffice Writer: open it, find and replace, save as Word.

Run with the system Python that has LibreOffice's ``uno`` module (Debian: python3-uno):

    /usr/bin/python3 tests/uno_edit.py IN.docx OUT.docx [OLD NEW]...

No pair of OLD/NEW: open and save without a change (a "no-op save"). Each OLD is replaced
once, as Writer's Find & Replace does; a missing OLD is an error (exit 3).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main() -> int:
    src, dst, *pairs = sys.argv[1:]
    profile = tempfile.mkdtemp(prefix="uno-profile-")
    pipe = f"briefing_uno_{os.getpid()}"
    office = subprocess.Popen(
        [shutil.which("soffice") or "soffice", "--headless", "--invisible", "--norestore", "--nologo",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(300):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.1)
        if ctx is None:
            print("LibreOffice did not start", file=sys.stderr)
            return 2
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(Path(src).resolve())), "_blank", 0,
                                           (prop("Hidden", True),))
        missing = []
        for old, new in zip(pairs[::2], pairs[1::2], strict=False):
            search = doc.createSearchDescriptor()
            search.SearchString = old
            search.SearchCaseSensitive = True
            found = doc.findFirst(search)
            if found is None:
                missing.append(old)
                continue
            found.setString(new)
        doc.storeToURL(uno.systemPathToFileUrl(str(Path(dst).resolve())),
                       (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
        if missing:
            print(f"not found: {missing}", file=sys.stderr)
            return 3
        return 0
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
