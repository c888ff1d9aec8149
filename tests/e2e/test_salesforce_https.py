"""simple-salesforce over real HTTPS: a uvicorn server with a self-signed certificate made by the
test (``cryptography``), which the client's session trusts; nothing is re-routed. Signs in by the
SOAP login at the server's own address, then creates, reads and queries (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from simple_salesforce import Salesforce, SalesforceLogin
from sqlalchemy.engine import Engine

from leadline.asgi import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services.context import ServiceContext
from leadline.services.security import auth
from tests.e2e.api_support import lent_app, loopback_socket

PASSWORD = "correct horse battery"
ADA = "ada@example.com"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@contextmanager
def served_over_https(ctx: ServiceContext, database_url: str, cert_file: Path, key_file: Path) -> Iterator[str]:
    application = Application(Settings(database_url=database_url, rate_limit_per_minute=0), ctx, engine=None)
    with loopback_socket() as listening, lent_app(application, create_app) as app:
        port = listening.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                                               ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the HTTPS server did not start")
            time.sleep(0.01)
        try:
            yield f"https://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)


@pytest.fixture
def https(ctx: ServiceContext, engine: Engine, admin_id: int, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    auth.set_password(ctx, admin_id, admin_id, PASSWORD)
    cert_file, key_file = self_signed(tmp_path)
    with served_over_https(ctx, engine.url.render_as_string(hide_password=False), cert_file, key_file) as url:
        yield url, cert_file


def test_simple_salesforce_signs_in_and_works_over_https_with_a_trusted_certificate(
        https: tuple[str, Path], ctx: ServiceContext, admin_id: int) -> None:
    url, cert_file = https
    with pytest.raises(requests.exceptions.SSLError):  # an untrusted certificate is refused by the client
        SalesforceLogin(username=ADA, password=PASSWORD, security_token="", scratch_url=url)
    session = requests.Session()
    session.trust_env = False  # else REQUESTS_CA_BUNDLE, when set, overrides the session's own bundle
    session.verify = str(cert_file)
    session_id, instance = SalesforceLogin(username=ADA, password=PASSWORD, security_token="", scratch_url=url,
                                           session=session)
    assert instance == url.removeprefix("https://") and auth.authenticate_token(ctx, session_id) == admin_id
    sf = Salesforce(session_id=session_id, instance=instance, session=session)
    created = sf.Lead.create({"LastName": "Lee", "Company": "Secure Co"})["id"]
    assert sf.Lead.get(created)["Company"] == "Secure Co"
    assert sf.query("SELECT Id FROM Lead WHERE Company = 'Secure Co'")["records"][0]["Id"] == created
    assert sf.Lead.delete(created) == 204
