"""Question files -> predictions, metrics, report (``askbrief eval``).

``questions`` reads a question file (SQuAD JSON or JSONL) and builds a SQuAD file's own
brief; ``scores`` holds EM/F1 as the official SQuAD v2.0 script computes them, usefulness
and the retrieval figures; ``run`` asks every case and assembles the report; ``report``
writes the predictions, details and the report table. With ``--corpus`` (and for JSONL) the
gold paragraphs are those whose text contains a gold answer. Nothing here prints: the CLI
drives ``Evaluation.results()`` one question at a time (so Ctrl-C keeps what was finished)
and then asks for the report.
"""

from .questions import Case, QuestionSet, read_questions, squad_brief
from .report import details_line, na_probs, predictions, report_table
from .run import TYPE_ORDER, Evaluation, Result, prepare
from .scores import (RECALL_AT, exact_match, f1_score, folded, gold_rank, is_useful, normalize_answer,
                     percentile, recall_mrr)

__all__ = ["Case", "QuestionSet", "read_questions", "squad_brief", "details_line", "na_probs", "predictions",
           "report_table", "TYPE_ORDER", "Evaluation", "Result", "prepare", "RECALL_AT", "exact_match", "f1_score",
           "folded", "gold_rank", "is_useful", "normalize_answer", "percentile", "recall_mrr"]
