"""A place's name and its demonym name the same thing: "Turkish" for "Turkey", "Libya" for
"Libyan".

A question and the brief often write a country in its two forms: "Which Turkish official
...?" of a brief that writes "Turkey ... Foreign Ministry spokesman, Hami Aksoy";
"the Libyan dictator" of "Libya's dictator". The forms are made on the terms (stems): the
demonym's tail added to or taken from the name ("Libya-n", "Egypt-ian", "Japan-ese",
"Iraq-i"), and, for the few whose demonym is not made that way, an explicit table. One table
serves the off-topic test (``topic.name_alone``) and the question's reading
(``question.read``: retrieval's terms and the terms a sentence holds).
"""

from __future__ import annotations

from collections.abc import Iterable

# what a demonym adds to its country's name ("Libya-n", "Egypt-ian", "Japan-ese", "Iraq-i")
_TAILS = ("n", "an", "ian", "ese", "i", "ish")
# names whose demonym is not the name with a tail, as terms (``text.term``): "Turkey" ->
# "turkey", "French" -> "french"
_IRREGULAR = {"turkey": "turkish", "franc": "french", "britain": "british", "spain": "spanish",
              "greec": "greek", "netherland": "dutch", "poland": "polish", "denmark": "danish",
              "sweden": "swedish", "finland": "finnish", "ireland": "irish", "scotland": "scottish",
              "wale": "welsh", "switzerland": "swiss", "england": "english", "cyprus": "cypriot",
              "portug": "portugues", "thailand": "thai", "philippin": "filipino", "peru": "peruvian"}
_BACK = {v: k for k, v in _IRREGULAR.items()}


def name_forms(names: Iterable[str]) -> set[str]:
    """The terms ``names`` with their demonyms or countries: a text naming any of these names
    what ``names`` name."""
    forms = set()
    for t in names:
        forms.add(t)
        forms.update(t + tail for tail in _TAILS)
        forms.update(t[: -len(tail)] for tail in _TAILS if t.endswith(tail) and len(t) - len(tail) >= 4)
        for table in (_IRREGULAR, _BACK):
            if t in table:
                forms.add(table[t])
    return forms
