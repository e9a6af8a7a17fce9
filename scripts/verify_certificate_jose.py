#!/usr/bin/env python3
"""Verifies a VolunteerLedger certificate token with joserfc, a JOSE library written elsewhere.

    verify_certificate_jose.py JWKS TOKEN [--status-list STATUS_LIST]

JWKS and STATUS_LIST are URLs (e.g. http://127.0.0.1:8080/.well-known/jwks.json and
.../api/v1/status-lists/0) or files. Prints the verified header and claims as JSON, with "revoked" when a
status list is given (W3C Bitstring Status List: GZIP, base64url with the multibase prefix "u", index 0 is
the leftmost bit). Exits 1 when the token or the status list does not verify.
"""
import argparse
import base64
import gzip
import json
import sys
import urllib.request
import warnings

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# The certificates use "EdDSA" as RFC 8037 and jwt-kit name it; RFC 9864 prefers "Ed25519" for the same
# signatures, and joserfc warns about the older name. The signatures are the same, so the warning is muted.
warnings.filterwarnings("ignore", message="EdDSA is deprecated")

LIST_SIZE = 131072


def load(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=10) as response:
            return response.read()
    with open(source, "rb") as file:
        return file.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jwks")
    parser.add_argument("token")
    parser.add_argument("--status-list")
    args = parser.parse_args()
    keys = KeySet.import_key_set(json.loads(load(args.jwks)))
    try:
        verified = jws.deserialize_compact(args.token, keys, algorithms=["EdDSA"])
    except (JoseError, ValueError) as error:
        print(f"rejected: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    claims = json.loads(verified.payload)
    result = {"header": verified.protected, "claims": claims}
    if args.status_list:
        try:
            credential = jws.deserialize_compact(load(args.status_list).decode().strip(), keys, algorithms=["EdDSA"])
        except (JoseError, ValueError) as error:
            print(f"status list rejected: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        subject = json.loads(credential.payload)["credentialSubject"]
        encoded = subject["encodedList"]
        if subject["type"] != "BitstringStatusList" or not encoded.startswith("u"):
            print("not a bitstring status list", file=sys.stderr)
            return 1
        bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
        index = claims["si"] % LIST_SIZE
        result["revoked"] = bool(bits[index // 8] & (0x80 >> (index % 8)))
        result["statusPurpose"] = subject["statusPurpose"]
    print(json.dumps(result, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
