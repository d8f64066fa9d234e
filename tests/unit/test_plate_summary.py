"""The inspector's summary of a round of `ocrforge plate`."""

from ocrforge.plates.summary import SHOWN, PlateTally


def test_plates_are_sorted_into_permitted_not_permitted_and_unsure():
    tally = PlateTally(permits=True, files=4)
    tally.plate({"plate": "AB12 CDE", "permitted": True, "permit": {"zone": "A"}})
    tally.plate({"plate": "XY99 ZZZ", "permitted": False, "reason": "expired"})
    tally.plate({"plate": "KX70 PLR", "permitted": False, "reason": "no permit", "suggestion": {"plate": "KX70 PIR"}})
    tally.nothing_in("empty.jpg")
    head, *rows = tally.lines()
    assert head == "4 files, 3 plates"
    assert [row.split()[:2] for row in rows] == [["permitted", "1"], ["not", "permitted"], ["unsure", "1"], ["no", "plate"]]
    assert rows[1].endswith("XY99 ZZZ (expired)") and rows[2].endswith("KX70 PLR: permit KX70 PIR?")


def test_without_permits_plates_are_only_read_and_a_long_list_is_cut():
    tally = PlateTally(permits=False, files=1)
    for i in range(SHOWN + 3):
        tally.plate({"plate": f"P{i}"})
    head, row = tally.lines()
    assert head == "1 file, 11 plates" and row.split()[:2] == ["read", "11"] and row.endswith("... and 3 more")
