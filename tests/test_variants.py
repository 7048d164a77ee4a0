"""Name variants found from the brief itself, and folded at index and question time."""

from askbrief import variants
from askbrief.corpus import load_brief
from askbrief.variants import edit_distance, find_groups, phonetic_key

from helpers import SEEDS


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
    # forced to answer, the striker's job is read from his own article
    ans = a.ask("What is Mario Lopez's job?", settings=Settings(min_confidence=0.0))
    assert ans.citations and all("Maria" not in c.quote for c in ans.citations), ans.evidence
    # what Maria did on Monday is no answer about Mario: not given as one
    for q in ("What is Mario Lopez's job?", "What did Mario Lopez do on Monday?"):
        ans = a.ask(q)
        assert ans.abstained or all("Maria" not in c.quote for c in ans.citations), (q, ans.evidence)
