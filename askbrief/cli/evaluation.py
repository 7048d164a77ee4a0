"""``askbrief eval``: score the assistant on a question file, write its outputs, print the report."""

from __future__ import annotations

from ..errors import AskbriefError, UsageError
from .common import Progress, add_corpus, add_engine, engine_settings, err, file_arg, warn_all


def add_eval(sub) -> None:
    p = sub.add_parser("eval", help="score the assistant on a question file",
                       description="Score the assistant on a question file: SQuAD v1.1/v2.0 JSON, or JSONL "
                                   "with one {\"id\", \"question\" (or \"turns\"), \"answers\"} object a "
                                   "line. A SQuAD file without --corpus brings its own brief: its contexts.")
    file_arg(p.add_argument("questions", metavar="QUESTIONS", help="the question file (SQuAD JSON or JSONL)"))
    add_corpus(p)
    file_arg(p.add_argument("--predictions", metavar="FILE",
                         help="write the SQuAD prediction dict {id: answer or \"\"}"))
    file_arg(p.add_argument("--details", metavar="FILE",
                         help="write one JSON line per question: its id and the answer as 'ask --json' prints it"))
    file_arg(p.add_argument("--na-probs", metavar="FILE",
                         help="write the official SQuAD 2.0 script's no-answer probabilities {id: 1 - confidence}"))
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.add_argument("--min-f1", type=float, metavar="X", help="exit 1 when the overall F1 (0..100) is below X")
    add_engine(p)
    p.set_defaults(func=cmd_eval)


class _Recording:
    """Ctrl+c and SIGTERM held off while a result is recorded, so the predictions and the details
    always hold the same questions; a signal that comes meanwhile stops the run right after.
    (Python runs a signal handler between any two bytecodes: a bare KeyboardInterrupt could land
    between the two writes.) Entered once around the run to install the handler, then around
    each recording."""

    def __init__(self):
        self.depth, self.pending, self.saved = 0, False, {}

    def __enter__(self):
        self.depth += 1
        if self.depth == 1:
            import signal
            import threading

            if threading.current_thread() is threading.main_thread():
                for sig in (signal.SIGINT, signal.SIGTERM):
                    if signal.getsignal(sig) is not None:
                        self.saved[sig] = signal.signal(sig, self._signal)
        return self

    def __exit__(self, *exc):
        self.depth -= 1
        if self.depth == 0:
            import signal

            for sig, handler in self.saved.items():
                signal.signal(sig, handler)
        elif self.pending and exc[0] is None:
            raise KeyboardInterrupt

    def _signal(self, signum, frame):
        if self.depth > 1:
            self.pending = True
        else:
            raise KeyboardInterrupt


def cmd_eval(args) -> int:
    """Score the assistant on a question file."""
    import json

    from .. import evaluate
    from ..render import plural

    if args.min_f1 is not None and not 0.0 <= args.min_f1 <= 100.0:
        raise UsageError("--min-f1 must be between 0 and 100 (F1 is on the SQuAD 0..100 scale)")
    ev = evaluate.prepare(args.questions, args.corpus, engine_settings(args), follow_links=args.follow_links)
    warn_all(ev.brief.warnings)
    from ..outputs import OutputFile

    outputs = {}
    try:
        for name in ("predictions", "details", "na_probs"):
            if getattr(args, name):
                outputs[name] = OutputFile(getattr(args, name))
        details = outputs.get("details")
        results, interrupted = [], False
        progress = Progress(len(ev))
        try:
            with _Recording() as recording:
                for result in ev.results():
                    with recording:
                        results.append(result)
                        if details:
                            details.write(evaluate.details_line(result) + "\n")
                    progress.update(len(results))
        except KeyboardInterrupt:  # ctrl+c, or SIGTERM (see main)
            interrupted = True
        finally:
            progress.close()
        report = ev.report(results, interrupted)
        if "predictions" in outputs:
            outputs["predictions"].write(
                json.dumps(evaluate.predictions(results), ensure_ascii=False, indent=1) + "\n")
        if "na_probs" in outputs:
            outputs["na_probs"].write(json.dumps(evaluate.na_probs(results), indent=1) + "\n")
        failed = []
        for out in outputs.values():
            try:
                out.commit()
            except AskbriefError as e:
                failed.append(e)
    finally:
        for out in outputs.values():
            out.discard()  # nothing left behind on an error; a committed file is not touched
    print(report.model_dump_json(indent=2) if args.json else evaluate.report_table(report), flush=True)
    for e in failed:
        err(f"error: {e}")
    if failed:
        return 1
    if interrupted:
        err(f"interrupted: {report.evaluated} of {report.questions} {plural(report.questions, 'question')} done; "
            "the outputs hold those")
        return 130
    f1 = report.overall.f1
    if args.min_f1 is not None and (f1 is None or f1 < args.min_f1):
        err(f"overall F1 {'n/a (no scored questions)' if f1 is None else f'{f1:.2f}'} "
            f"is below --min-f1 {args.min_f1:g}")
        return 1
    return 0
