"""The demo alert stream: standalone alerts and incidents (parents followed by children).

Built for volume (benchmarks draw a million alerts): every weighted choice is a lookup in a
pre-expanded tuple, per-scenario work is done once at import, and models are made with
`model_construct` because every value comes from pools that are valid by construction.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from zshield_tui.domain import IOC, Alert, AlertState, Asset, Evidence, Severity

from .evidence import IOC_LIST_NAME, PCAP_NAME, PNG_NAME, write_evidence_files
from .playbooks import (
    CATEGORY_LABELS,
    INCIDENT_CATEGORY_WEIGHTS,
    INCIDENT_CLOSING_STEP,
    INCIDENT_USERS,
    PLAYBOOKS,
    SHARED_USER_CATEGORIES,
    UNNAMED_USER,
)
from .pools import ANALYST_BAG, CAMPAIGN_KEYS, HOST_GROUPS, Host, context_type
from .rates import (
    CHILD_COUNTS,
    CHILD_STATES,
    EVIDENCE_RATE,
    HOURLY,
    INCIDENT_EVIDENCE_RATE,
    INCIDENT_RATE,
    STATES_BY_AGE,
    WEEKEND,
)
from .scenarios import SCENARIOS, SEVERITY_PROFILES, Scenario

T = TypeVar("T")

_S, _A = Severity, AlertState
_PLAYBOOK_LEN = {_S.CRITICAL: 5, _S.HIGH: 5, _S.MEDIUM: 4, _S.LOW: 3, _S.INFORMATIONAL: 3}
_IOC_KEYS = {"ip": "ext_ip", "domain": "domain", "url": "url", "sha256": "sha256",
             "email": "sender"}
_NETWORK_SOURCES = frozenset({"Suricata", "Zeek"})


def _bag(weights: Mapping[T, int]) -> tuple[T, ...]:
    return tuple(item for item, weight in weights.items() for _ in range(weight))


class _Plan(NamedTuple):
    """A scenario with everything derivable from it computed once."""

    sc: Scenario
    hosts: tuple[Host, ...]
    severities: tuple[Severity, ...]
    playbook: tuple[str, ...]
    iocs: tuple[tuple[str, str], ...]
    evidence: tuple[str, ...]
    src_asset: bool
    cloud_principal: bool   # the actor is an IAM principal, so playbooks name it, not a person


_POOLS: dict[tuple[str, ...], tuple[Host, ...]] = {}


def _plan(sc: Scenario) -> _Plan:
    hosts = _POOLS.setdefault(sc.targets, tuple(h for g in sc.targets for h in HOST_GROUPS[g]))
    if sc.source in _NETWORK_SOURCES:
        evidence = (PCAP_NAME, IOC_LIST_NAME)
    elif sc.category == "phishing" or sc.source == "EDR":
        evidence = (PNG_NAME, IOC_LIST_NAME)
    else:
        evidence = (IOC_LIST_NAME,)
    return _Plan(sc, hosts, _bag(SEVERITY_PROFILES[sc.severity]), PLAYBOOKS[sc.category],
                 tuple((kind, _IOC_KEYS[kind]) for kind in sc.iocs), evidence,
                 "{src_host}" in sc.title + sc.detail, "{principal}" in sc.title + sc.detail)


_PLANS = {sc.key: _plan(sc) for sc in SCENARIOS}
_PLAN_BAG = _bag({plan: plan.sc.weight for plan in _PLANS.values()})
_CATEGORY_BAGS = {
    category: tuple(p for p in _PLAN_BAG if p.sc.category == category)
    for category in INCIDENT_CATEGORY_WEIGHTS
}
_INCIDENT_CATEGORIES = _bag(INCIDENT_CATEGORY_WEIGHTS)
_CHILD_COUNT_BAG = _bag(CHILD_COUNTS)
_CHILD_STATE_BAGS = {state: _bag(weights) for state, weights in CHILD_STATES.items()}


def generate_alerts(count: int, *, seed: int = 7, now: datetime | None = None,
                    evidence_dir: Path | None = None, days: int = 14) -> Iterator[Alert]:
    """Yield `count` realistic demo alerts, created over the `days` days before `now`.

    The same `seed` and `now` give the same alerts, ids included (`ZS-<year>-000001` on).
    About one top-level alert in fifty opens an incident: the parent (source `zshield`)
    comes first, then its 3 to 20 children. With `evidence_dir`, the evidence files are
    written there first and some alerts reference them by absolute path; without it no
    alert carries evidence.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    if days < 1:
        raise ValueError(f"days must be 1 or more, got {days}")
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    else:
        now = now.astimezone(UTC)
    evidence = None
    if evidence_dir is not None:
        evidence = {name: str(path) for name, path in write_evidence_files(evidence_dir).items()}
    return _Stream(seed, now, days, evidence).alerts(count)


class _Stream:
    def __init__(self, seed: int, now: datetime, days: int,
                 evidence: dict[str, str] | None) -> None:
        rng = random.Random(seed)
        self.rnd = rnd = rng.random
        # A few hundred payload hashes per stream, so the same sample shows up on several
        # hosts as commodity malware does.
        hashes = tuple(f"{rng.getrandbits(256):064x}" for _ in range(300))
        self.context = context_type(rnd, hashes)
        self.prefix = f"ZS-{now.year}-"
        self.start = now - timedelta(days=days)
        self.span = days * 86_400
        self.evidence = evidence
        self.state_bags = [(age, _bag(w)) for age, w in STATES_BY_AGE]
        weights = []
        for hour in range(days * 24):
            at = self.start + timedelta(hours=hour)
            weights.append(HOURLY[at.hour] * (WEEKEND if at.weekday() >= 5 else 1.0))
        cum = [0.0]
        for w in weights:
            cum.append(cum[-1] + w)
        self.hour_weights, self.cum, self.total = weights, cum, cum[-1]

    def alerts(self, count: int) -> Iterator[Alert]:
        rnd = self.rnd
        seq = 1
        while seq <= count:
            left = count - seq + 1
            if left >= 4 and rnd() < INCIDENT_RATE:
                children = min(_CHILD_COUNT_BAG[int(rnd() * len(_CHILD_COUNT_BAG))], left - 1)
                yield from self.incident(seq, children, count)
                seq += children + 1
            else:
                yield self.standalone(seq, count)
                seq += 1

    def offset(self, seq: int, count: int) -> int:
        """Seconds after the window start for slot `seq`: one random point per slot keeps
        ids and times in the same order, and the hourly weights shape the day."""
        target = (seq - 1 + self.rnd()) / count * self.total
        i = min(bisect_right(self.cum, target) - 1, len(self.hour_weights) - 1)
        return min(int((i + (target - self.cum[i]) / self.hour_weights[i]) * 3600), self.span)

    def state(self, offset: int) -> AlertState:
        age = self.span - offset
        for limit, bag in self.state_bags:
            if limit is None or age < limit:
                return bag[int(self.rnd() * len(bag))]
        raise AssertionError("the last age bucket has no limit")

    def analyst(self, state: AlertState, severity: Severity) -> str | None:
        # Unassigned new alerts are the queue; anything an analyst touched has an owner.
        chance = (0.4 if severity is _S.CRITICAL else 0.06) if state is _A.NEW else 0.93
        rnd = self.rnd
        return ANALYST_BAG[int(rnd() * len(ANALYST_BAG))] if rnd() < chance else None

    def standalone(self, seq: int, count: int) -> Alert:
        rnd = self.rnd
        plan = _PLAN_BAG[int(rnd() * len(_PLAN_BAG))]
        host = plan.hosts[int(rnd() * len(plan.hosts))]
        severity = plan.severities[int(rnd() * len(plan.severities))]
        offset = self.offset(seq, count)
        state = self.state(offset)
        return self.build(seq, plan, host, self.context(), offset, severity, state,
                          self.analyst(state, severity), None)

    def build(self, seq: int, plan: _Plan, host: Host, ctx: dict[str, Any], offset: int,
              severity: Severity, state: AlertState, analyst: str | None,
              parent_id: str | None) -> Alert:
        sc = plan.sc
        ctx["host"], ctx["ip"], ctx["owner"] = host.hostname, host.ip, host.owner
        if plan.cloud_principal:
            ctx["user"] = ctx["principal"]
        title = sc.title.format_map(ctx)
        description = (f"{sc.detail.format_map(ctx)}\n"
                       f"Asset: {host.label}, owned by {host.owner}.")
        assets = [Asset.model_construct(hostname=host.hostname, ip=host.ip, owner=host.owner)]
        if plan.src_asset:
            assets.append(Asset.model_construct(hostname=ctx["src_host"], ip=ctx["src_ip"],
                                                owner="it-helpdesk"))
        # After the text is rendered, so an alert that names nobody is not given a random user.
        ctx.setdefault("user", UNNAMED_USER)
        evidence = []
        if self.evidence is not None and self.rnd() < EVIDENCE_RATE:
            names = plan.evidence if self.rnd() < 0.5 else plan.evidence[:1]
            evidence = [Evidence.model_construct(name=n, path=self.evidence[n]) for n in names]
        return Alert.model_construct(
            id=f"{self.prefix}{seq:06d}", title=title, description=description,
            severity=severity, source=sc.source, category=sc.category,
            mitre_technique=sc.technique, assigned_analyst=analyst, state=state,
            created_at=self.start + timedelta(seconds=offset), parent_id=parent_id,
            tags=list(sc.tags) if host.env in sc.tags else [*sc.tags, host.env], assets=assets,
            iocs=[IOC.model_construct(type=kind, value=ctx[key]) for kind, key in plan.iocs],
            evidence=evidence,
            playbook=[step.format_map(ctx) for step in plan.playbook[:_PLAYBOOK_LEN[severity]]],
            raw={"generator": "zshield-demo", "seq": seq, "scenario": sc.key},
        )

    def incident(self, seq: int, n_children: int, count: int) -> Iterator[Alert]:
        """The parent, then its children: one campaign (same attacker address, domain,
        payload, often the same account) hitting a handful of hosts within hours."""
        rnd = self.rnd
        category = _INCIDENT_CATEGORIES[int(rnd() * len(_INCIDENT_CATEGORIES))]
        bag = _CATEGORY_BAGS[category]
        plans = [bag[int(rnd() * len(bag))] for _ in range(1 + int(rnd() * 3))]
        keys = CAMPAIGN_KEYS + (("user",) if category in SHARED_USER_CATEGORIES else ())
        campaign = self.context()
        for key in keys:
            campaign[key]  # draws the value now, so every child copies the same one
        chosen = [plans[0]] + [plans[int(rnd() * len(plans))] for _ in range(n_children - 1)]
        severities = [p.severities[int(rnd() * len(p.severities))] for p in chosen]
        severity = max(severities, key=lambda s: s.rank)
        offset = self.offset(seq, count)
        state = self.state(offset)
        analyst = self.analyst(state, severity)
        parent_id = f"{self.prefix}{seq:06d}"
        state_bag = _CHILD_STATE_BAGS[state]
        host_sets: dict[tuple[str, ...], tuple[Host, ...]] = {}
        children: list[Alert] = []
        lead_ctx: dict[str, Any] = campaign
        at = offset
        for j, (plan, child_severity) in enumerate(zip(chosen, severities, strict=True)):
            hosts = host_sets.get(plan.sc.targets)
            if hosts is None:
                pool = plan.hosts
                hosts = tuple(pool[int(rnd() * len(pool))] for _ in range(1 + int(rnd() * 3)))
                host_sets[plan.sc.targets] = hosts
            at = min(at + 5 + int(rnd() * 900), self.span)
            child_state = state_bag[int(rnd() * len(state_bag))]
            ctx = self.context(campaign)
            if j == 0:
                lead_ctx = ctx
            children.append(self.build(
                seq + 1 + j, plan, hosts[int(rnd() * len(hosts))], ctx, at, child_severity,
                child_state, analyst if child_state is not _A.NEW else None, parent_id))
        # The parent's playbook reads like its lead child's, but speaks for all its users.
        ctx = lead_ctx if category in SHARED_USER_CATEGORIES else self.context(
            lead_ctx, user=INCIDENT_USERS)
        yield self.parent(seq, category, chosen[0], children, ctx, offset, severity, state,
                          analyst)
        yield from children

    def parent(self, seq: int, category: str, lead: _Plan, children: list[Alert],
               ctx: dict[str, Any], offset: int, severity: Severity, state: AlertState,
               analyst: str | None) -> Alert:
        assets = {a.hostname: a for child in children for a in child.assets}
        iocs = dict.fromkeys((i.type, i.value) for child in children for i in child.iocs)
        names = list(assets)
        title = f"Incident: {CATEGORY_LABELS[category]} involving {names[0]}"
        if len(names) > 1:
            title += f" and {len(names) - 1} more host{'s' if len(names) > 2 else ''}"
        sources = ", ".join(dict.fromkeys(child.source for child in children))
        first, last = children[0].created_at, children[-1].created_at
        shared = ", ".join(value for _, value in list(iocs)[:4]) or "none"
        hosts = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        description = (
            f"zshield correlated {len(children)} alerts from {sources} between "
            f"{first:%Y-%m-%d %H:%M} and {last:%Y-%m-%d %H:%M} UTC.\n"
            f"Shared indicators: {shared}.\nAffected hosts: {hosts}.")
        evidence = []
        if self.evidence is not None and self.rnd() < INCIDENT_EVIDENCE_RATE:
            evidence.append(Evidence.model_construct(
                name=IOC_LIST_NAME, path=self.evidence[IOC_LIST_NAME]))
            if any(child.source in _NETWORK_SOURCES for child in children):
                evidence.append(Evidence.model_construct(
                    name=PCAP_NAME, path=self.evidence[PCAP_NAME]))
        return Alert.model_construct(
            id=f"{self.prefix}{seq:06d}", title=title, description=description,
            severity=severity, source="zshield", category=category,
            mitre_technique=lead.sc.technique, assigned_analyst=analyst, state=state,
            created_at=self.start + timedelta(seconds=offset), parent_id=None,
            tags=["incident", category],
            assets=[Asset.model_construct(hostname=a.hostname, ip=a.ip, owner=a.owner)
                    for a in list(assets.values())[:10]],
            iocs=[IOC.model_construct(type=t, value=v) for t, v in list(iocs)[:12]],
            evidence=evidence,
            playbook=[s.format_map(ctx) for s in PLAYBOOKS[category][:5]]
            + [INCIDENT_CLOSING_STEP],
            raw={"generator": "zshield-demo", "seq": seq, "children": len(children)},
        )
