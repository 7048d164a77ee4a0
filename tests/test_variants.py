"""Name variants found from the brief itself, and folded at index and question time."""

import itertools
import json
import re
from collections import Counter, defaultdict

from askbrief import variants
from askbrief.corpus import load_brief
from askbrief.text import WORD_RE, term
from askbrief.variants import WINDOW, _form, _in_full_name, edit_distance, find_groups, phonetic_key

from helpers import DATA, SEEDS


def _group_with(groups, name):
    return next((set(g) for g in groups if name in g), set())


def test_seed_variants_found():
    groups = variants.groups_of(load_brief([str(SEEDS)]))
    assert {"Haftar", "Hifter"} <= _group_with(groups, "Haftar")
    assert {"Gaddafi", "Gadhafi", "Kadafi", "Qaddafi"} <= _group_with(groups, "Gaddafi")
    assert {"Sarraj", "Serraj"} <= _group_with(groups, "Serraj")
    assert {"Assabaah", "Asaba"} <= _group_with(groups, "Asaba")
    # different names stay apart
    assert "Tripoli" not in _group_with(groups, "Haftar")
    assert not any({"Libya", "Libyan"} & set(g) for g in groups)


def test_term_map_folds_to_one_term():
    m = variants.term_map(load_brief([str(SEEDS)]))
    assert m["hifter"] == "haftar"
    assert m.get("kadafi") == m.get("qaddafi") == m.get("gaddafi", "gadhafi")


def test_common_words_and_unrelated_names_are_not_merged():
    texts = ["The Center opened in the last century. The center is big.",
             "Century Plaza hosts a market.", "The San Andreas fault runs near the coast.",
             "St Andrews golf course hosts the open.", "Fair Oaks is a suburb of the city.",
             "The Fairy Meadow festival sells tickets."]
    assert find_groups(texts) == []


def test_keys_and_distance():
    assert phonetic_key("Gaddafi") == phonetic_key("Qaddafi") == phonetic_key("Kadafi")
    assert phonetic_key("Haftar") == phonetic_key("Hifter")
    assert edit_distance("Serraj", "Sarraj") == 1


def _table_distance(a: str, b: str) -> int:
    """Levenshtein distance by the full table: the oracle of the bit-parallel ``edit_distance``."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_the_bit_parallel_distance_equals_the_table_on_random_and_long_words():
    import random

    rng = random.Random(7)
    letters = "abcdehé'ß"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 12))) for _ in range(400)]
    words += ["".join(rng.choice("ab") for _ in range(rng.randint(60, 90))) for _ in range(20)]  # past 64 bits
    for a, b in itertools.chain(zip(words, words[1:]), zip(words, words[7:])):
        assert edit_distance(a, b) == _table_distance(a, b), (a, b)
    assert edit_distance("", "abc") == edit_distance("abc", "") == 3
    assert edit_distance("Gaddafi", "Qaddafi") == 1 and edit_distance("Kadafi", "Gadhafi") == 2


def test_a_distance_past_its_limit_is_cut_short_and_only_then():
    import random

    from askbrief.variants import MAX_RATIO, _max_distance

    rng = random.Random(4)
    words = ["".join(rng.choice("abcdeh") for _ in range(rng.randint(1, 9))) for _ in range(300)]
    for a, b in zip(words, words[1:]):
        d = _table_distance(a, b)
        for limit in range(0, 10):
            got = edit_distance(a, b, limit)
            assert got == d if d <= limit else got > limit, (a, b, limit)
    for longer in range(1, 200):
        d = _max_distance(longer)
        assert d / longer <= MAX_RATIO < (d + 1) / longer


def test_variant_question_is_answered(seeds_assistant):
    ans = seeds_assistant.ask("Who is Hifter's top aide?")
    assert not ans.abstained
    assert "Hassi" in ans.answer


def test_the_scan_reads_contexts_only_where_a_candidate_is_written(monkeypatch):
    texts = ["Haftar's forces took the town.", "Hifter's forces took the town.",
             "The weather was mild.", "Tripoli waited."] * 3
    read = []

    class Texts(list):
        def __iter__(self):
            for t in super().__iter__():
                read.append(t)
                yield t

    groups = find_groups(Texts(texts))
    assert groups == [["Haftar", "Hifter"]]
    assert len(read) == 2 * len(texts)  # the word count, then the context pass
    assert variants.find_groups(texts) == groups


def test_a_large_brief_is_scanned_on_every_core_with_the_same_groups(monkeypatch):
    brief = load_brief([str(SEEDS)])
    serial = variants.groups_of(brief)
    monkeypatch.setattr(variants, "PARALLEL_MIN", 10)
    assert variants.groups_of(brief) == serial


_RACE = {
    "race.txt": "date 2023-05-02 Dunmore marathon\n\nMaria Lopez won the Dunmore marathon on Sunday in "
                "a record time. Her brother Mario Lopez, who trained with her, finished fifth.\n\n"
                "The Dunmore cycling prize went to Carl Jansen, a local baker. Karl Jansen, his "
                "cousin, won the sprint.\n",
    "club.txt": "date 2023-05-03 Club news\n\nMario Lopez won the Dunmore marathon last year, the "
                "running club said. Karl Jansen coaches the club's sprinters.\n",
    "aide.txt": "Khalifa Haftar met his aides. Fayez al Serraj met the envoy.",
    "agency.txt": "Khalifa Hifter met his aides. Sarraj said he met the envoy.",
}


def test_two_people_written_alike_in_one_document_are_not_variants():
    groups = find_groups(list(_RACE.values()))
    assert not _group_with(groups, "Maria") and not _group_with(groups, "Karl")  # were grouped
    # one spelling to a document, or a spelling alone, are still variants of one name
    assert {"Haftar", "Hifter"} <= _group_with(groups, "Haftar")
    assert {"Serraj", "Sarraj"} <= _group_with(groups, "Serraj")


def test_two_people_written_alike_are_not_one_answer(tmp_path):
    from askbrief.models import Settings

    from helpers import assert_verbatim, brief_of

    a = brief_of(tmp_path, {k: v for k, v in _RACE.items() if k in ("race.txt", "club.txt")})
    ans = a.ask("Who won the Dunmore marathon?", settings=Settings(min_confidence=0.0))
    assert ans.answer in {"Maria Lopez", "Mario Lopez"}
    other = ({"Maria Lopez", "Mario Lopez"} - {ans.answer}).pop()
    # no false agreement: each source names the answer itself, the other runner is another answer
    assert all(ans.answer in c.quote for c in ans.citations)
    assert [alt.answer for alt in ans.alternatives] == [other]
    assert_verbatim(ans, a.brief)


_TWO_ARTICLES = {
    "council.txt": "Council budget\ndate 2023-05-02\n\nMaria Lopez, the council's finance director, presented the "
                   "budget on Monday. Lopez said taxes would not rise.\n",
    "football.txt": "Rovers win\ndate 2023-05-03\n\nMario Lopez scored twice for Dunmore Rovers on Saturday. The "
                    "striker has 12 goals this season.\n",
}


def test_two_people_alike_in_different_documents_are_not_variants():
    # each article spells its one person one way, but a finance director and a striker who
    # share only "Lopez" are two people
    assert find_groups([text.split("\n\n", 1)[1] for text in _TWO_ARTICLES.values()]) == []
    # the same role said of both spellings: one person, written two ways
    assert find_groups(["Maria Lopez, finance director of the council, presented the budget on Monday.",
                        "On Tuesday Mario Lopez, finance director of the council, said taxes would not rise."]) \
        == [["Maria", "Mario"]]
    # a surname spelled two ways stays one name (Moammar Gadhafi / Muammar Gaddafi in the seeds)
    assert {"Moammar", "Muammar"} <= _group_with(variants.groups_of(load_brief([str(SEEDS)])), "Muammar")


def test_a_question_about_one_person_is_not_answered_from_the_others_article(tmp_path):
    from askbrief.models import Settings

    from helpers import brief_of

    a = brief_of(tmp_path, _TWO_ARTICLES)
    # with no threshold it abstains all the same (the off-topic test: no passage naming Mario
    # Lopez says anything of a job, "striker" being no word for it), closest to his own article
    ans = a.ask("What is Mario Lopez's job?", settings=Settings(min_confidence=0.0))
    assert ans.grade == "none" and ans.citations[0].doc == "football", ans
    # what Maria did on Monday is no answer about Mario: not given as one
    for q in ("What is Mario Lopez's job?", "What did Mario Lopez do on Monday?"):
        ans = a.ask(q)
        assert ans.abstained or all("Maria" not in c.quote for c in ans.citations), (q, ans.evidence)


def _plain_contexts(keyed, form_of):
    """The context pass word by word, as first written: each text's words found by the regex,
    the words around each occurrence and its full-name check in a Python loop."""
    context = defaultdict(Counter)
    full, surnames = defaultdict(set), defaultdict(set)
    has = re.compile("|".join(map(re.escape, sorted(form_of, key=len, reverse=True)))).search
    for doc, text in keyed:
        if not has(text):
            continue
        words = WORD_RE.findall(text)
        for i, m in enumerate(WORD_RE.finditer(text)):
            f = form_of.get(words[i])
            if f is None:
                continue
            for w in words[max(0, i - WINDOW):i] + words[i + 1:i + 1 + WINDOW]:
                if term(w):
                    context[f][term(w)] += 1
            whole, after = _in_full_name(text, *m.span())
            if whole:
                full[f].add(doc)
            if after:
                surnames[f].add(after)
    return dict(context), dict(full), dict(surnames)


def _context_pass(docs, texts, form_of, partners, cut=None):
    """The context pass over (document, text) pairs, in one part or two cut at ``cut``, merged."""
    variants._TEXTS = list(zip(docs, texts))
    original = variants._keyed
    context, full, surnames = defaultdict(Counter), defaultdict(set), defaultdict(set)
    try:
        variants._keyed = lambda start, stop, at=None: itertools.islice(variants._TEXTS, start, stop)
        for start, stop in [(0, cut), (cut, len(texts))] if cut else [(0, len(texts))]:
            for got, into in zip(variants._contexts((start, stop, (form_of, None, partners))), (context, full, surnames)):
                for f, v in got.items():
                    into[f].update(v)  # a Counter's counts add up, a set's members
    finally:
        variants._keyed, variants._TEXTS = original, None
    return dict(context), dict(full), dict(surnames)


def test_the_context_pass_equals_the_plain_one_on_real_text():
    """Every capitalised word of the seeds, SQuAD paragraphs and hard text a candidate: the
    contexts, full-name documents and surnames of the pass over word positions are the plain
    pass's; with partners, the documents two partners share are."""
    from test_build import HARD

    squad = json.loads((DATA / "squad2-tune.json").read_text(encoding="utf-8"))["data"]
    texts = [c.text for c in load_brief([str(SEEDS)]).chunks]
    texts += [p["context"] for a in squad for p in a["paragraphs"]] + list(_RACE.values()) + HARD
    texts += [t.replace("Gaddafi", "Gaddafi\nHifter") for t in texts[:50]]  # a line end is no space
    docs = [i // 5 for i in range(len(texts))]  # five texts to a document: a form in full seen again
    form_of = {w: _form(w) for t in texts for w in WORD_RE.findall(t) if w[0].isupper()}
    want = _plain_contexts(zip(docs, texts), form_of)
    assert sum(map(len, want[1].values())) > 100 and sum(map(len, want[2].values())) > 100
    every = set(form_of.values())
    context, full, surnames = _context_pass(docs, texts, form_of, dict.fromkeys(every, every))
    assert context == want[0]
    assert {f: d for f, d in full.items() if d} == want[1]  # an empty set: looked up, never added
    assert {f: n for f, n in surnames.items() if n} == want[2]
    keyed = defaultdict(set)
    for f in every:
        keyed[phonetic_key(f)[:2]].add(f)
    partners = {f: keyed[phonetic_key(f)[:2]] - {f} for f in every}
    shared = [(f, g, want[1].get(f, set()) & want[1].get(g, set())) for f in every for g in partners[f]]
    assert sum(bool(d) for _, _, d in shared) > 20
    for cut in (None, *range(len(texts) // 2 - 2, len(texts) // 2 + 3)):  # a document cut in two parts
        context, full, surnames = _context_pass(docs, texts, form_of, partners, cut)
        assert (context, {f: n for f, n in surnames.items() if n}) == (want[0], want[2])
        assert shared == [(f, g, full.get(f, set()) & full.get(g, set())) for f, g, _ in shared]
