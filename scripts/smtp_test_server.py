"""A real SMTP server for the Swift tests of the SMTP client (aiosmtpd, from PyPI; `make pydeps` installs it).

Prints one JSON line with its port, then one JSON line per message received: the envelope, whether the session was
authenticated and encrypted, and the message as Python's `email` package decodes it (subject, addresses, body, header
defects), so the client's MIME is checked by a parser not written here. Stops when its standard input closes.
"""
import argparse
import base64
import datetime
import email
import email.policy
import json
import os
import socket
import ssl
import sys
import logging
logging.basicConfig(level=logging.DEBUG if os.environ.get("SMTP_DEBUG") else logging.WARNING)

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--user")
parser.add_argument("--password")
parser.add_argument("--tls-dir", help="require STARTTLS with a new self-signed certificate for localhost, written here as cert.pem")
parser.add_argument("--only-login", action="store_true", help="offer AUTH LOGIN only")
parser.add_argument("--reject-rcpt", action="store_true")
args = parser.parse_args()


def self_signed(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.reject_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        defects = [type(d).__name__ for d in message.defects]
        for name in ("subject", "from", "to", "date", "message-id"):
            header = message[name]
            if header is not None:
                defects += [type(d).__name__ for d in header.defects]
        print(json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "authenticated": bool(session.authenticated),
            "encrypted": session.ssl is not None,
            "raw": base64.b64encode(raw).decode(),
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "date": str(message["date"]),
            "date_parsed": message["date"].datetime is not None if message["date"] is not None else False,
            "message_id": str(message["message-id"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "transfer_encoding": str(message["content-transfer-encoding"]),
            "body": message.get_content(),
            "defects": defects,
        }, ensure_ascii=False), flush=True)
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and args.user is not None
          and auth_data.login == args.user.encode() and auth_data.password == args.password.encode())
    return AuthResult(success=ok, handled=False)


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()

options = {"auth_require_tls": args.tls_dir is not None}
if args.user:
    options["authenticator"] = authenticator
if args.only_login:
    options["auth_exclude_mechanism"] = ["PLAIN"]
if args.tls_dir:
    options["tls_context"] = self_signed(args.tls_dir)
    options["require_starttls"] = True
controller = Controller(Handler(), hostname="127.0.0.1", port=port, server_hostname="localhost", **options)
controller.start()
print(json.dumps({"port": port}), flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
