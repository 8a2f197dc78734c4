"""Third-party Jira clients (pycontribs `jira`, `atlassian-python-api`) work against the
simulator over real loopback HTTP, on Cloud and Data Center credentials alike: an
integration's everyday operations, each checked on the simulator's own state."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from atlassian import Jira
from jira import JIRA

from tests.loopback import served
from zshield_tui.sim.jira import state as sim
from zshield_tui.sim.jira.app import create_app


@dataclass
class Site:
    url: str
    state: sim.JiraState
    deployment: str

    @property
    def cloud(self) -> bool:
        return self.deployment == "cloud"


@pytest.fixture(params=["cloud", "datacenter"])
def site(request) -> Iterator[Site]:
    app = create_app()
    with served(app) as url:
        yield Site(url, app.state.jira, request.param)


def _pycontribs(site: Site) -> JIRA:
    if site.cloud:
        return JIRA(server=site.url, basic_auth=(sim.CLOUD_EMAIL, sim.CLOUD_TOKEN),
                    max_retries=0)
    return JIRA(server=site.url, token_auth=sim.DC_PAT, max_retries=0)


def _atlassian(site: Site) -> Jira:
    if site.cloud:
        return Jira(site.url, username=sim.CLOUD_EMAIL, password=sim.CLOUD_TOKEN, cloud=True)
    return Jira(site.url, token=sim.DC_PAT)


def test_pycontribs_jira_runs_an_integrations_everyday_operations(site):
    jira = _pycontribs(site)   # reads serverInfo to tell Cloud from Data Center
    assert jira._is_cloud == site.cloud
    assert jira.server_info()["baseUrl"] == site.url

    issue = jira.create_issue(project="SEC", issuetype={"name": "Bug"},
                              summary="Suspicious login on web-01",
                              description="Impossible travel for ana", labels=["secalert"])
    stored = site.state.issues[issue.key]
    assert stored.fields["summary"] == "Suspicious login on web-01"
    assert stored.fields["description"] == "Impossible travel for ana"
    assert stored.fields["labels"] == ["secalert"]

    fetched = jira.issue(issue.key)
    assert fetched.fields.summary == "Suspicious login on web-01"
    assert fetched.fields.status.name == "To Do" and fetched.fields.resolution is None

    found = jira.search_issues('project = SEC AND status = "To Do" AND resolution is EMPTY '
                               'AND text ~ "suspicious login"', fields="summary,status")
    assert [i.key for i in found] == [issue.key]
    assert found[0].fields.summary == "Suspicious login on web-01"
    assert jira.search_issues("project = SEC AND statusCategory = Done") == []

    jira.add_comment(issue, "Blocked at the firewall")
    assert [c.body for c in stored.comments] == ["Blocked at the firewall"]
    assert [c.body for c in jira.comments(issue.key)] == ["Blocked at the firewall"]

    names = {t["name"] for t in jira.transitions(issue)}
    assert names == {"Start Progress", "Done"}
    jira.transition_issue(issue, "Done")
    assert stored.status == "Done" and stored.resolution["name"] == "Done"
    done = jira.issue(issue.key)
    assert done.fields.resolution.name == "Done" and done.fields.resolutiondate
    assert [i.key for i in jira.search_issues(
        "project = SEC AND statusCategory = Done AND resolution = Done")] == [issue.key]

    attachment = jira.add_attachment(issue.key, io.BytesIO(b'{"alert": 1}'),
                                     filename="evidence.json")
    assert attachment.filename == "evidence.json"
    assert site.state.attachment_data[attachment.id] == b'{"alert": 1}'
    assert attachment.get() == b'{"alert": 1}'

    fetched.update(fields={"summary": "Contained: suspicious login", "labels": ["contained"]})
    assert stored.fields["summary"] == "Contained: suspicious login"
    assert stored.fields["labels"] == ["contained"]
    fetched.add_field_value("labels", "escalated")
    assert stored.fields["labels"] == ["contained", "escalated"]
    assert [c.body for c in jira.issue(issue.key).fields.comment.comments] == [
        "Blocked at the firewall"]

    jira.transition_issue(issue, "Reopen")
    assert stored.status == "To Do" and stored.resolution is None and stored.resolved is None
    assert jira.issue(issue.key).fields.resolutiondate is None


def test_atlassian_python_api_runs_an_integrations_everyday_operations(site, tmp_path):
    jira = _atlassian(site)
    info = jira.get_server_info()
    assert (info["deploymentType"] == "Cloud") == site.cloud

    created = jira.issue_create(fields={
        "project": {"key": "OPS"}, "issuetype": {"name": "Task"},
        "summary": "Malware beacon from db-01", "description": "C2 traffic to 203.0.113.9"})
    key = created["key"]
    stored = site.state.issues[key]
    assert stored.fields["summary"] == "Malware beacon from db-01"

    assert jira.issue(key)["fields"]["summary"] == "Malware beacon from db-01"
    assert jira.get_issue(key, fields=["summary", "status"])["fields"]["status"]["name"] \
        == "To Do"

    jql = 'project = OPS AND statusCategory = "To Do" AND text ~ "beacon"'
    result = jira.enhanced_jql(jql) if site.cloud else jira.jql(jql)
    assert [i["key"] for i in result["issues"]] == [key]
    assert result["issues"][0]["fields"]["summary"] == "Malware beacon from db-01"

    jira.issue_add_comment(key, "Host isolated")
    assert [c.body for c in stored.comments] == ["Host isolated"]
    assert [c["body"] for c in jira.issue_get_comments(key)["comments"]] == ["Host isolated"]

    transitions = jira.get_issue_transitions(key)
    assert {t["to"] for t in transitions} == {"In Progress", "Done"}
    jira.set_issue_status(key, "In Progress")
    assert stored.status == "In Progress" and stored.resolution is None
    jira.set_issue_status(key, "Done")
    assert stored.status == "Done" and stored.resolution is not None
    assert jira.get_issue_status(key) == "Done"
    assert jira.issue(key)["fields"]["resolution"]["name"] == "Done"

    evidence = tmp_path / "pcap-summary.txt"
    evidence.write_bytes(b"10 packets to 203.0.113.9")
    uploaded = jira.add_attachment(key, str(evidence))
    assert uploaded[0]["filename"] == "pcap-summary.txt"
    assert site.state.attachment_data[uploaded[0]["id"]] == b"10 packets to 203.0.113.9"

    jira.update_issue_field(key, {"summary": "Beacon contained", "labels": ["c2"]})
    assert stored.fields["summary"] == "Beacon contained" and stored.fields["labels"] == ["c2"]


def test_the_deprecated_create_metadata_answers_as_each_deployment_does(site):
    jira = _atlassian(site)
    jira.advanced_mode = True
    response: Any = jira.get("rest/api/2/issue/createmeta", params={
        "projectKeys": "SEC", "expand": "projects.issuetypes.fields"})
    if site.cloud:
        assert response.status_code == 200
        project = response.json()["projects"][0]
        assert project["key"] == "SEC"
        fields = project["issuetypes"][0]["fields"]
        assert fields["summary"]["required"] is True
    else:
        # Removed in Data Center 9.0: the path is read as an issue key.
        assert response.status_code == 404
        assert response.json()["errorMessages"] == ["Issue Does Not Exist"]
