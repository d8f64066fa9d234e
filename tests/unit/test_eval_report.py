from ocrforge.eval.metrics import score
from ocrforge.eval.recognition import char_confusions, report, snap_to_lexicon


def test_scores_exact_alnum_cer_and_ned():
    s = score(["Hello", "w0rld", "Foo!"], ["hello", "world", "FOO"])
    assert s.word_accuracy == 0.0
    assert abs(s.word_accuracy_alnum - 2 / 3) < 1e-9  # case and punctuation ignored; 0 vs o is still wrong
    assert abs(s.cer - (1 + 1 + 3) / 13) < 1e-9


def test_ignore_spaces_for_receipts():
    assert score(["THANK YOU!!"], ["THANKYOU!!"], ignore_spaces=True).word_accuracy == 1.0


def test_confusions_count_substitutions_insertions_deletions():
    confusions = dict(((r, p), c) for r, p, c in char_confusions(["c1ty", "cat", "dogs"], ["city", "cart", "dog"]))
    assert confusions[("i", "1")] == 1
    assert confusions[("r", "")] == 1  # deleted
    assert confusions[("", "s")] == 1  # inserted


def test_lexicon_snapping_and_report():
    assert snap_to_lexicon("HOTEI", ("hotel", "grand", "pacific")) == "hotel"
    r = report(["HOTEI", "grand"], ["HOTEL", "GRAND"], seconds=0.5, sources=["a", "b"], lexicons=[("hotel", "motel"), ("grand",)])
    assert r.lexicon_accuracy == 1.0 and r.scores.word_accuracy == 0.0
    assert r.by_length == {5: (2, 0.0)}
    assert r.crops_per_s == 4.0
    assert [e[0] for e in r.errors] == ["a", "b"]
