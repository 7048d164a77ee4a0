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
