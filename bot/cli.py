"""`kodaira-bot`: subcommands only; each one a few lines calling into the modules that do the work."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.core.assistant import ENGINES, Assistant, build_assistant
from bot.data.problems import DataError
from bot.jsonl import answer_lines, json_line, write_line
from bot.language.text import clean
from bot.logsafety import LEVELS, setup_logging
from bot.stdio import LineReader, silence_closed_stdout, stdin_lines, use_utf8_output

# The channels `kodaira-bot run --channel` can start: each a module with `run(settings, RunOptions) -> int`.
# A new channel is a folder under bot/handlers/ and one line here.
CHANNELS = {
    "telegram": "bot.handlers.telegram.app",
    "line": "bot.handlers.line.app",
}

# 128 + SIGPIPE: what a shell reports for any tool whose reader closed the pipe (`… | head`).
EXIT_CLOSED_PIPE = 141
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it


def _print_json(obj: object) -> None:
    write_line(json_line(obj))


def _assistant(settings: Settings, engine: str, at: datetime | None = None) -> Assistant:
    assistant = build_assistant(settings.data_dir, engine)
    return assistant.at(at) if at is not None else assistant


def _moment(value: str) -> datetime:
    """`--at 2026-12-06T03:00+09:00`: ISO 8601; a time without a zone is Tokyo time."""
    from bot.core.opening import in_tokyo

    try:
        return in_tokyo(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError("use ISO 8601, e.g. 2026-12-06T03:00+09:00") from None


def _argument_text(value: str) -> str:
    """A command-line argument as text: invalid bytes in argv arrive as surrogates (surrogateescape)."""
    reader = LineReader(sys.stdin.buffer, sys.stderr)
    try:
        return clean(reader.decode(value.encode("utf-8", "surrogateescape")))
    except UnicodeEncodeError:  # a surrogate no byte stands for
        return clean(value)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(settings, args.engine, args.at)
    if args.jsonl:
        answer_lines(assistant, stdin_lines(), easy=args.easy)
        return 0
    if args.question is None:
        print('質問を指定してください: kodaira-bot ask "質問"', file=sys.stderr)
        return 2
    reply = assistant.reply(_argument_text(args.question), easy=args.easy)
    if args.json:
        _print_json(reply.to_json())
    else:
        print(reply.text)
    return 0


def cmd_kb_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.data.check import check_data

    lang = args.lang
    problems = check_data(settings.data_dir)
    if problems:
        count = len(problems)
        head = f"{count} 件の問題があります" if lang == "ja" else f"{count} problem(s)"
        print(f"kb check: {head} ({settings.data_dir})")
        for problem in problems:
            print(f"  {problem.render(lang)}")
        return 1
    ok = "OK（問題はありません）" if lang == "ja" else "OK"
    print(f"kb check: {ok} ({settings.data_dir / 'knowledge'}, {settings.data_dir / 'intents'})")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.review.evaluation import format_report, load_cases, run_cases

    report = run_cases(_assistant(settings, args.engine, args.at), load_cases(Path(args.file)))
    if args.json:
        _print_json(report.to_json())
    else:
        print(format_report(report))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.handlers.console import run_console

    return run_console(_assistant(settings, "main"), settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.handlers import RunOptions

    options = RunOptions(
        host=args.host,
        port=args.port,
        path=args.path,
        webhook=args.webhook,
        webhook_url=args.webhook_url,
        secret_token=args.secret_token,
    )
    channel = importlib.import_module(CHANNELS[args.channel])
    return int(channel.run(settings, options))


def _level(value: str) -> str:
    level = value.strip().upper()
    if level not in LEVELS:
        raise argparse.ArgumentTypeError(f"choose one of {', '.join(LEVELS)}")
    return level


def _add_log_level(parser: argparse.ArgumentParser) -> None:
    """`--log-level` on this parser and every sub-command under it, before or after the command name."""
    parser.add_argument(
        "--log-level",
        type=_level,
        default=argparse.SUPPRESS,  # a sub-command's absent option must not undo the top level's
        metavar="LEVEL",
        help="DEBUG, INFO, WARNING (default; INFO for run), ERROR or CRITICAL; no resident data at any level",
    )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                _add_log_level(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kodaira-bot", description="福祉の相談先あんない")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("chat", help="console chat (same dialogue as Telegram)").set_defaults(func=cmd_chat)

    run = sub.add_parser("run", help="the bot on a channel (Telegram: long polling by default; LINE: a webhook server)")
    run.add_argument("--channel", choices=list(CHANNELS), default="telegram", help="default: telegram")
    run.add_argument("--host", help="address the webhook server listens on (default 0.0.0.0)")
    run.add_argument("--port", type=int, help="port of the webhook server (LINE: 8080, Telegram --webhook: 8443)")
    run.add_argument("--path", help="LINE: URL path of the webhook (default /callback)")
    run.add_argument("--webhook", action="store_true", help="Telegram: receive updates through a webhook")
    run.add_argument("--webhook-url", help="Telegram: public URL Telegram should post to")
    run.add_argument("--secret-token", help="Telegram: secret Telegram sends with each webhook call")
    run.set_defaults(func=cmd_run)

    ask = sub.add_parser("ask", help="one question, one reply")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true")
    ask.add_argument(
        "--jsonl", action="store_true", help="one question per stdin line, one JSON reply per line"
    )
    ask.add_argument("--engine", choices=ENGINES, default="main")
    ask.add_argument("--easy", action="store_true", help="やさしい日本語 with a reading after every kanji word")
    ask.add_argument("--at", type=_moment, metavar="ISO8601", help="answer as at this time (default now, Asia/Tokyo)")
    ask.set_defaults(func=cmd_ask)

    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_check = kb_sub.add_parser("check", help="validate knowledge/ and intents/")
    kb_check.add_argument(
        "--lang", choices=("ja", "en"), default="ja", help="language of the messages (default: ja, for staff)"
    )
    kb_check.set_defaults(func=cmd_kb_check)

    ev = sub.add_parser("eval", help="accuracy report on a labelled question file")
    ev.add_argument("file")
    ev.add_argument("--engine", choices=ENGINES, default="main")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--at", type=_moment, metavar="ISO8601", help="answer as at this time (default now, Asia/Tokyo)")
    ev.set_defaults(func=cmd_eval)

    try:
        from bot.review.cli import add_review_parser
    except ImportError:  # the staff tools are optional at import time only while being built
        pass
    else:
        add_review_parser(sub)
    _add_log_level(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    use_utf8_output()
    args = build_parser().parse_args(argv)
    setup_logging(getattr(args, "log_level", None) or ("INFO" if args.command == "run" else "WARNING"))
    try:
        settings = Settings.from_env()
        code = int(args.func(args, settings))
        sys.stdout.flush()  # here, where a closed pipe can still be handled
        return code
    except BrokenPipeError:
        silence_closed_stdout()
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, as any Unix tool does
        return EXIT_INTERRUPTED
    except ConfigError as exc:
        print(f"設定エラー: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(
            "knowledge/ または intents/ に問題があります。`kodaira-bot kb check` で確認してください。",
            file=sys.stderr,
        )
        for problem in exc.problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return 1


def console() -> None:
    """The `kodaira-bot` command: `main`, then the end of the process without the interpreter's teardown.

    Tearing down frees the built assistant's objects one by one, after a last garbage collection over all
    of them: about 0.1 s after the last reply, during which a reader of `ask --jsonl` still waits for the
    end of the output. The system takes the memory back at once instead. The exit handlers still run
    (logging's flush, multiprocessing's, coverage's); while a thread the ordinary exit would wait for is
    still running, the process ends the ordinary way."""
    code = main()
    if any(not thread.daemon for thread in threading.enumerate() if thread is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the reader went away, or the stream is closed
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
