"""OSDI outreach imports: the sample (written from the OSDI spec's outreach examples) imports
with its campaign mapping; records that reached nobody are skipped and counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.intake_support import (
    CHINA_CAMPAIGN,
    EDITOR,
    OSDI_SAMPLE,
    VIETNAM_CAMPAIGN,
    VIEWER,
    assert_exact,
    batch_count,
    prepare,
    report_count,
    stored_reports,
)
from uadash.access import PermissionDenied
from uadash.reports.intake import IntakeError, problems_frame
from uadash.reports.osdi import OsdiOptions, campaigns_in, import_osdi, read_outreaches
from uadash.vocab import Channel

MAPPING = {CHINA_CAMPAIGN: "44.22", VIETNAM_CAMPAIGN: "39.26"}


@pytest.fixture
def loaded(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def sample() -> list[dict[str, Any]]:
    return json.loads(OSDI_SAMPLE.read_text(encoding="utf-8"))["_embedded"]["osdi:outreaches"]


def test_the_sample_imports_with_its_campaign_mapping(loaded: Engine) -> None:
    result = import_osdi(loaded, OSDI_SAMPLE, actor=EDITOR, options=OsdiOptions(campaigns=MAPPING))
    assert result.committed and result.ok, result.problems
    # 7 records: one reached nobody; one reached two officials.
    assert result.rows == 7 and result.skipped == 1 and result.written == 7
    assert "1 record with no targets (they reached nobody)" in result.summary()
    reports = stored_reports(loaded)
    assert list(zip(reports["ua_number"], reports["target"], reports["channel"], strict=True)) == [
        ("44.22", "Zhang Rui", "email"),
        ("44.22", "Zhang Rui", "email"),
        ("44.22", "Zhang Jian", "email"),
        ("44.22", "Xie Fang", "call"),
        ("44.22", "Zhang Jian", "letter"),
        ("39.26", "Nguyễn Văn Bình An", "email"),
        ("39.26", "Phạm Thu Hà", "fax"),
    ]
    assert str(reports["action_date"].iloc[4]) == "2026-11-07"
    assert reports["external_id"].iloc[0] == "action_network:0c5e1f9a-2b7d-4c33-8e10-6a9f3d2b1c01"
    assert set(reports["source"]) == {"osdi"}
    assert_exact(loaded)


def test_the_sample_imported_again_adds_nothing(loaded: Engine) -> None:
    options = OsdiOptions(campaigns=MAPPING)
    import_osdi(loaded, OSDI_SAMPLE, actor=EDITOR, options=options)
    again = import_osdi(loaded, OSDI_SAMPLE, actor=EDITOR, options=options)
    assert again.written == 0 and again.already_imported == 7 and not again.committed
    assert report_count(loaded) == 7 and batch_count(loaded) == 1


def test_a_campaign_may_be_mapped_by_the_id_at_the_end_of_its_uri(loaded: Engine) -> None:
    ids = {uri.rsplit("/", 1)[-1]: ua for uri, ua in MAPPING.items()}
    result = import_osdi(loaded, OSDI_SAMPLE, actor=EDITOR, options=OsdiOptions(campaigns=ids))
    assert result.written == 7


def test_an_unmapped_campaign_refuses_its_records_and_writes_nothing(loaded: Engine) -> None:
    options = OsdiOptions(campaigns={CHINA_CAMPAIGN: "44.22"})
    result = import_osdi(loaded, OSDI_SAMPLE, actor=EDITOR, options=options)
    assert not result.committed and result.rejected == 2
    assert [(p.row, p.column) for p in result.problems] == [
        (6, "_links.osdi:advocacy_campaign"),
        (7, "_links.osdi:advocacy_campaign"),
    ]
    assert "is not mapped to a case" in result.problems[0].reason
    assert report_count(loaded) == 0 and batch_count(loaded) == 0
    partial = OsdiOptions(campaigns={CHINA_CAMPAIGN: "44.22"}, all_or_nothing=False)
    assert import_osdi(loaded, OSDI_SAMPLE, actor=EDITOR, options=partial).written == 5


def test_an_unknown_target_or_type_refuses_the_whole_record(loaded: Engine) -> None:
    records = sample()
    records[1]["targets"][1]["family_name"] = "Wu"  # one of its two targets is unknown
    records[2]["type"] = "in-person"
    result = import_osdi(
        loaded, records, actor=EDITOR, options=OsdiOptions(campaigns=MAPPING, all_or_nothing=False)
    )
    assert [(p.row, p.column) for p in result.problems] == [(2, "targets"), (3, "type")]
    assert "is not a target of UA 44.22" in result.problems[0].reason
    assert "is not a channel" in result.problems[1].reason
    listed = problems_frame(result.problems)  # the import page's table, the --errors file
    assert list(listed.columns) == ["record", "id", "field", "value", "reason"]
    assert listed[["record", "field"]].values.tolist() == [[2, "targets"], [3, "type"]]
    assert result.written == 4  # records 2 and 3 left out whole
    typed = OsdiOptions(campaigns=MAPPING, types={"in-person": Channel.call})
    records[1]["targets"][1]["family_name"] = "Zhang"
    assert import_osdi(loaded, records, actor=EDITOR, options=typed).written == 3


def test_an_array_a_single_record_and_a_webhook_batch_are_read_too(tmp_path: Path) -> None:
    records = sample()
    plain = tmp_path / "array.json"
    plain.write_text(json.dumps(records), encoding="utf-8")
    webhook = tmp_path / "webhook.json"
    webhook.write_text(json.dumps([{"osdi:outreach": r} for r in records]), encoding="utf-8")
    single = tmp_path / "one.json"
    single.write_text(json.dumps(records[0]), encoding="utf-8")
    assert read_outreaches(plain) == records == read_outreaches(webhook)
    assert read_outreaches(single) == records[:1]
    assert [(c.uri, c.outreaches) for c in campaigns_in(records)] == [
        (CHINA_CAMPAIGN, 5),
        (VIETNAM_CAMPAIGN, 2),
    ]


def test_broken_json_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"type": "email",,}\n]', encoding="utf-8")
    with pytest.raises(IntakeError, match="line 2"):
        read_outreaches(broken)
    people = tmp_path / "people.json"
    people.write_text('{"_embedded": {"osdi:people": []}}', encoding="utf-8")
    with pytest.raises(IntakeError, match="embeds osdi:people, not osdi:outreaches"):
        read_outreaches(people)


def test_viewer_may_not_import_outreaches(loaded: Engine) -> None:
    with pytest.raises(PermissionDenied):
        import_osdi(loaded, OSDI_SAMPLE, actor=VIEWER, options=OsdiOptions(campaigns=MAPPING))
