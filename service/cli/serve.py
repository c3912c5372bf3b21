"""``zhibiao serve``: the HTTP API under uvicorn."""

from __future__ import annotations

import argparse


def _check_address(host: str, port: int) -> None:
    """Refuse, before the model is loaded, a port out of 1–65535 (uvicorn would listen on it modulo 65536) or one that
    cannot be bound (another server on it). Raises ``CliError``."""
    import socket

    from service.cli.common import CliError

    if not 1 <= port <= 65535:
        raise CliError(f"--port {port}: a TCP port is 1–65535")
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a port in TIME_WAIT is free
            probe.bind((host, port))
    except socket.gaierror as error:
        raise CliError(f"--host {host}: not an address or a name this machine resolves ({error.strerror or error}; "
                       "an IPv6 address goes without brackets: --host ::1)") from None
    except OSError as error:
        raise CliError(f"cannot listen on {host}:{port}: {error.strerror or error} (is another server on that port? use --port)") from None


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    _check_address(args.host, args.port)  # before anything loads: a refusal takes a moment, not seconds
    from service import preload
    from training.model.encoder import local_encoder

    encoder = preload.start(local_encoder(serving=True))  # the encoder's session and jieba load while the app is imported
    import uvicorn

    from service.api.deps import is_loopback
    from service.api.main import create_app
    from service.api.state import ModelHolder
    from service.cli.common import CliError
    from training.settings import get_settings

    settings = get_settings()
    if not is_loopback(args.host) and not settings.admin_token:
        raise CliError(f"refusing to serve on {args.host}, which is not a loopback address, without ZHIBIAO_ADMIN_TOKEN: "
                       "set a token for /v1/admin/* (and ZHIBIAO_ALLOWED_HOSTS to the names clients use), or serve on 127.0.0.1")
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    holder = ModelHolder(settings.models_dir, encoder, settings.reload_interval_seconds)
    holder.reload()  # before serving (the app's start-up would do it otherwise), so that the model can be frozen
    preload.freeze_heap()
    try:
        uvicorn.run(create_app(settings, holder), host=args.host, port=args.port, log_level=settings.log_level, access_log=False)
    except SystemExit as stop:  # uvicorn's start-up failure is exit 3, which here means "candidate rejected by the gate"
        if stop.code in (0, None):
            return 0
        raise CliError(f"the server did not start (uvicorn exit {stop.code}; its reason is on the lines above: a port taken "
                       "since the check, or the app's start-up)") from None
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="start the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)
