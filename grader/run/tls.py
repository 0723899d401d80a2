"""Who may talk to the Dask cluster: TLS with the course's own certificate authority, or plain
``tcp://`` on a loopback address only (unless ``--insecure``). Refused before anything connects.
"""

import dataclasses
import ipaddress
import socket
import sys

from grader.intake.submission import WrongInput


@dataclasses.dataclass(frozen=True)
class TLSFiles:
    """PEM files: the course's certificate authority, and this party's certificate and private key."""

    ca_file: str
    cert: str
    key: str


def cluster_tls(address, ca_file=None, cert=None, key=None, insecure=False, role="client"):
    """The TLS files to reach the scheduler at ``address`` with, or None for plain ``tcp://``.

    ``tls://`` needs all three files, from the options or Dask's configuration
    (``distributed.comm.tls.ca-file`` and ``distributed.comm.tls.<role>.cert``/``.key``). ``tcp://``
    is accepted on a loopback address only, unless ``insecure``: whoever can reach a plain scheduler
    can run code on it, on its workers and in the grading process. Raises
    :class:`grader.intake.submission.WrongInput` with what to do, before anything connects.
    """
    import dask
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        host, _ = parse_host_port(location, default_port=8786)
    except ValueError as error:
        raise WrongInput(f"--scheduler {address!r}: not a scheduler address ({error}); expected tls://HOST:8786") from None
    given = {"--tls-ca-file": ca_file, "--tls-cert": cert, "--tls-key": key}
    if scheme == "tcp":
        if any(given.values()):
            raise WrongInput(f"--scheduler {address} is plain tcp://, but TLS files were given: use tls://{location}")
        if not insecure and not _is_loopback(host):
            raise WrongInput(f"--scheduler {address}: plain tcp:// to another machine is refused, since anyone who can "
                             "reach the scheduler can run code on it, on its workers and in this grading process. Use "
                             "tls:// with the course's certificates (grader/SCALING.md), or --insecure on a network only "
                             "you can reach")
        return None
    if scheme != "tls":
        raise WrongInput(f"--scheduler {address}: {scheme}:// is not supported; use tls://HOST:8786 "
                         "(or tcp:// on a loopback address)")
    settings = {"--tls-ca-file": "distributed.comm.tls.ca-file", "--tls-cert": f"distributed.comm.tls.{role}.cert",
                "--tls-key": f"distributed.comm.tls.{role}.key"}
    files = {flag: value or dask.config.get(settings[flag], None) for flag, value in given.items()}
    missing = [flag for flag, value in files.items() if not value]
    if missing:
        raise WrongInput(f"--scheduler {address} needs {', '.join(missing)}: the course's CA certificate, and this "
                         f"{role}'s certificate and key from that CA (or {', '.join(settings[f] for f in missing)} in "
                         "Dask's configuration); grader/SCALING.md shows how to make them")
    for flag, path in files.items():
        try:
            open(path, "rb").close()
        except OSError as error:
            raise WrongInput(f"{flag} {path}: {error.strerror}") from None
    return TLSFiles(*map(str, files.values()))


def _is_loopback(host):
    """True if every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host.strip("[]"), None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def warn_if_insecure(address, tls):
    """One loud line when plain tcp:// goes to another machine (--insecure)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    if tls is None and not _is_loopback(parse_host_port(parse_address(address)[1], default_port=8786)[0]):
        print(f"grader: WARNING: --insecure: plain tcp:// to {address}. Anyone who can reach it can run code on the "
              "scheduler, on every worker and in this process, and change any grade.", file=sys.stderr, flush=True)
