"""The triage screen: the alert list, its filter, the detail of the alert under the cursor.

Every query runs in a thread worker and reports back by message; the event loop only
ever draws. Typing in the filter starts one query per keystroke, but a query whose
keystroke has been overtaken is skipped before it touches the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker

from zshield_tui.store.filters import AlertFilter, FilterError, parse_filter
from zshield_tui.store.query import AlertQuery, AlertRow, Sort

from ..failures import report_worker_failure
from ..source import AlertDetail, AlertSource, Growth, Snapshot
from ..widgets.alert_list import PAGE, AlertList
from ..widgets.filter_bar import FilterBar
from ..widgets.key_bar import KeyBar
from ..widgets.status_line import StatusLine
from .ticket_screen import TicketScreen

if TYPE_CHECKING:
    from ..widgets.alert_detail import AlertDetailPane

DETAIL_DELAY = 0.06  # s; holding j down should not load every alert it passes
AFTER_FIRST_PAINT = 0.4  # s; see _after_first_paint
# s between looks for commits by other processes: within a second from the write to the row
# (bench live: p95 0.64 s at 0.5 s against 1.1 s at 1 s, with 1,000 alerts/s arriving).
WATCH_INTERVAL = 0.5


class TriageScreen(TicketScreen):
    # Straight to the list: auto-focusing the filter input first and moving focus away in
    # on_mount restyled the screen twice before the first frame.
    AUTO_FOCUS = "#alerts"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="triage.filter"),
        Binding("escape", "leave_filter", "Back", show=False, id="triage.back"),
        Binding("s", "toggle_sort", "Sort", id="triage.sort"),
        Binding("r", "toggle_raw", "Raw", id="triage.raw"),
        Binding("m", "mapping", "Mapping", id="triage.mapping"),
        Binding("n", "newest", "Newest", show=False, id="triage.newest"),
        Binding("question_mark", "app.help", "Help", id="triage.help"),
    ]

    class Ready(Message):
        """The first page of alerts is on screen; deferred start-up work may begin."""

    class _Snapshot(Message):
        def __init__(self, snapshot: Snapshot) -> None:
            self.snapshot = snapshot
            super().__init__()

    class _Count(Message):
        def __init__(self, generation: int, upto: int | None, count: int) -> None:
            self.generation, self.upto, self.count = generation, upto, count
            super().__init__()

    class _Sources(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    class _Grown(Message):
        def __init__(self, generation: int, growth: Growth | None) -> None:
            self.generation, self.growth = generation, growth
            super().__init__()

    class _Detail(Message):
        def __init__(self, alert_id: str, detail: AlertDetail | None) -> None:
            self.alert_id, self.detail = alert_id, detail
            super().__init__()

    def __init__(self, source: AlertSource) -> None:
        super().__init__()
        self.source = source
        self.sort = Sort.TIME
        self.filter = AlertFilter()
        self._keystroke = 0
        self._detail_timer = None
        self._ready = False
        self._snapshot: Snapshot | None = None
        self._data_version: int | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        yield FilterBar(id="filter-bar")
        yield AlertList(self.source, id="alerts")
        yield KeyBar()

    def _mount_lower(self) -> None:
        """The detail and ticket panes join one frame after the list: the first frame then
        costs only what it takes to show the alerts (see bench/first_paint.py)."""
        if not self.is_attached:
            return  # the app is already closing
        # Imported here: neither pane is in the first frame.
        from ..widgets.alert_detail import AlertDetailPane
        from ..widgets.tickets_panel import TicketsPanel

        side = Vertical(Static("Tickets", classes="pane-title"), TicketsPanel(id="tickets"),
                        id="side")
        self.mount(Horizontal(AlertDetailPane(id="detail"), side, id="lower"),
                   after=self.alerts)
        self.query_one(FilterBar).mount_input()
        self.post_message(AlertList.CursorMoved(self.alerts.current))

    def on_mount(self) -> None:
        self.query_one(FilterBar).show_error(None)
        # The unfiltered first page is an index walk of a millisecond even on a million
        # alerts; reading it here puts rows in the very first frame instead of the second.
        self._keystroke += 1
        self.on_triage_screen__snapshot(self._Snapshot(self.source.open(self.filter, self.sort,
                                                                        PAGE)))
        self.call_after_refresh(self._mount_lower)

    @property
    def alerts(self) -> AlertList:
        return self.query_one(AlertList)

    # -- filtering ------------------------------------------------------------------

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        try:
            self.filter = parse_filter(event.value, typing=True)
        except FilterError as exc:
            self.query_one(FilterBar).show_error(str(exc))
            return
        self.query_one(FilterBar).show_error(None)
        self._reload()

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self) -> None:
        self.alerts.focus()

    def _reload(self) -> None:
        self._keystroke += 1
        self.query_one(StatusLine).busy = True
        self._query(self._keystroke, self.filter, self.sort)

    @work(thread=True, group="filter", exit_on_error=False)
    def _query(self, keystroke: int, flt: AlertFilter, sort: Sort) -> None:
        if keystroke != self._keystroke:
            return  # overtaken by a newer keystroke before it started
        snapshot = self.source.open(flt, sort, PAGE)
        if keystroke != self._keystroke:
            return
        self.post_message(self._Snapshot(snapshot))

    @work(thread=True, group="count", exclusive=True, exit_on_error=False)
    def _count(self, query: AlertQuery, generation: int) -> None:
        count = self.source.exact_count(query, generation)
        if count is not None:
            self.post_message(self._Count(generation, query.upto, count))

    def on_triage_screen__snapshot(self, message: _Snapshot) -> None:
        snapshot = message.snapshot
        if snapshot.generation != self.source.generation:
            return
        self._snapshot = snapshot
        self._data_version = snapshot.data_version   # what the list shows; later commits grow it
        self.alerts.show(snapshot)
        status = self.query_one(StatusLine)
        status.total, status.exact, status.sort = snapshot.estimate, snapshot.exact, self.sort
        status.busy = False
        if not snapshot.exact:
            self._count(snapshot.query, snapshot.generation)
        if not self._ready:
            self._ready = True
            # Config validation and the first sync pass import pydantic in a thread, which
            # holds the GIL for ~0.1 s: they wait until the first frames are out.
            self.set_timer(AFTER_FIRST_PAINT, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.post_message(self.Ready())
        self.start_background_sync()
        self._read_sources()
        self.set_interval(WATCH_INTERVAL, self._watch_changes)

    @work(thread=True, group="sources", exclusive=True, exit_on_error=False)
    def _read_sources(self) -> None:
        """The [[sources]] are followed here while no `zshield run` is alive on the
        database, so a lone analyst's logs still come in; the status line says who reads
        them. What this follower commits shows like any other process's commits."""
        from textual.worker import get_current_worker

        from zshield_tui.config import ConfigError
        from zshield_tui.core.sources import daemon_reading, follow_sources

        core = self.core
        try:
            config = core.config
        except ConfigError:
            return   # the app says why
        if not config.sources:
            return
        if who := daemon_reading(core.database):
            self.post_message(self._Sources(f"sources: read by zshield run on {who}"))
            return
        names = ", ".join(s.name for s in config.sources)
        self.post_message(self._Sources(f"sources: {names} read by this TUI"))
        worker = get_current_worker()
        follow_sources(config, core.config_file, core.database,
                       stop=lambda: worker.is_cancelled, say=lambda _: None,
                       committed=lambda _: None)

    def on_triage_screen__sources(self, message: _Sources) -> None:
        self.query_one(StatusLine).sources = message.text

    def _watch_changes(self) -> None:
        """Another process (an ingest, the daemon, another analyst's sync) or this app's own
        worker committed: take in new alerts and read the rows, the detail and the targets'
        state again. `data_version` is a read of shared memory; nothing is re-read while
        nothing changed."""
        version = self.source.data_version()
        if version is None or version == self._data_version or self._snapshot is None:
            return
        self._data_version = version
        alerts = self.alerts
        if alerts.query is not None:
            self._follow(self._snapshot.generation, alerts.query, alerts.top_row,
                         alerts.current)

    @work(thread=True, group="follow", exclusive=True, exit_on_error=False)
    def _follow(self, generation: int, query: AlertQuery, top: AlertRow | None,
                cursor: AlertRow | None) -> None:
        self.post_message(self._Grown(generation, self.source.grow(query, top, cursor)))

    def on_triage_screen__grown(self, message: _Grown) -> None:
        if message.generation != self.source.generation:
            return   # the filter changed meanwhile; its own snapshot is current
        alerts = self.alerts
        if message.growth is not None:
            alerts.take_in(message.growth)
            status = self.query_one(StatusLine)
            status.total = alerts.total
            if not status.exact and self._snapshot is not None:
                # An estimate grows by an estimate: count once; an exact total just adds.
                self._count(message.growth.query, self._snapshot.generation)
        alerts.refresh_rows()   # states, tickets and notes others changed
        self.post_message(AlertList.CursorMoved(alerts.current))

    def on_alert_list_new_above(self, message: AlertList.NewAbove) -> None:
        self.query_one(StatusLine).new_above = message.count

    def action_newest(self) -> None:
        """To the top of the list, where alerts that arrived meanwhile are."""
        self.alerts.scroll_to(y=0, animate=False)
        self.alerts.cursor = 0

    def on_triage_screen__count(self, message: _Count) -> None:
        query = self.alerts.query
        # A count of the set before alerts were taken in would shrink the total back.
        if message.generation == self.source.generation and query is not None \
                and query.upto == message.upto:
            self.alerts.set_total(message.count)
            status = self.query_one(StatusLine)
            status.total, status.exact = message.count, True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_failure(self, event)

    # -- detail ---------------------------------------------------------------------

    def on_alert_list_cursor_moved(self, message: AlertList.CursorMoved) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if message.row is None:
            self._show_detail(None)
            return
        alert_id = message.row.id
        self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self._load_detail(alert_id))

    @work(thread=True, group="detail", exclusive=True, exit_on_error=False)
    def _load_detail(self, alert_id: str) -> None:
        self.post_message(self._Detail(alert_id, self.source.detail(alert_id)))

    def on_triage_screen__detail(self, message: _Detail) -> None:
        current = self.alerts.current
        if current is not None and current.id == message.alert_id:
            self._show_detail(message.detail)

    def _detail_pane(self) -> AlertDetailPane | None:
        """None until the panes are mounted, one frame after the list."""
        from ..widgets.alert_detail import AlertDetailPane

        found = self.query(AlertDetailPane)
        return found.first() if found else None

    def _show_detail(self, detail: AlertDetail | None) -> None:
        from ..widgets.tickets_panel import TicketsPanel

        pane = self._detail_pane()
        if pane is None:
            return  # they ask again once mounted
        pane.show(detail)
        self.query_one(TicketsPanel).show(detail.tickets if detail else None)

    def on_alert_list_marks_changed(self, message: AlertList.MarksChanged) -> None:
        self.query_one(StatusLine).marked = message.count

    # -- what the ticket keys act on (TicketScreen) -----------------------------------

    def selected_ids(self) -> list[str]:
        alerts = self.alerts
        if alerts.marked:
            return sorted(alerts.marked)
        return [alerts.current.id] if alerts.current is not None else []

    def has_marks(self) -> bool:
        return bool(self.alerts.marked)

    def selected_versions(self) -> dict[str, int] | None:
        alerts = self.alerts
        if alerts.marked:
            return {i: alerts.marked_versions[i] for i in alerts.marked
                    if i in alerts.marked_versions}
        current = alerts.current
        return {current.id: current.version} if current is not None else {}

    def ticket_urls(self) -> list[str]:
        from ..widgets.tickets_panel import TicketsPanel

        panel = self.query(TicketsPanel)
        return [t.url for t in (panel.first().tickets if panel else []) if t.url]

    def after_ticket_work(self) -> None:
        self.post_message(AlertList.CursorMoved(self.alerts.current))
        self.alerts.refresh_rows()

    def show_sync_status(self, text: str) -> None:
        self.query_one(StatusLine).targets = text
        self.alerts.refresh_rows()  # remote moves show

    # -- actions --------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one(FilterBar).input.focus()

    def action_leave_filter(self) -> None:
        bar = self.query_one(FilterBar)
        if bar.input.has_focus and bar.input.value:
            bar.input.value = ""
        self.alerts.focus()

    def action_toggle_sort(self) -> None:
        self.sort = Sort.SEVERITY if self.sort is Sort.TIME else Sort.TIME
        self._reload()

    def set_sort(self, sort: Sort) -> None:
        if sort is not self.sort:
            self.action_toggle_sort()

    def action_toggle_raw(self) -> None:
        pane = self._detail_pane()
        if pane is None:
            return
        shown = pane.toggle_raw()
        self.notify("raw record shown" if shown else "raw record hidden", timeout=2)

    def action_mapping(self) -> None:
        """The mapping preview for the alert under the cursor; `[`/`]` move this list."""
        from .mapping_preview import MappingPreviewScreen, list_stepper

        row = self.alerts.current
        if row is None:
            return
        self.app.push_screen(MappingPreviewScreen(self.source, row.id,
                                                  step=list_stepper(self.alerts)))
