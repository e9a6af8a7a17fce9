"""The transparency log of a live `vledger serve`, checked with code not written here: pymerkle (PyPI) rebuilds the tree
from the served entry bundles and must reach the signed root and the same audit paths; the checkpoint's Ed25519
signature is checked with `cryptography`, its key hash per C2SP signed-note."""
import base64
import hashlib
import json
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pymerkle import InmemoryTree


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def checkpoint(url):
    status, headers, body = get(url + "/log/checkpoint")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    return body.decode()


def entries_of(url, size):
    """Every entry, from the entry bundles (full tiles of 256, then one partial)."""
    entries, n = [], 0
    while len(entries) < size:
        width = min(256, size - n * 256)
        status, headers, bundle = get(url + f"/log/tile/entries/{n:03d}" + ("" if width == 256 else f".p/{width}"))
        assert status == 200 and "immutable" in headers["Cache-Control"]
        i = 0
        while i < len(bundle):
            length = bundle[i] << 8 | bundle[i + 1]
            entries.append(bundle[i + 2:i + 2 + length])
            i += 2 + length
        n += 1
    return entries


def test_the_log_is_checkable_from_outside_with_independent_code(server):
    url = server["url"]
    # The sample data's revisions are sequenced within seconds of the start.
    deadline = time.time() + 60
    while True:
        note = checkpoint(url)
        origin, size, root = note.split("\n")[:3]
        if int(size) > 0 and note == checkpoint(url) or time.time() > deadline:
            break
        time.sleep(2)
    size = int(size)
    assert size > 100, note

    # The signature: the verifier key's hash and the Ed25519 signature, checked here and by `cryptography`.
    status, _, vkey = get(url + "/log/vkey")
    name, key_hash, key = vkey.decode().strip().split("+", 2)
    assert name == origin
    raw = base64.b64decode(key)
    assert raw[0] == 1 and len(raw) == 33
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_hash
    text, signatures = note.split("\n\n", 1)
    text += "\n"
    line = next(l for l in signatures.splitlines() if l.startswith("— " + name + " "))
    blob = base64.b64decode(line.split(" ")[2])
    assert blob[:4].hex() == key_hash
    Ed25519PublicKey.from_public_bytes(raw[1:]).verify(blob[4:], text.encode())  # raises if forged

    # The tree: pymerkle reaches the signed root from the served entries, and the same audit paths.
    entries = entries_of(url, size)
    events = [json.loads(e)["event"] for e in entries]
    assert events[0] == "organization_created" and "record_revision" in events
    assert set(events) <= {"organization_created", "record_revision", "certificate_issued", "certificate_revoked"}
    tree = InmemoryTree(algorithm="sha256")
    for entry in entries:
        tree.append_entry(entry)
    assert base64.b64encode(tree.get_root(size)).decode() == root
    for index in [0, 1, 7, size // 2, size - 1]:
        status, _, body = get(url + f"/api/v1/log/inclusion-proof?index={index}&size={size}")
        assert status == 200
        ours = json.loads(body)
        theirs = tree.prove_inclusion(index + 1, size).serialize()["path"]
        assert [base64.b64decode(h).hex() for h in [ours["leafHash"]] + ours["proof"]] == theirs, index
    status, _, body = get(url + f"/api/v1/log/consistency-proof?from=5&to={size}")
    assert status == 200
    ours = [base64.b64decode(h).hex() for h in json.loads(body)["proof"]]
    assert sorted(ours) == sorted(tree.prove_consistency(5, size).serialize()["path"])

    # A hash tile is the concatenated leaf hashes; beyond the log there is nothing.
    status, _, tile = get(url + "/log/tile/0/000")
    assert status == 200 and len(tile) == 8192
    assert tile[:32] == hashlib.sha256(b"\x00" + entries[0]).digest()
    assert get(url + f"/log/tile/0/{(size // 256 + 1):03d}")[0] == 404
    status, _, body = get(url + f"/api/v1/log/inclusion-proof?index=0&size={size + 1000}")
    assert status == 422 and json.loads(body)["field"] == "size"
