"""Publishing the staged outputs into results/ (hubspoke.stages.publish)."""

import os

from hubspoke.stages.publish import publish


def stage(root, name: str, data: bytes):
    path = root / "staging" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_publish_links_every_file_and_keeps_it_when_the_job_reruns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    staged = [stage(tmp_path, "tests/a.parquet", b"old a"), stage(tmp_path, "b.png", b"old b")]
    published = tmp_path / "results"
    (published / "tests").mkdir(parents=True)
    (published / "tests" / "a.parquet").write_bytes(b"older a")
    targets = ["results/tests/a.parquet", "results/b.png"]
    publish([str(p.relative_to(tmp_path)) for p in staged], targets, "m.tsv")
    assert (published / "tests" / "a.parquet").read_bytes() == b"old a"
    assert os.path.samefile(published / "b.png", staged[1])
    assert (tmp_path / "m.tsv").read_text() == "results/tests/a.parquet\t5\nresults/b.png\t5\n"
    # Snakemake removes a job's outputs before it runs and when it fails
    staged[0].unlink()
    assert (published / "tests" / "a.parquet").read_bytes() == b"old a"
    stage(tmp_path, "tests/a.parquet", b"new a")
    publish(["staging/tests/a.parquet"], targets[:1], "m.tsv")
    assert (published / "tests" / "a.parquet").read_bytes() == b"new a"
    assert not list(published.rglob("*.tmp"))


def test_publish_places_each_file_of_a_folder_but_snakemakes_marker(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stage(tmp_path, "graphs/trade/2001.graphml", b"<graphml/>")
    stage(tmp_path, "graphs/trade.gexf", b"<gexf/>")
    stage(tmp_path, "graphs/.snakemake_timestamp", b"")  # Snakemake's, in a folder output
    publish(["staging/graphs", "staging/graphs/trade.gexf"], ["results/g", "results/t.gexf"], "m")
    assert (tmp_path / "results" / "g" / "trade" / "2001.graphml").read_bytes() == b"<graphml/>"
    assert not (tmp_path / "results" / "g" / ".snakemake_timestamp").exists()
    assert (tmp_path / "m").read_text() == (
        "results/g/trade/2001.graphml\t10\nresults/g/trade.gexf\t7\nresults/t.gexf\t7\n"
    )
