"""What the parent of a Dask run accepts, without a cluster: which scheduler addresses and TLS files
(grader/run/tls.py ``cluster_tls``, through the command line too), what it unpickles, and which worker
answers it writes. tests/test_cluster.py checks the same on a real TLS cluster with a rogue worker."""

import pickle
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import dask
import pytest

from grader.grading.contract import MAX_RETURNED_FILE_BYTES
from grader.intake.submission import WrongInput
from grader.run import cluster
from grader.run.cluster import RefusedPickle
from grader.run.tls import cluster_tls, TLSFiles


def test_plain_tcp_only_on_loopback_unless_insecure():
    for address in ("tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786", "127.0.0.2:8786"):
        assert cluster_tls(address) is None, address
    for address in ("tcp://192.0.2.1:8786", "192.0.2.1:8786", "tcp://:8786"):
        with pytest.raises(WrongInput, match="plain tcp:// to another machine is refused"):
            cluster_tls(address)
        assert cluster_tls(address, insecure=True) is None
    with pytest.raises(WrongInput, match="ws:// is not supported"):
        cluster_tls("ws://192.0.2.1:8786")
    with pytest.raises(WrongInput, match="use tls://192.0.2.1:8786"):
        cluster_tls("tcp://192.0.2.1:8786", ca_file="ca.pem", insecure=True)


def test_insecure_is_said_loudly(capsys):
    cluster.warn_if_insecure("tcp://192.0.2.1:8786", None)
    assert "WARNING: --insecure" in capsys.readouterr().err
    cluster.warn_if_insecure("tcp://127.0.0.1:8786", None)
    assert capsys.readouterr().err == ""


def test_tls_needs_its_three_files_from_the_options_or_dasks_configuration(tmp_path):
    for name in ("ca.pem", "me.pem", "me.key"):
        (tmp_path / name).write_text("PEM")
    files = [str(tmp_path / name) for name in ("ca.pem", "me.pem", "me.key")]
    with pytest.raises(WrongInput, match="needs --tls-cert, --tls-key.*distributed.comm.tls.client.cert"):
        cluster_tls("tls://192.0.2.1:8786", ca_file=files[0])
    assert cluster_tls("tls://192.0.2.1:8786", *files) == TLSFiles(*files)
    with dask.config.set({"distributed.comm.tls.ca-file": files[0], "distributed.comm.tls.worker.cert": files[1],
                          "distributed.comm.tls.worker.key": files[2]}):
        assert cluster_tls("tls://192.0.2.1:8786", role="worker") == TLSFiles(*files)
    with pytest.raises(WrongInput, match="--tls-key .*missing.key: No such file"):
        cluster_tls("tls://192.0.2.1:8786", files[0], files[1], str(tmp_path / "missing.key"))


@pytest.mark.parametrize("command", [["autograde", "no-such-folder", "--scheduler", "tls://127.0.0.1:9"],
                                     ["worker", "tcp://192.0.2.1:8786"]])
def test_the_command_line_refuses_at_once(command):
    """No 30 s wait for a scheduler, no TypeError: exit 2 and what to do."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "grader", *command], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("grader: --scheduler"), done.stderr
    assert "SCALING.md" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 20


class RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').close()",)


def test_the_parent_unpickles_plain_data_and_dasks_errors_only(tmp_path):
    from distributed.core import clean_exception
    from distributed.protocol import pickle as dask_pickle

    plain = {"result": {"cells": [{"score": 1.0}], "reason": "ok"}, "files": {"feedback": b"<p>"}, "n": (1, None)}
    assert cluster._plain_loads(pickle.dumps(plain)) == plain
    assert isinstance(cluster._plain_loads(pickle.dumps(KeyError("x"))), KeyError)
    marker = tmp_path / "ran"
    with pytest.raises(RefusedPickle, match="builtins.exec"):
        cluster._plain_loads(pickle.dumps(RunsCode(marker)))
    with pytest.raises(RefusedPickle, match="pathlib"):
        cluster._plain_loads(pickle.dumps(Path("/")))
    with cluster._plain_pickles_only():
        _, error, _ = clean_exception(pickle.dumps(RunsCode(marker)))  # an erred task's exception, from a rogue
        assert type(error) is Exception and cluster._described(error) == "an error that is not plain data (not read)"
    assert not marker.exists()
    assert dask_pickle.loads is not cluster._plain_loads  # restored after the client's life
    dask_pickle.loads(pickle.dumps(RunsCode(marker)))
    assert marker.exists()  # the payload is live: this test would see it run


def _submission(timestamp="2026-12-01 10:00:00.000000 UTC"):
    return SimpleNamespace(student="ada", assignment="02_x", timestamp=timestamp)


GRADED = {"status": "graded", "reason": "1/1 test cells passed", "cells": [], "profile": {"cells": 1.0}}


def test_a_sound_answer_is_written_as_a_local_run_leaves_it(tmp_path):
    result = cluster._unpack({"result": {**GRADED, "autograded": "/etc/passwd"},
                              "files": {"autograded": b"{}", "feedback": b"<p>"}}, tmp_path / "0", _submission())
    assert result["status"] == "graded" and isinstance(result["cells"], list)
    assert Path(result["autograded"]) == tmp_path / "0" / "autograded" / "02_x.ipynb"  # never the worker's path
    assert Path(result["autograded"]).read_bytes() == b"{}" and Path(result["feedback"]).read_bytes() == b"<p>"
    assert (tmp_path / "0" / "feedback" / "timestamp.txt").read_text() == _submission().timestamp


@pytest.mark.parametrize("answer, reason", [
    ("all marks", "a str, not a result"),
    ({"result": GRADED, "files": {}, "extra": 1}, "not a result"),
    ({"result": [GRADED]}, "not an object"),
    ({"result": {**GRADED, "grade_override": 4}}, "unknown keys ('grade_override')"),
    ({"result": {**GRADED, "reason": b"bytes"}}, "not plain data"),
    ({"result": {**GRADED, "reason": "x" * 9_000_000}}, "over 8 MB"),
    ({"result": GRADED, "files": {"feedback": "<p>"}}, "feedback file is a str"),
    ({"result": GRADED, "files": {"timestamp.txt": b"1"}}, "not an autograded notebook and a feedback page"),
    ({"result": GRADED, "files": {"feedback": b"<p>" * (MAX_RETURNED_FILE_BYTES // 3 + 1)}}, "over the 30 MB"),
])
def test_a_malformed_answer_is_a_grader_error_and_nothing_is_written(tmp_path, answer, reason):
    result = cluster._unpack(answer, tmp_path / "0", _submission())
    assert result["status"] == "grader_error" and reason in result["reason"], result["reason"]
    assert result["reason"].startswith("the Dask worker's answer was refused")
    assert not (tmp_path / "0").exists()
