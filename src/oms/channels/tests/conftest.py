from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
PAYLOADS = HERE / "payloads"
SAMPLES = HERE / "samples"

PLATFORM_SKUS = {
    "SH-TEA-250": "SKU-0001",
    "SH-CUP-01": "SKU-0002",
    "WC-TOWEL-GR": "SKU-0003",
    "WC-CANDLE-CD": "SKU-0004",
    "TB-CUP-500": "SKU-0005",
    "TB-BAG-L": "SKU-0006",
    "TB-ROBOT-X1": "SKU-0007",
    "JD-LAMP-PRO": "SKU-0008",
    "JD-BULB-E27": "SKU-0009",
    "P-1001": "SKU-0010",
    "P-1002": "SKU-0011",
}


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


@pytest.fixture
def products(db: Any) -> dict[str, Any]:
    from oms.inventory.models import Product

    out = {}
    for sku in sorted(set(PLATFORM_SKUS.values())):
        out[sku], _c = Product.objects.get_or_create(sku=sku, defaults={"name": f"Product {sku}"})
    return out


@pytest.fixture
def make_channel(products: dict[str, Any]) -> Any:
    from oms.channels import actions
    from oms.channels.models import SkuMapping
    from oms.core.actor import Actor

    def make(code: str, platform: str, **kw: Any) -> Any:
        channel = actions.save_channel(actor=Actor.system("test"), code=code, platform=platform, **kw)
        for psku, sku in PLATFORM_SKUS.items():
            SkuMapping.objects.get_or_create(channel=channel, platform_sku=psku, defaults={"product": products[sku]})
        return channel

    return make


@pytest.fixture(autouse=True)
def _fresh_params() -> Any:
    """Runtime parameters are cached per process; a test's changes must not leak into the next."""
    from oms.system import params

    params.invalidate()
    yield
    params.invalidate()


class FakePlatform:
    """Records requests; `routes` decides each answer: (status, headers, body)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, str], Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                )
                status, headers, data = outer.answers.pop(0) if outer.answers else (500, {}, {"errors": "no answer"})
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    server = FakePlatform()
    yield server
    server.close()
