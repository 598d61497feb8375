"""The web app: upload page, validation view, jobs, results, and the same actions as a JSON API.

Server-rendered HTML (Jinja2) with a little JavaScript, on FastAPI. Every action a page offers
is also an API call under ``/api`` (described by ``/openapi.json``). The assessment itself is
:func:`climrisk.run.run_assessment`, run in a background worker by :mod:`climrisk.web.jobs`.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import logging
import shutil
from collections.abc import Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from climrisk import __version__
from climrisk.errors import InputError
from climrisk.run import pdf_available
from climrisk.web.jobs import RESULT_FILES, JobRunner, JobTask, job_dir
from climrisk.web.options import (
    LANGUAGE_NAMES,
    PATHWAY_CHOICES,
    SCENARIO_CHOICES,
    build_config,
    config_settings,
    options_from_form,
    options_from_request,
    server_config,
)
from climrisk.web.safety import host_allowed, is_id, neutralise_cell, new_id
from climrisk.web.schemas import FileOut, JobIn, JobOut, UploadOut
from climrisk.web.settings import WebSettings
from climrisk.web.store import Job, JobStore, Upload
from climrisk.web.tables import (
    MARK,
    label,
    physical_tables,
    transition_tables,
    transition_totals,
)
from climrisk.web.uploads import (
    ASSET_SUFFIXES,
    RUN_FILE_SUFFIXES,
    UploadRejected,
    receive_form,
)
from climrisk.web.validation import check_run_file, validate_upload

__all__ = ["ISSUES_SHOWN", "TOKEN_COOKIE", "create_app"]

_LOG = logging.getLogger("climrisk.web")
_HERE = Path(__file__).resolve().parent
ISSUES_SHOWN = 1000
TOKEN_COOKIE = "climrisk_token"  # noqa: S105 (a cookie name, not a secret)
_MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
}
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "Asset file: CSV, XLSX, Parquet or GeoJSON",
                        },
                        "run_file": {
                            "type": "string",
                            "format": "binary",
                            "description": "Optional TOML run file (no server paths)",
                        },
                    },
                }
            }
        },
    }
}


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


def _money(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if number != number:
        return "–"
    return f"{number:,.0f}"


def _size(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if number >= scale:
            return f"{number / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{number:,.0f} bytes"


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return value


def create_app(settings: WebSettings) -> FastAPI:
    """Build the web app for one data folder.

    Parameters
    ----------
    settings
        Data folder, server-side hazard folder and run file, limits, token and worker mode.

    Raises
    ------
    climrisk.errors.InputError
        When the server's run file cannot be read.
    """
    store = JobStore(settings.data_dir)
    store.initialise()
    uploads_dir = settings.data_dir / "uploads"
    uploads_dir.mkdir(parents=True, exist_ok=True)
    base_config = server_config(settings)
    interrupted = store.fail_interrupted()
    if interrupted:
        _LOG.warning("%d unfinished job(s) of an earlier server marked failed", interrupted)
    runner = JobRunner(store, settings.executor, settings.workers)
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.filters["money"] = _money
    templates.env.filters["label"] = label
    templates.env.filters["when"] = _when
    templates.env.filters["size"] = _size
    templates.env.globals.update(
        version=__version__, mark=MARK, token_required=bool(settings.token)
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await run_in_threadpool(runner.shutdown)

    app = FastAPI(
        title="climrisk",
        version=__version__,
        summary="Climate risk scenario assessment: upload assets, validate, assess, download.",
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.runner = runner
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    # -- pages and errors ---------------------------------------------------------------------

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def error_response(request: Request, status: int, message: str, **extra: Any) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": message, **extra}, status_code=status)
        return page(request, "error.html", status, status=status, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and message == "Not Found":
            message = "not found"
        return error_response(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        text = "; ".join(f"{p['location']}: {p['message']}" for p in problems)
        return error_response(request, 422, f"invalid request: {text}", problems=problems)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        reference = new_id()[:12]
        _LOG.error("internal error (reference %s) on %s %s", reference, request.method,
                   request.url.path, exc_info=exc)
        return error_response(
            request, 500,
            f"internal error; the server log has the detail (reference {reference})",
            reference=reference,
        )

    # -- token and same-origin guard ----------------------------------------------------------

    def authorised(request: Request) -> bool:
        if not settings.token:
            return True
        expected = settings.token.encode()
        header = request.headers.get("authorization", "")
        candidates = [
            header[7:].strip() if header.lower().startswith("bearer ") else "",
            request.headers.get("x-climrisk-token", ""),
            request.cookies.get(TOKEN_COOKIE, ""),
        ]
        return any(c and hmac.compare_digest(c.encode(), expected) for c in candidates)

    def same_origin(request: Request) -> bool:
        origin = request.headers.get("origin")
        if not origin:
            return True
        return origin != "null" and urlsplit(origin).netloc == request.headers.get("host")

    host_names = settings.host_names()

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        if not host_allowed(request.headers.get("host"), host_names):
            return JSONResponse(
                {"detail": "host not allowed: address this server by a name it serves "
                           "(see --allowed-host)"}, status_code=400)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not same_origin(request):
            return error_response(request, 403, "cross-site request refused")
        public = path.startswith("/static/") or path == "/login"
        if not public and not authorised(request):
            if _is_api(request):
                return JSONResponse(
                    {"detail": "a valid token is needed (header 'Authorization: Bearer TOKEN')"},
                    status_code=401, headers={"WWW-Authenticate": "Bearer"},
                )
            return page(request, "login.html", 401, next=path, wrong=False)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if path not in ("/docs", "/docs/oauth2-redirect"):
            response.headers.setdefault("Content-Security-Policy", _CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_page(request: Request) -> Response:
        return page(request, "login.html", next="/", wrong=False)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=4)
        token = str(form.get("token", ""))
        target = str(form.get("next", "/"))
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        if settings.token and hmac.compare_digest(token.encode(), settings.token.encode()):
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
            return response
        await anyio.sleep(0.5)  # slow down guessing
        return page(request, "login.html", 401, next=target, wrong=True)

    # -- shared actions -----------------------------------------------------------------------

    def upload_folder(upload_id: str) -> Path:
        return uploads_dir / upload_id

    def find_upload(upload_id: str) -> Upload:
        upload = store.get_upload(upload_id) if is_id(upload_id) else None
        if upload is None:
            raise StarletteHTTPException(404, "no such upload")
        return upload

    def find_job(job_id: str) -> Job:
        job = store.get_job(job_id) if is_id(job_id) else None
        if job is None:
            raise StarletteHTTPException(404, "no such job")
        return job

    def read_issues(upload: Upload) -> list[dict[str, Any]]:
        path = upload_folder(upload.id) / "issues.json"
        if not path.exists():
            return []
        return json.loads(path.read_text(encoding="utf-8"))

    async def receive_upload(request: Request, from_page: bool) -> Upload:
        upload_id = new_id()
        folder = upload_folder(upload_id)
        try:
            form = await receive_form(
                request.headers.get("content-type"), request.headers.get("content-length"),
                request.stream(), folder,
                file_fields={"file": ("assets", ASSET_SUFFIXES),
                             "run_file": ("run", RUN_FILE_SUFFIXES)},
                max_bytes=settings.max_upload_bytes, max_rows=settings.max_rows,
            )
            asset = form.files.get("file")
            if asset is None:
                raise UploadRejected(400, "choose an asset file to upload (form field 'file')")
            page_options = from_page and form.first("options") == "page"
            options = options_from_form(form.fields, base_config) if page_options else {}
        except (UploadRejected, InputError):
            shutil.rmtree(folder, ignore_errors=True)
            raise
        run_file = form.files.get("run_file")
        run_issues = None
        if run_file is not None:
            run_issues = await run_in_threadpool(check_run_file, run_file.path, run_file.filename)
        issues, summary = await run_in_threadpool(
            validate_upload, asset.path, asset.filename, max_rows=settings.max_rows,
            allow_multiple_currencies=bool(base_config.fx),
        )
        (folder / "issues.json").write_text(json.dumps(issues, ensure_ascii=False),
                                            encoding="utf-8")
        upload = Upload(
            id=upload_id, created=datetime.now(UTC).isoformat(timespec="seconds"),
            filename=asset.filename, stored=asset.path.name, size_bytes=asset.size_bytes,
            valid=not issues, issue_count=len(issues), summary=summary, options=options,
            run_file=run_file.path.name if run_file else None,
            run_file_name=run_file.filename if run_file else None, run_file_issues=run_issues,
        )
        store.add_upload(upload)
        _LOG.info("upload %s: %s, %d bytes, %d problems", upload_id, asset.filename,
                  asset.size_bytes, len(issues))
        return upload

    def start_job(upload: Upload, overrides: Mapping[str, Any]) -> Job:
        if not upload.valid:
            raise InputError(upload.filename, "the asset file has problems; fix them and upload "
                             "it again")
        if upload.run_file_issues:
            raise InputError(upload.run_file_name or "run file", "the run file has problems; "
                             "fix it and upload again")
        folder = upload_folder(upload.id)
        run_file = folder / upload.run_file if upload.run_file else None
        config, notes = build_config(settings, {**upload.options, **overrides}, run_file)
        job_id = new_id()
        job = store.add_job(job_id, upload, {**config_settings(config, upload.run_file_name),
                                             "notes": notes})
        runner.submit(JobTask(str(settings.data_dir), job_id, str(folder / upload.stored),
                              upload.filename, config, tuple(notes), upload.run_file_name))
        _LOG.info("job %s queued for upload %s", job_id, upload.id)
        return job

    def rerun(job: Job) -> Job:
        """A new job on the same upload with this job's own choices (not the upload's)."""
        kept = {k: job.settings[k] for k in ("scenarios", "pathway_scenarios", "horizons",
                                              "lang", "pdf") if job.settings.get(k) is not None}
        return start_job(find_upload(job.upload_id), options_from_request(kept))

    def job_files(job: Job) -> list[dict[str, Any]]:
        if job.status != "done":
            return []
        folder = job_dir(settings.data_dir, job.id)
        files = []
        for name in RESULT_FILES:
            path = folder / RESULT_FILES[name]
            if name in (job.outputs or []) and path.is_file():
                files.append({"name": name, "size_bytes": path.stat().st_size,
                              "url": f"/api/jobs/{job.id}/files/{name}"})
        return files

    def upload_out(upload: Upload) -> dict[str, Any]:
        issues = read_issues(upload)
        return {
            "upload_id": upload.id, "filename": upload.filename,
            "size_bytes": upload.size_bytes, "created": upload.created,
            "valid": upload.valid and not upload.run_file_issues,
            "issue_count": upload.issue_count, "issues": issues[:ISSUES_SHOWN],
            "issues_truncated": len(issues) > ISSUES_SHOWN, "summary": upload.summary,
            "run_file": upload.run_file_name, "run_file_issues": upload.run_file_issues or [],
            "options": upload.options,
            "links": {"self": f"/api/uploads/{upload.id}",
                      "issues_csv": f"/api/uploads/{upload.id}/issues.csv",
                      "page": f"/uploads/{upload.id}"},
        }

    def job_out(job: Job) -> dict[str, Any]:
        return {
            "job_id": job.id, "upload_id": job.upload_id, "filename": job.filename,
            "status": job.status, "stage": job.stage, "percent": job.percent,
            "message": job.message, "created": job.created, "updated": job.updated,
            "settings": job.settings, "summary": job.summary, "files": job_files(job),
            "links": {"self": f"/api/jobs/{job.id}", "files": f"/api/jobs/{job.id}/files",
                      "page": f"/jobs/{job.id}"},
        }

    def download(job_id: str, name: str) -> FileResponse:
        job = find_job(job_id)
        relative = RESULT_FILES.get(name)
        if relative is None:
            raise StarletteHTTPException(404, "no such file")
        if job.status != "done":
            raise StarletteHTTPException(409, "the job has not finished")
        base = job_dir(settings.data_dir, job.id).resolve()
        path = (base / relative).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            raise StarletteHTTPException(404, "no such file")
        return FileResponse(
            path, media_type=_MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
            filename=name, content_disposition_type="inline" if name == "map.png" else "attachment",
        )

    def issues_csv(upload: Upload) -> Response:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["row", "column", "value", "message"])
        for item in read_issues(upload):
            writer.writerow([neutralise_cell("" if item.get(k) is None else str(item[k]))
                             for k in ("row", "column", "value", "message")])
        stem = Path(upload.filename).stem or "upload"
        safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_"
                       for ch in stem)[:60]
        return Response(
            buffer.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{safe}_problems.csv"'},
        )

    def input_problems(exc: InputError) -> list[dict[str, Any]]:
        return [{"row": i.row, "column": i.column, "value": i.value, "message": i.message}
                for i in exc.issues]

    # -- HTML pages ---------------------------------------------------------------------------

    def upload_page(request: Request, status: int = 200, error: str | None = None) -> Response:
        return page(
            request, "upload.html", status, error=error, config=base_config,
            scenarios=SCENARIO_CHOICES, pathways=PATHWAY_CHOICES, languages=LANGUAGE_NAMES,
            pdf_available=pdf_available(), max_bytes=settings.max_upload_bytes,
            max_rows=settings.max_rows, accept=",".join(sorted(ASSET_SUFFIXES)),
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> Response:
        return upload_page(request)

    @app.post("/upload", include_in_schema=False)
    async def upload_from_page(request: Request) -> Response:
        try:
            upload = await receive_upload(request, from_page=True)
        except UploadRejected as exc:
            return upload_page(request, exc.status, exc.message)
        except InputError as exc:
            return upload_page(request, 422, "; ".join(i.message for i in exc.issues))
        return RedirectResponse(f"/uploads/{upload.id}", status_code=303)

    def validation_page(request: Request, upload: Upload, status: int = 200,
                        error: str | None = None) -> Response:
        issues = read_issues(upload)
        settings_view = None
        if upload.valid and not upload.run_file_issues:
            try:
                run_file = (upload_folder(upload.id) / upload.run_file
                            if upload.run_file else None)
                config, notes = build_config(settings, upload.options, run_file)
                settings_view = {**config_settings(config, upload.run_file_name),
                                 "notes": notes}
            except InputError as exc:
                error = error or "; ".join(i.message for i in exc.issues)
        return page(request, "validation.html", status, upload=upload,
                    issues=issues[:ISSUES_SHOWN], shown=min(len(issues), ISSUES_SHOWN),
                    settings=settings_view, error=error, languages=LANGUAGE_NAMES)

    @app.get("/uploads/{upload_id}", response_class=HTMLResponse, include_in_schema=False)
    async def upload_view(request: Request, upload_id: str) -> Response:
        return validation_page(request, find_upload(upload_id))

    @app.post("/uploads/{upload_id}/run", include_in_schema=False)
    async def run_from_page(request: Request, upload_id: str) -> Response:
        upload = find_upload(upload_id)
        try:
            job = await run_in_threadpool(start_job, upload, {})
        except InputError as exc:
            return validation_page(request, upload, 422, "; ".join(i.message for i in exc.issues))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.post("/jobs/{job_id}/rerun", include_in_schema=False)
    async def rerun_from_page(request: Request, job_id: str) -> Response:
        job = find_job(job_id)
        try:
            again = await run_in_threadpool(rerun, job)
        except InputError as exc:
            return error_response(request, 422, "; ".join(i.message for i in exc.issues))
        return RedirectResponse(f"/jobs/{again.id}", status_code=303)

    @app.get("/uploads/{upload_id}/issues.csv", include_in_schema=False)
    async def issues_csv_page(upload_id: str) -> Response:
        return issues_csv(find_upload(upload_id))

    @app.get("/jobs", response_class=HTMLResponse, include_in_schema=False)
    async def jobs_page(request: Request) -> Response:
        return page(request, "jobs.html", jobs=store.list_jobs())

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    async def job_page(request: Request, job_id: str) -> Response:
        job = find_job(job_id)
        context: dict[str, Any] = {"job": job, "files": job_files(job)}
        if job.status == "done":
            results = job_dir(settings.data_dir, job.id) / "results"
            context["physical"] = await run_in_threadpool(physical_tables, results)
            context["transition"] = await run_in_threadpool(transition_tables, results)
            context["has_map"] = "map.png" in (job.outputs or [])
            context["totals"] = transition_totals((job.summary or {}).get("transition", []))
        return page(request, "job.html", **context)

    @app.get("/jobs/{job_id}/files/{name}", include_in_schema=False)
    async def job_file_page(job_id: str, name: str) -> FileResponse:
        return download(job_id, name)

    # -- JSON API -----------------------------------------------------------------------------

    @app.get("/api/health", tags=["service"])
    async def health() -> dict[str, Any]:
        """Service status: version, PDF renderer, limits."""
        return {"status": "ok", "version": __version__, "pdf_available": pdf_available(),
                "max_upload_bytes": settings.max_upload_bytes, "max_rows": settings.max_rows}

    @app.post("/api/uploads", status_code=201, response_model=UploadOut, tags=["uploads"],
              openapi_extra=_UPLOAD_BODY,
              responses={413: {"description": "over the size or row limit"},
                         415: {"description": "not a multipart form, or a refused file type"}})
    async def api_upload(request: Request) -> Any:
        """Upload an asset file (and optionally a run file) and validate it at once.

        The answer lists every problem (row, column, value, message) or, for a valid file,
        the summary: assets by type and country, total value and the defaults to be applied.
        """
        try:
            upload = await receive_upload(request, from_page=False)
        except UploadRejected as exc:
            return JSONResponse({"detail": exc.message}, status_code=exc.status)
        return upload_out(upload)

    @app.get("/api/uploads/{upload_id}", response_model=UploadOut, tags=["uploads"])
    async def api_upload_get(upload_id: str) -> Any:
        """An upload's validation result."""
        return upload_out(find_upload(upload_id))

    @app.get("/api/uploads/{upload_id}/issues.csv", tags=["uploads"],
             response_class=Response,
             responses={200: {"content": {"text/csv": {}}}})
    async def api_issues_csv(upload_id: str) -> Response:
        """Every problem of an upload as CSV (formula-like cells neutralised)."""
        return issues_csv(find_upload(upload_id))

    @app.post("/api/jobs", status_code=202, response_model=JobOut, tags=["jobs"],
              responses={422: {"description": "invalid upload or options"}})
    async def api_job_create(body: JobIn) -> Any:
        """Start the assessment of a valid upload in the background."""
        upload = find_upload(body.upload_id)
        try:
            overrides = options_from_request(body.model_dump(exclude={"upload_id"}))
            job = await run_in_threadpool(start_job, upload, overrides)
        except InputError as exc:
            return JSONResponse({"detail": "; ".join(i.message for i in exc.issues),
                                 "problems": input_problems(exc)}, status_code=422)
        return job_out(job)

    @app.post("/api/jobs/{job_id}/rerun", status_code=202, response_model=JobOut,
              tags=["jobs"], responses={422: {"description": "the upload can no longer run"}})
    async def api_job_rerun(job_id: str) -> Any:
        """Run a job again: a new job on the same upload with this job's own settings."""
        job = find_job(job_id)
        try:
            again = await run_in_threadpool(rerun, job)
        except InputError as exc:
            return JSONResponse({"detail": "; ".join(i.message for i in exc.issues),
                                 "problems": input_problems(exc)}, status_code=422)
        return job_out(again)

    @app.get("/api/jobs", response_model=list[JobOut], tags=["jobs"])
    async def api_jobs() -> Any:
        """All jobs, most recent first."""
        return [job_out(job) for job in store.list_jobs()]

    @app.get("/api/jobs/{job_id}", response_model=JobOut, tags=["jobs"])
    async def api_job(job_id: str) -> Any:
        """A job's state: queued, running (stage, percent), done (files) or failed (reason)."""
        return job_out(find_job(job_id))

    @app.get("/api/jobs/{job_id}/files", response_model=list[FileOut], tags=["jobs"])
    async def api_job_files(job_id: str) -> Any:
        """The files of a finished job."""
        return job_files(find_job(job_id))

    @app.get("/api/jobs/{job_id}/files/{name}", tags=["jobs"], response_class=FileResponse)
    async def api_job_file(job_id: str, name: str) -> FileResponse:
        """Download one file of a finished job (only the job's own result files)."""
        return download(job_id, name)

    return app
