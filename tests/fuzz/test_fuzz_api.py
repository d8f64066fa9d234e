"""The HTTP API fuzzed from its own OpenAPI schema (schemathesis): every operation, with generated
parameters and uploads, against a server holding an index and a permit list. No request gets a 5xx, and
every refusal is a JSON error that says what is wrong."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from PIL import Image, ImageDraw

from ocrforge.plates.permits import PermitStore
from ocrforge.server.app import create_app
from ocrforge.server.limits import Limits

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("OCRFORGE_FUZZ_EXAMPLES", 0))
CALLS: Counter[str] = Counter()  # requests made per operation, for benchmarks/fuzz.py's table


@pytest.fixture(scope="module", autouse=True)
def report_calls():
    yield
    if os.environ.get("OCRFORGE_FUZZ_REPORT"):
        Path(os.environ["OCRFORGE_FUZZ_REPORT"]).write_text(json.dumps(CALLS))


@pytest.fixture(scope="module")
def api(tmp_path_factory, index_folder):
    root = tmp_path_factory.mktemp("library")
    sign = Image.new("RGB", (320, 120), (235, 235, 228))
    ImageDraw.Draw(sign).text((20, 40), "HARBOUR CAFE", fill=(20, 20, 20))
    sign.save(root / "cafe.png")
    db = index_folder(root)
    permits = PermitStore(root / "permits.db")
    permits.add("AB12 CDE", "2026-01-01")
    permits.close()
    return create_app(db, Limits(max_upload_bytes=1024 * 1024, max_pixels=4_000_000), root / "permits.db")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def api_schema(api):
    return schemathesis.openapi.from_asgi("/openapi.json", api)


@schema.parametrize()
@settings(max_examples=EXAMPLES or 60, derandomize=not EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_request_gets_a_server_error(case):
    response = case.call()
    CALLS[f"{case.method} {case.path}"] += 1
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], response.text[:300]
