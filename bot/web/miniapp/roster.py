"""The desk's roster: choose or drop a file, see every row's problem and, for a replacement,
the difference it makes, then confirm. The same services as the chat's upload: the file is
checked and imported by ``bot.services.roster_import`` (in a worker thread), with the
organiser's scope checked at each write.

An uploaded file waits here, under a random token bound to its uploader, until it is imported
or half an hour has passed; a confirmation names the figures it was shown, so if the roster
changed meanwhile the organiser sees the new ones instead of an import."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.wording.roster import bad_rows_text, import_summary
from bot.domain import N_, free_text
from bot.domain.roster_file import MAX_FILE_BYTES, RosterFileError
from bot.web.miniapp.pages import Pages, Refused, Viewer

# An upload is kept this long for its confirmation.
KEPT_SECONDS = 30 * 60
# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD = 64 * 1024


@dataclass
class _Upload:
    owner: int
    path: Path
    name: str
    at: float


class RosterDesk:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages
        # Removed with its files when the desk goes (the process ends, a test's app is freed).
        self._kept = tempfile.TemporaryDirectory(prefix="huihui-desk-roster-")
        self._folder = Path(self._kept.name)
        self._uploads: dict[str, _Upload] = {}
        # Uploads whose import is under way: the same confirmation sent twice at once (a
        # double press that reached the server twice, a retried request) imports once.
        self._importing: set[str] = set()

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        return [
            Route("/console/roster", guarded(self.form)),
            Route("/console/roster/check", guarded(self.check, upload=True), methods=["POST"]),
            Route("/console/roster/import", guarded(self.import_), methods=["POST"]),
        ]

    async def form(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        targets = await self._pages.services.administration.import_targets(viewer.user.id)
        if not targets:
            raise Refused(403)
        return self._pages.render(viewer, "console/roster.html", targets=targets)

    async def check(self, request: Request) -> HTMLResponse:
        """The uploaded file read, not imported: its rows' problems and what it would change."""
        viewer = await self._pages.viewer(request)
        size = request.headers.get("content-length")
        if size is None or not size.isdigit():
            raise Refused(411)
        if int(size) > MAX_FILE_BYTES + FORM_OVERHEAD:
            too_large = RosterFileError(
                N_("the file is larger than {maximum} MB"), maximum=MAX_FILE_BYTES // 1_000_000
            )
            return self._problem(viewer, too_large)
        form = await request.form(max_files=1, max_fields=4)
        unit_id = free_text.parse_id(str(form.get("unit", "")))
        upload = form.get("file")
        if unit_id is None or not isinstance(upload, UploadFile) or not upload.filename:
            return self._pages.render(
                viewer,
                "console/roster_result.html",
                text=viewer.gettext("Choose a file and a union first."),
            )
        unit_name = await self._unit_name(viewer, unit_id)
        token = self._keep(viewer.user.id, upload)
        await upload.close()
        return await self._preview(viewer, token, unit_id, unit_name, form.get("replace") == "1")

    async def import_(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        form = await request.form(max_files=0, max_fields=6)
        token = str(form.get("token", ""))
        unit_id = free_text.parse_id(str(form.get("unit", "")))
        replace = form.get("replace") == "1"
        upload = self._uploads.get(token)
        if unit_id is None or upload is None or upload.owner != viewer.user.id:
            return self._pages.render(
                viewer,
                "console/roster_result.html",
                text=viewer.gettext(
                    "This file has already been imported or has expired: choose it again."
                ),
            )
        if token in self._importing:
            return self._pages.render(
                viewer,
                "console/roster_result.html",
                text=viewer.gettext("This file is being imported: its result follows."),
            )
        self._importing.add(token)
        try:
            return await self._import(viewer, form, token, unit_id, upload, replace)
        finally:
            self._importing.discard(token)

    async def _import(
        self,
        viewer: Viewer,
        form: FormData,
        token: str,
        unit_id: int,
        upload: _Upload,
        replace: bool,
    ) -> HTMLResponse:
        unit_name = await self._unit_name(viewer, unit_id)
        services = self._pages.services
        if replace:
            shown = free_text.parse_id(str(form.get("leaving", "")))
            preview = await services.rosters.preview(viewer.user.id, unit_id, upload.path)
            if preview.bad_rows or preview.change.leaving != shown:
                # The roster changed since the figures were shown: show the new ones.
                return await self._preview(viewer, token, unit_id, unit_name, replace)
        try:
            report = await services.rosters.import_as(
                viewer.user.id, unit_id, unit_name, upload.path, _no_progress, replace
            )
        except RosterFileError as error:
            return self._problem(viewer, error)
        finally:
            self._forget(token)
        return self._pages.render(
            viewer,
            "console/roster_result.html",
            text=import_summary(report, replace, viewer.gettext, shown=None),
            done=True,
        )

    async def _preview(
        self, viewer: Viewer, token: str, unit_id: int, unit_name: str, replace: bool
    ) -> HTMLResponse:
        services = self._pages.services
        try:
            preview = await services.rosters.preview(
                viewer.user.id, unit_id, self._uploads[token].path
            )
        except RosterFileError as error:
            self._forget(token)
            return self._problem(viewer, error)
        return self._pages.render(
            viewer,
            "console/roster_preview.html",
            token=token,
            unit_id=unit_id,
            unit=unit_name,
            replace=replace,
            name=self._uploads[token].name,
            preview=preview,
            good=preview.good,
            problems=bad_rows_text(preview.bad_rows, viewer.gettext, shown=None).splitlines(),
        )

    async def _unit_name(self, viewer: Viewer, unit_id: int) -> str:
        name = await self._pages.services.administration.may_import_into(viewer.user.id, unit_id)
        if name is None:
            raise Refused(403)
        return name

    def _keep(self, owner: int, upload: UploadFile) -> str:
        """Keep the upload on disk (its suffix tells the reader CSV from Excel)."""
        self._expire()
        token = secrets.token_urlsafe(16)
        name = free_text.clean(upload.filename or "", single_line=True)[:100] or "roster.csv"
        path = self._folder / f"{token}{Path(name).suffix.lower()[:6]}"
        with path.open("wb") as kept:
            shutil.copyfileobj(upload.file, kept)
        self._uploads[token] = _Upload(owner, path, name, time.monotonic())
        return token

    def _forget(self, token: str) -> None:
        upload = self._uploads.pop(token, None)
        if upload is not None:
            upload.path.unlink(missing_ok=True)

    def _expire(self) -> None:
        old = [t for t, u in self._uploads.items() if time.monotonic() - u.at > KEPT_SECONDS]
        for token in old:
            self._forget(token)

    def _problem(self, viewer: Viewer, error: RosterFileError) -> HTMLResponse:
        _ = viewer.gettext
        text = _(
            "This file cannot be imported: {problem}. Nothing was imported.",
            problem=error.problem.text(_),
        )
        return self._pages.render(viewer, "console/roster_result.html", text=text)


def _no_progress(_rows: int) -> None:
    """The desk shows the result when the import is done (the chat edits a message)."""
