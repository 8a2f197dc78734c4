"""Fixed pools the demo generator draws from: the fictional org's hosts, people and the
attacker infrastructure (documentation address ranges and reserved domains only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

ORG_DOMAIN = "yourorg.com"
ANALYSTS = (
    "ana@yourorg.com", "bo@yourorg.com", "cy@yourorg.com",
    "di@yourorg.com", "ed@yourorg.com", "flo@yourorg.com",
)
# The on-call trio of the starter config takes most of the work, as on a real rota.
ANALYST_BAG = ANALYSTS[:3] * 3 + ANALYSTS[3:]


class Host(NamedTuple):
    hostname: str
    ip: str | None
    owner: str
    env: str
    label: str  # "web-01 (10.0.0.5)", precomputed because every description uses it


def _host(hostname: str, ip: str | None, owner: str, env: str) -> Host:
    return Host(hostname, ip, owner, env, f"{hostname} ({ip})" if ip else hostname)


def _numbered(prefix: str, n: int, net: str, first: int, owner: str, env: str) -> list[Host]:
    return [_host(f"{prefix}-{i:02d}", f"{net}.{first + i - 1}", owner, env)
            for i in range(1, n + 1)]


_DEPTS = ("fin", "hr", "eng", "sales", "mkt", "legal", "ops", "exec")
WORKSTATIONS = tuple(
    # Laptops outnumber desktops; the numbers look like an asset register, not a counter.
    _host(f"{'ws' if n % 3 == 0 else 'lt'}-{dept}-{n * 7 % 97 + 1:03d}",
          f"10.40.{d}.{10 + n}", "it-helpdesk", "corp")
    for d, dept in enumerate(_DEPTS) for n in range(1, 16)
)
WEB = tuple(_numbered("web", 8, "10.0.0", 5, "platform-team", "prod")
            + _numbered("api", 6, "10.0.1", 10, "platform-team", "prod"))
PAYMENTS = tuple(_numbered("pay-api", 4, "10.30.0", 10, "payments-team", "prod")
                 + _numbered("pay-db", 2, "10.30.1", 10, "payments-team", "prod")
                 + _numbered("checkout", 3, "10.30.2", 10, "payments-team", "prod"))
DATA = tuple(_numbered("etl", 3, "10.50.0", 10, "data-team", "prod")
             + [_host("warehouse-db-01", "10.50.0.40", "data-team", "prod"),
                _host("airflow-01", "10.50.0.50", "data-team", "prod")])
K8S = tuple(_numbered("k8s-node", 16, "10.16.0", 21, "platform-team", "prod"))
DOMAIN_CONTROLLERS = (
    _host("dc-01", "10.10.0.10", "identity-team", "corp"),
    _host("dc-02", "10.10.0.11", "identity-team", "corp"),
    _host("adfs-01", "10.10.0.20", "identity-team", "corp"),
)
FILE_SERVERS = (
    _host("fs-01", "10.10.1.10", "it-helpdesk", "corp"),
    _host("fs-02", "10.10.1.11", "it-helpdesk", "corp"),
    _host("print-01", "10.10.1.30", "it-helpdesk", "corp"),
)
VPN = (
    _host("vpn-gw-01", "10.1.0.10", "network-team", "edge"),
    _host("vpn-gw-02", "10.1.0.11", "network-team", "edge"),
)
EDGE = VPN + (
    _host("fw-edge-01", "10.1.0.1", "network-team", "edge"),
    _host("proxy-01", "10.1.0.20", "network-team", "edge"),
    _host("mail-gw-01", "10.1.0.25", "network-team", "edge"),
    _host("bastion-01", "10.1.0.30", "platform-team", "edge"),
)
CLOUD = tuple(_numbered("prod-batch", 6, "10.60.0", 10, "data-team", "aws")
              + _numbered("prod-web-asg", 4, "10.60.1", 10, "platform-team", "aws"))
OKTA = (_host("yourorg.okta.com", None, "identity-team", "saas"),)

# Named groups a scenario can target; a tuple of names is concatenated into one pool.
HOST_GROUPS: dict[str, tuple[Host, ...]] = {
    "ws": WORKSTATIONS,
    "web": WEB + PAYMENTS[-3:],
    "linux": WEB + PAYMENTS + DATA + EDGE[-1:],
    "winsrv": DOMAIN_CONTROLLERS + FILE_SERVERS + PAYMENTS[:4],
    "dc": DOMAIN_CONTROLLERS[:2],
    "data": DATA + PAYMENTS[4:6],
    "k8s": K8S,
    "vpn": VPN,
    "edge": EDGE,
    "cloud": CLOUD,
    "okta": OKTA,
}

_FIRST = ("maria", "james", "li", "fatima", "noah", "aisha", "lucas", "yuki", "omar", "sofia",
          "daniel", "priya", "mateo", "hannah", "kwame", "elena", "ravi", "chloe", "tomas",
          "amara", "felix", "nadia", "samuel", "ingrid")
_LAST = ("lopez", "okafor", "chen", "muller", "smith", "haddad", "tanaka", "kowalski", "nguyen",
         "silva", "berg", "patel", "dubois", "rossi", "kim", "jensen")
USERS = tuple(f"{f}.{last}" for f in _FIRST for last in _LAST)[::4]

# RFC 5737 documentation ranges only: nothing here can ever point at a real host.
EXT_IPS = tuple(f"{net}.{i}" for net in ("192.0.2", "198.51.100", "203.0.113")
                for i in range(1, 255))
DOC_NETS = ("192.0.2.", "198.51.100.", "203.0.113.")
_IOC_NAMES = ("cdn-update", "login-yourorg-sso", "secure-docs", "invoice-portal", "mail-verify",
              "telemetry-sync", "static-assets", "files-share", "auth-session", "pay-confirm",
              "office365-signin", "drive-preview", "helpdesk-ticket", "vpn-yourorg")
# Reserved names (RFC 2606 / RFC 6761), so a pasted IOC never resolves to someone's site.
IOC_ZONES = ("example.com", "example.net", "example.org", "test", "invalid")
IOC_DOMAINS = tuple(f"{name}.{zone}" for name in _IOC_NAMES for zone in IOC_ZONES) + tuple(
    f"{sub}.{name}.{zone}" for sub in ("api", "cdn", "m") for name in _IOC_NAMES[:5]
    for zone in IOC_ZONES[:3])
URL_PATHS = ("/wp-content/plugins/update.php", "/download/invoice_88213.zip", "/a/ps.txt",
             "/login/oauth2/authorize", "/gate.php", "/static/js/jquery.min.js",
             "/api/v2/beacon", "/s/Qx8fR2", "/share/Q3-salary-review.xlsx", "/update/agent.msi")
SENDER_LOCALS = ("billing", "no-reply", "hr-benefits", "it-support", "docusign-notify",
                 "payroll", "microsoft-security", "ceo.office")
SUBJECTS = ("[EXTERNAL] Payment overdue - invoice 88213",
            "Action required: your password expires today",
            "[SharePoint] Q3 salary review.xlsx was shared with you",
            "DocuSign: please review and sign the NDA", "RE: [Action Required] Voicemail (00:47)",
            "Your parcel could not be delivered", "[Teams] You have 3 missed messages")
FILES = ("Invoice_88213.docm", "payroll_2026.xlsm", "update.ps1", "svchost32.exe", "readme.lnk",
         "scan_0042.iso", "setup_x64.msi", "bbk.dll", "Q3-salary-review.xlsx.exe")
DUMPERS = ("procdump64.exe", "rundll32.exe", "taskmgr.exe", "mk64.exe", "werfault.exe")
OFFICE = ("WINWORD.EXE", "EXCEL.EXE", "OUTLOOK.EXE")
PARENTS = ("explorer.exe", "WINWORD.EXE", "wmiprvse.exe", "cmd.exe", "services.exe")
TOOLS = ("AnyDesk", "TeamViewer", "ngrok", "RustDesk", "Chrome Remote Desktop")
TASKS = ("OneDriveUpdateCore", "GoogleUpdateTaskMachineQC", "SystemHealthCheck", "AdobeFlashSync",
         "MicrosoftEdgeUpdate_x")
REG_VALUES = ("HKCU\\...\\Run\\SecurityHealth", "HKLM\\...\\Run\\OneDriveSync",
              "HKCU\\...\\Run\\updater")
NAMESPACES = ("payments", "checkout", "platform", "data-pipeline", "default")
PRINCIPALS = ("ci-deploy", "terraform-runner", "backup-agent", "data-sync", "legacy-admin")
COUNTRIES = ("Netherlands", "Singapore", "Brazil", "United States", "Germany", "India",
             "South Africa", "Canada")
BUCKETS = ("yourorg-prod-backups", "yourorg-data-lake", "yourorg-payments-exports",
           "yourorg-logs-archive")
EXTENSIONS = ("locked", "crypt", "enc", "r4nsom")
AWS_ACCOUNT = "111122223333"  # the account id AWS's own documentation uses


def _pick(seq: Sequence[Any], rnd: Callable[[], float]) -> Any:
    return seq[int(rnd() * len(seq))]


def _src_host(ctx: dict[str, Any], rnd: Callable[[], float]) -> str:
    host = _pick(WORKSTATIONS, rnd)
    ctx["src_ip"] = host.ip  # keep the pair consistent whichever key is asked first
    return host.hostname


def _pod(ctx: dict[str, Any], rnd: Callable[[], float]) -> str:
    return f"{ctx['namespace']}/{_pick(('api', 'worker', 'web', 'cron'), rnd)}-" \
           f"{int(rnd() * 0xFFFFF):05x}-{int(rnd() * 0xFFFFF):05x}"


# How each template placeholder gets its value the first time an alert asks for it.
_Factory = Callable[[dict[str, Any], Callable[[], float]], Any]
FACTORIES: dict[str, _Factory] = {
    "ext_ip": lambda c, r: _pick(EXT_IPS, r),
    "domain": lambda c, r: _pick(IOC_DOMAINS, r),
    "url": lambda c, r: f"https://{c['domain']}{_pick(URL_PATHS, r)}",
    "sender": lambda c, r: f"{_pick(SENDER_LOCALS, r)}@{c['domain']}",
    "src_host": _src_host,
    "src_ip": lambda c, r: (c["src_host"], c["src_ip"])[1],
    "user": lambda c, r: _pick(USERS, r),
    "subject": lambda c, r: _pick(SUBJECTS, r),
    "file": lambda c, r: _pick(FILES, r),
    "proc": lambda c, r: _pick(DUMPERS, r),
    "office": lambda c, r: _pick(OFFICE, r),
    "parent": lambda c, r: _pick(PARENTS, r),
    "tool": lambda c, r: _pick(TOOLS, r),
    "task": lambda c, r: _pick(TASKS, r),
    "regval": lambda c, r: _pick(REG_VALUES, r),
    "namespace": lambda c, r: _pick(NAMESPACES, r),
    "pod": _pod,
    "principal": lambda c, r: _pick(PRINCIPALS, r),
    "country": lambda c, r: _pick(COUNTRIES, r),
    "bucket": lambda c, r: _pick(BUCKETS, r),
    "ext": lambda c, r: _pick(EXTENSIONS, r),
    "instance": lambda c, r: f"i-0{int(r() * 16**16):016x}",
    "account": lambda c, r: AWS_ACCOUNT,
    "fails": lambda c, r: 40 + int(r() * 1900),
    "accounts": lambda c, r: 12 + int(r() * 300),
    "pushes": lambda c, r: 6 + int(r() * 40),
    "spns": lambda c, r: 8 + int(r() * 60),
    "ports": lambda c, r: 200 + int(r() * 65000),
    "hosts_n": lambda c, r: 5 + int(r() * 120),
    "files_n": lambda c, r: 500 + int(r() * 40000),
    "mb": lambda c, r: 120 + int(r() * 9000),
    "queries": lambda c, r: 300 + int(r() * 20000),
    "interval": lambda c, r: _pick((30, 60, 60, 300, 900), r),
    "clicks": lambda c, r: int(r() * 6),
    "objects": lambda c, r: 2000 + int(r() * 200000),
    "b64len": lambda c, r: 800 + int(r() * 6000),
}
# Values an incident's children share: one attacker, one piece of infrastructure, one payload.
CAMPAIGN_KEYS = ("ext_ip", "domain", "sender", "subject", "file", "src_host", "sha256", "tool")


def context_type(rnd: Callable[[], float], hashes: Sequence[str]) -> type[dict[str, Any]]:
    """A dict type whose missing template keys are drawn on first use and then kept, so
    title, description, IOCs and playbook of one alert agree on the same values."""

    factories = FACTORIES | {"sha256": lambda c, r: _pick(hashes, r)}

    class Context(dict[str, Any]):
        __slots__ = ()

        def __missing__(self, key: str) -> Any:
            value = self[key] = factories[key](self, rnd)
            return value

    return Context
