"""`ocrforge serve`: the HTTP service and its web page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocrforge.commands.common import fail
from ocrforge.server.limits import Limits


def run(args: argparse.Namespace) -> int:
    import uvicorn  # the server's dependencies load only when serving

    from ocrforge.server.access import AccessError, check_exposure, read_api_key
    from ocrforge.server.app import create_app

    if args.db is not None and not args.db.is_file():
        return fail("serve", f"{args.db}: no such index (create it with `ocrforge index ... --db {args.db}`)")
    try:
        api_key = read_api_key(args.api_key_file) if args.api_key_file else None
        check_exposure(args.host, api_key, args.insecure)
    except AccessError as err:
        return fail("serve", err)
    limits = Limits(max_upload_bytes=args.max_upload_mb * 1024 * 1024, max_pixels=args.max_pixels,
                    request_timeout=args.timeout, workers=args.workers, queue=args.queue)
    access = "API key required" if api_key else "no API key"
    print(f"ocrforge serve: http://{args.host}:{args.port}/ (API docs at /docs; {access})", file=sys.stderr)
    uvicorn.run(create_app(args.db, limits, args.permits, api_key, args.cors_origin), host=args.host, port=args.port,
                log_level=args.log_level)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="HTTP service (read, scan, search) with a web page")
    serve.add_argument("--db", type=Path, help="index made by `ocrforge index`, for /v1/search and the search page")
    serve.add_argument("--permits", type=Path, help="permit database (`ocrforge permits`) that /v1/plate checks plates against")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback: this machine only)")
    serve.add_argument("--api-key-file", type=Path, metavar="FILE",
                       help="require the key in FILE on every /v1/ request (Authorization: Bearer KEY); "
                            "needed to listen on any address but loopback")
    serve.add_argument("--insecure", action="store_true", help="listen on a non-loopback address without an API key")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="a browser origin allowed to call the API from another site (repeatable; default none)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=Limits.workers, help=f"requests read at the same time (default {Limits.workers})")
    serve.add_argument("--queue", type=int, default=Limits.queue,
                       help=f"requests that may wait beyond those; more get 429 (default {Limits.queue})")
    serve.add_argument("--timeout", type=float, default=Limits.request_timeout,
                       help=f"seconds before a request gets 504 (default {Limits.request_timeout:g})")
    serve.add_argument("--max-upload-mb", type=int, default=Limits.max_upload_bytes // (1024 * 1024))
    serve.add_argument("--max-pixels", type=int, default=Limits.max_pixels)
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(run=run)
