"""The input check of the job graph, remembered between invocations (hubspoke.dag.memo)."""

import json

from hubspoke.dag.memo import memo_key, recall, remember

FINGERPRINTS = {
    (("ARM", "RUS"), "any_day"): {2000: "a" * 64, 2001: "b" * 64},
    (("ARM",), "mid_year"): {2000: "c" * 64},
}


def test_fingerprints_read_back_as_written(tmp_path):
    path = tmp_path / "inputs" / "checked.json"
    remember(path, "k1", FINGERPRINTS)
    assert recall(path, "k1") == FINGERPRINTS
    assert [p.name for p in path.parent.iterdir()] == ["checked.json"]  # no partial file left


def test_another_key_a_missing_or_broken_file_is_no_memo(tmp_path):
    path = tmp_path / "checked.json"
    assert recall(path, "k1") is None
    remember(path, "k1", FINGERPRINTS)
    assert recall(path, "k2") is None
    path.write_text("{not json")
    assert recall(path, "k1") is None
    path.write_text(json.dumps(["k1"]))
    assert recall(path, "k1") is None


def test_the_key_follows_the_input_bytes_and_the_configuration(tmp_path):
    trade = tmp_path / "trade.csv"
    trade.write_text("reporter,partner\nARM,RUS\n")
    paths, config = {"trade": trade}, {"states": ["ARM", "RUS"], "years": {"start": 2000}}
    key = memo_key(paths, config)
    assert memo_key({"trade": str(trade)}, dict(reversed(config.items()))) == key
    assert memo_key(paths, {**config, "years": {"start": 2001}}) != key
    trade.write_text("reporter,partner\nARM,RUS\n\n")
    assert memo_key(paths, config) != key
    assert memo_key({**paths, "treaties": tmp_path / "missing.csv"}, config) != memo_key(
        paths, config
    )
