"""The transparency log of a live `vledger serve`, checked with code not written here: pymerkle (PyPI) rebuilds the tree
from the served entry bundles and must reach the signed root and the same audit paths; the checkpoint's Ed25519
signature is checked with `cryptography`, its key hash per C2SP signed-note. A `vledger witness serve` cosigns the
checkpoints of a server configured with it; `cryptography` checks the C2SP tlog-cosignature/v1 line."""
import base64
import hashlib
import json
import os
import re
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pymerkle import InmemoryTree

from conftest import ROOT, vledger_binary


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
    assert set(events) <= {"organization_created", "record_revision", "certificate_issued", "certificate_revoked", "signing_key_added"}
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


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(arguments, folder, name, ready):
    """A `vledger` process in `folder`, once its output matches `ready`."""
    log = open(os.path.join(folder, name + ".log"), "w+")
    process = subprocess.Popen([vledger_binary()] + arguments, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 180
    while time.time() < deadline:
        time.sleep(0.3)
        log.seek(0)
        if re.search(ready, log.read()):
            return process
        if process.poll() is not None:
            break
    log.seek(0)
    process.kill()
    raise RuntimeError(f"{name} did not start:\n" + log.read()[-3000:])


def verify_cosignature(note, witness_vkey):
    """The witness's C2SP tlog-cosignature/v1 line in `note`, checked with `cryptography`: the key ID is
    SHA-256(name ‖ '\\n' ‖ 0x04 ‖ key)[:4], the signature is over 'cosignature/v1\\ntime T\\n' + the checkpoint text."""
    name, key_hash, key = witness_vkey.split("+", 2)
    raw = base64.b64decode(key)
    assert raw[0] == 4 and len(raw) == 33
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_hash
    text, signatures = note.split("\n\n", 1)
    text += "\n"
    line = next(l for l in signatures.splitlines() if l.startswith("— " + name + " "))
    blob = base64.b64decode(line.split(" ")[2])
    assert blob[:4].hex() == key_hash and len(blob) == 4 + 8 + 64
    timestamp = struct.unpack(">Q", blob[4:12])[0]
    assert abs(timestamp - time.time()) < 600
    message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + text.encode()
    Ed25519PublicKey.from_public_bytes(raw[1:]).verify(blob[12:], message)  # raises if forged
    return timestamp


def test_a_witness_cosigns_the_checkpoint_and_the_monitor_requires_it(tmp_path):
    folder = str(tmp_path)
    run = lambda *arguments: subprocess.run([vledger_binary(), *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120)
    made = run("witness", "keygen", "--name", "witness.bureau.test", "--out", f"{folder}/witness.key")
    assert made.returncode == 0, made.stderr
    witness_vkey = made.stdout.strip()
    assert os.stat(f"{folder}/witness.key").st_mode & 0o777 == 0o600
    assert run("witness", "keygen", "--name", "witness.bureau.test", "--out", f"{folder}/witness.key").returncode != 0

    witness_port, server_port = free_port(), free_port()
    processes = []
    try:
        server = start(["serve", "--port", str(server_port), "--database", f"sqlite:{folder}/vledger.sqlite", "--load-samples", "samples",
                        "--witness", f"http://127.0.0.1:{witness_port} {witness_vkey}", "--witness-quorum", "1"],
                       folder, "server", r"serving .* at http://")
        processes.append(server)
        url = f"http://127.0.0.1:{server_port}"
        # The witness is not running yet: no checkpoint has reached the quorum, none is served.
        status, headers, _ = get(url + "/log/checkpoint")
        assert status == 503 and headers["Retry-After"]
        log_vkey = get(url + "/log/vkey")[2].decode().strip()
        witness = start(["witness", "serve", "--key", f"{folder}/witness.key", "--state", f"{folder}/witness-state.json",
                         "--log", log_vkey, "--port", str(witness_port)], folder, "witness", r"witness serving at")
        processes.append(witness)

        # The server retries its witness every few seconds: the served checkpoint comes to carry the cosignature.
        deadline = time.time() + 90
        while True:
            status, _, body = get(url + "/log/checkpoint")
            note = body.decode()
            if status == 200 and "\n— witness.bureau.test " in note or time.time() > deadline:
                break
            time.sleep(1)
        assert status == 200 and "\n— witness.bureau.test " in note, note
        verify_cosignature(note, witness_vkey)
        origin, size = note.split("\n")[:2]
        state = json.load(open(f"{folder}/witness-state.json"))
        assert state["logs"][origin]["size"] >= int(size) > 100

        # The witness's refusals, over HTTP with the statuses of C2SP tlog-witness.
        signed = note.split("\n\n", 1)[0] + "\n\n" + next(l for l in note.split("\n\n", 1)[1].splitlines() if l.startswith("— " + origin)) + "\n"
        def add(body):
            request = urllib.request.Request(f"http://127.0.0.1:{witness_port}/add-checkpoint", data=body.encode(), method="POST")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.headers, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.headers, error.read().decode()
        status, headers, body = add("old 0\n\n" + signed)
        assert status == 409 and headers["Content-Type"] == "text/x.tlog.size"
        assert int(body) == json.load(open(f"{folder}/witness-state.json"))["logs"][origin]["size"] and body.endswith("\n")
        assert add("old 0\n\n" + signed.replace(origin + "\n", "other.example/log\n", 1))[0] == 404
        assert add("old 0\n\n" + signed.replace("\n" + size + "\n", "\n" + str(int(size) + 1) + "\n", 1))[0] == 403
        assert add("old 1\nnot a hash\n\n" + signed)[0] == 400
        status, _, body = add(f"old {size}\n\n" + signed)
        assert status == 200 and body.startswith("— witness.bureau.test ")
        verify_cosignature(signed + body, witness_vkey)

        # The monitor: with the witness's key it passes and pins it; with another witness's key it refuses (exit 2).
        passed = run("log", "monitor", "--url", url, "--state", f"{folder}/monitor.json", "--key", log_vkey,
                     "--witness-key", witness_vkey)
        assert passed.returncode == 0 and "cosigned by witness.bureau.test" in passed.stdout, passed.stdout + passed.stderr
        assert json.load(open(f"{folder}/monitor.json"))["witnessKeys"] == [witness_vkey]
        other = run("witness", "keygen", "--name", "witness.city.test", "--out", f"{folder}/other.key").stdout.strip()
        refused = run("log", "monitor", "--url", url, "--state", f"{folder}/other-monitor.json", "--key", log_vkey, "--witness-key", other)
        assert refused.returncode == 2 and "FAILED" in refused.stdout and "cosignature" in refused.stdout, refused.stdout
        assert not os.path.exists(f"{folder}/other-monitor.json")

        # The witness stops gracefully on SIGTERM, its state kept.
        witness.terminate()
        assert witness.wait(timeout=30) == 0
        assert "witness stopped" in open(f"{folder}/witness.log").read()
        assert json.load(open(f"{folder}/witness-state.json"))["logs"][origin]["size"] >= int(size)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
