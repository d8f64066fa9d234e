"""The HTTP service: read, scan and search over HTTP, and a web page to look at the results.

Models are loaded once per process when the app starts; every request runs on the bounded
`WorkQueue`, so a burst gets quick 429s rather than piling up in memory.
"""

from __future__ import annotations

import io
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from PIL import Image
from starlette.exceptions import HTTPException  # the router's own 404 and 405 as well as FastAPI's

from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.index.search import QueryError, search
from ocrforge.index.store import IndexStore
from ocrforge.io.images import DECODING_ERRORS, ImageError, load_image, load_pages
from ocrforge.io.pdf import read_pdf
from ocrforge.io.video import sample_frame_at
from ocrforge.pipeline.ocr import OCR
from ocrforge.plates.formats import REGION_NAMES
from ocrforge.plates.permits import PermitError, PermitStore, parse_time
from ocrforge.plates.reader import PlateReader
from ocrforge.scan.pdf import pdf_bytes
from ocrforge.scan.scanner import NoPageError, scan
from ocrforge.server.access import allow_origins, require_api_key
from ocrforge.server.limits import Limits, QueueFull, WorkQueue
from ocrforge.text.lexicon import built_in
from ocrforge.version import __version__

STATIC = resources.files("ocrforge.server") / "static"
THUMBNAIL_SIDE = 480
THUMBNAIL_DPI = 200  # PDF pages rendered for display: a letter page comes out 2200 px high, the largest side asked for


@dataclass
class ServerState:
    ocr: OCR
    plates: PlateReader
    queue: WorkQueue
    limits: Limits
    db: Path | None
    permits: Path | None
    _handwriting: OCR | None = None
    _handwriting_lock: threading.Lock = field(default_factory=threading.Lock)

    def handwriting(self) -> OCR:
        """The models for handwritten pages, loaded on the first request that asks for them."""
        with self._handwriting_lock:
            if self._handwriting is None:
                self._handwriting = OCR(threads=1, handwriting=True)
            return self._handwriting


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def create_app(db: Path | None = None, limits: Limits = Limits(), permits: Path | None = None,
               api_key: str | None = None, cors_origins: list[str] = ()) -> FastAPI:
    """The service; with `api_key`, every /v1/ request must carry it; `cors_origins`: the browser
    origins allowed to call it from other sites (none by default)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.server = ServerState(OCR(threads=1), PlateReader(threads=1), WorkQueue(limits.workers, limits.queue),
                                       limits, db, permits)
        yield
        app.state.server.queue.shutdown()

    app = FastAPI(title="ocrforge", version=__version__, lifespan=lifespan,
                  description="Read text in images: words with boxes and confidences, searchable PDFs of page photos, "
                              "and search over an index made by `ocrforge index`.")

    if api_key is not None:
        require_api_key(app, api_key)
    allow_origins(app, list(cors_origins))

    @app.exception_handler(ApiError)
    async def api_error(_: Request, err: ApiError) -> JSONResponse:
        return JSONResponse({"error": err.message}, status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, err: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in err.errors())
        return JSONResponse({"error": problems}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(err.detail)}, status_code=err.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, err: Exception) -> JSONResponse:
        return JSONResponse({"error": f"internal error: {type(err).__name__}: {err}"}, status_code=500)

    def state(request: Request) -> ServerState:
        return request.app.state.server

    async def upload_bytes(request: Request, file: UploadFile) -> bytes:
        limit = state(request).limits.max_upload_bytes
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, f"{file.filename}: larger than the {limit // (1024 * 1024)} MB upload limit")
        if not data:
            raise ApiError(400, f"{file.filename}: empty upload")
        return data

    def decode(data: bytes, name: str, max_pixels: int):
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > max_pixels:
                    raise ApiError(413, f"{name}: {probe.width}x{probe.height} is more than {max_pixels:,} pixels")
        except DECODING_ERRORS:
            pass  # load_image says what is wrong with it
        try:
            return load_image(data)
        except ImageError as err:
            raise ApiError(400, str(err).replace(f"<{len(data)} bytes>", name)) from None

    async def queued(request: Request, job):
        server = state(request)
        try:
            return await server.queue.run(job, server.limits.request_timeout)
        except QueueFull as err:
            raise ApiError(429, str(err)) from None
        except TimeoutError:
            raise ApiError(504, f"not done within {server.limits.request_timeout:g} s") from None

    @app.get("/healthz")
    async def healthz(request: Request) -> dict:
        server = state(request)
        return {"status": "ok", "version": __version__, "index": str(server.db) if server.db else None}

    @app.post("/v1/read", summary="Every word in an image, with boxes and confidences (the JSON of `ocrforge read`)")
    async def read(request: Request, file: UploadFile, max_side: int = Query(DEFAULT_MAX_SIDE, ge=64, le=4096),
                   lexicon: Literal["english", "french"] | None = Query(None, description="prefer known English or French words where unsure"),
                   handwriting: bool = Query(False, description="a handwritten page: whole lines found and read by the handwriting models")) -> dict:
        data = await upload_bytes(request, file)
        server = state(request)

        def job() -> dict:
            try:
                words = built_in(lexicon) if lexicon else None  # loaded once, off the event loop
            except ModuleNotFoundError:
                raise ApiError(501, "this server has no word list: pip install 'ocrforge[lexicon]'") from None
            ocr = server.handwriting() if handwriting else server.ocr  # in the worker: a first load stays off the event loop
            page = ocr.read(decode(data, file.filename, server.limits.max_pixels), max_side=max_side, lexicon=words)
            page.path = file.filename
            return page.to_dict()

        return await queued(request, job)

    @app.post("/v1/plate", summary="Licence plates in a crop or photo, checked against the permits when the server has them")
    async def plate(request: Request, file: UploadFile, at: str | None = None, zone: str | None = None,
                    region: Literal[REGION_NAMES] = Query("auto", description="whose plate formats an unsure reading is fitted to")) -> dict:
        data = await upload_bytes(request, file)
        server = state(request)
        try:
            when = parse_time(at) if at else datetime.now()
        except PermitError as err:
            raise ApiError(400, str(err)) from None

        def job() -> dict:
            plates = server.plates.read(decode(data, file.filename, server.limits.max_pixels), region=region)
            records = [plate.to_dict() for plate in plates]
            if server.permits is not None:
                store = PermitStore(server.permits)
                try:
                    for record in records:
                        record.update(store.check(record["plate"], when, zone).to_dict())
                finally:
                    store.close()
            return {"path": file.filename, "plates": records}

        return await queued(request, job)

    @app.post("/v1/scan", summary="A phone photo of a page as a searchable PDF", response_class=Response,
              responses={200: {"content": {"application/pdf": {}}}})
    async def scan_page(request: Request, file: UploadFile, binarize: bool = False) -> Response:
        data = await upload_bytes(request, file)
        server = state(request)

        def job() -> bytes:
            try:
                result = scan(decode(data, file.filename, server.limits.max_pixels), server.ocr, binarize=binarize)
            except NoPageError:
                raise ApiError(422, f"{file.filename}: no page found in the photo") from None
            return pdf_bytes([(result.image, result.page)])

        pdf = await queued(request, job)
        stem = Path(file.filename or "scan").stem
        return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{stem}.pdf"'})

    def open_index(request: Request) -> IndexStore:
        db = state(request).db
        if db is None:
            raise ApiError(404, "this server has no index (start it with `ocrforge serve --db FILE`)")
        try:
            return IndexStore.open(db, readonly=True)
        except (FileNotFoundError, ValueError) as err:
            raise ApiError(503, str(err)) from None

    @app.get("/v1/search", summary="Ranked hits in the index, with snippets, video times and word boxes")
    async def search_index(request: Request, q: str, tag: str | None = None, type: str | None = Query(None, pattern="^(image|pdf|video)$"),
                           path: str | None = None, limit: int = Query(20, ge=1, le=200)) -> dict:
        store = open_index(request)
        try:
            hits = search(store, q, limit=limit, tag=tag, media=type, path_prefix=path)
        except QueryError as err:
            raise ApiError(400, str(err)) from None
        finally:
            store.close()
        return {"query": q, "hits": [hit.to_dict() for hit in hits]}

    @app.get("/v1/asset", summary="An indexed image or PDF page, or a video's frame at time t, scaled down for display",
             response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
    async def asset(request: Request, path: str, t: float | None = None, page: int = Query(0, ge=0),
                    max_side: int = Query(THUMBNAIL_SIDE, ge=32, le=2048)) -> Response:
        store = open_index(request)
        try:
            row = store.db.execute("SELECT media, error FROM assets WHERE path = ?", (path,)).fetchone()
        finally:
            store.close()
        if row is None or row["error"]:
            raise ApiError(404, f"{path}: not in the index")  # only indexed files are ever served

        def job() -> bytes:
            try:
                if row["media"] == "video":
                    pixels = sample_frame_at(path, t or 0.0)
                elif row["media"] == "pdf":
                    pdf_page = next(read_pdf(path, dpi=THUMBNAIL_DPI, only=page + 1, text=False), None)
                    if pdf_page is None:
                        raise ApiError(404, f"{path}: has no page {page + 1}")
                    pixels = pdf_page.image
                else:
                    pixels = next(islice(load_pages(path), page, None), None)
                    if pixels is None:
                        raise ApiError(404, f"{path}: has no page {page + 1}")
            except ImageError as err:
                raise ApiError(410, str(err)) from None
            image = Image.fromarray(pixels)
            scale = max_side / max(image.size)
            if scale < 1:
                image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)
            return out.getvalue()

        return Response(await queued(request, job), media_type="image/jpeg")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"))

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> FileResponse:
        if name not in {"app.js", "style.css"}:
            raise ApiError(404, f"{name}: no such file")
        return FileResponse(str(STATIC / name))

    return app
