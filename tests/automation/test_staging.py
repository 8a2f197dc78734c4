"""Staging first: a production target needs a what-if and a passing dry run on its twin."""

from __future__ import annotations

from zshield_tui.automation.staging import DRY_RUN, WHATIF, may_enable_auto_create, record_run


def targets(config):
    return {t.name: t for t in config.targets}


def test_a_staging_target_may_be_switched_on_at_once(config, tmp_path):
    assert may_enable_auto_create(targets(config)["jira-stage"], tmp_path / "runs.json").allowed


def test_production_needs_a_whatif_and_a_dry_run_on_its_twin(config, tmp_path):
    runs = tmp_path / "runs.json"
    prod = targets(config)["jira-sec"]
    verdict = may_enable_auto_create(prod, runs)
    assert not verdict.allowed
    assert "run a what-if on jira-sec first" in verdict.explain()
    assert "dry-run on the staging twin jira-stage first" in verdict.explain()
    record_run("jira-sec", WHATIF, ok=True, path=runs)
    record_run("jira-sec", DRY_RUN, ok=False, detail="3 mapping failures", path=runs)
    verdict = may_enable_auto_create(prod, runs)
    assert verdict.reasons == ("the last dry run on jira-stage failed: 3 mapping failures",)
    record_run("jira-sec", DRY_RUN, ok=True, path=runs)
    assert may_enable_auto_create(prod, runs).allowed


def test_production_without_a_twin_cannot_be_switched_on(config, tmp_path):
    runs = tmp_path / "runs.json"
    snow = targets(config)["snow-sir"]
    record_run("snow-sir", WHATIF, ok=True, path=runs)
    assert may_enable_auto_create(snow, runs).reasons == (
        "snow-sir has no staging_twin to dry-run against",)


def test_a_corrupt_record_file_counts_as_no_runs(config, tmp_path):
    runs = tmp_path / "runs.json"
    runs.write_text("{not json")
    assert not may_enable_auto_create(targets(config)["jira-sec"], runs).allowed


def test_the_switch_goes_through_the_guard_and_the_sync_engine_sees_it(config, tmp_path):
    from zshield_tui.automation.staging import effective_targets, set_auto_create

    runs = tmp_path / "runs.json"
    prod = targets(config)["jira-sec"]
    assert not set_auto_create(prod, True, runs).allowed
    assert set_auto_create(prod, False, runs).allowed          # off is always allowed
    seen = {t.name: t.auto_create.enabled for t in effective_targets(config.targets, runs)}
    assert seen == {"jira-sec": False, "jira-stage": False, "snow-sir": True}
    record_run("jira-sec", WHATIF, ok=True, path=runs)
    record_run("jira-sec", DRY_RUN, ok=True, path=runs)
    assert set_auto_create(prod, True, runs).allowed
    assert targets_on(effective_targets(config.targets, runs)) == ["jira-sec", "snow-sir"]


def targets_on(found) -> list[str]:
    return [t.name for t in found if t.auto_create.enabled]
