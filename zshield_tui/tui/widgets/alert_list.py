"""The alert list: a line-API view over the store that holds only the pages in view.

Rows arrive in pages fetched by thread workers; a page not yet loaded draws as a dim
placeholder for the frame or two it takes. Opening a million-alert database therefore
reads one page, not a million rows, and scrolling never waits on SQLite.

The set of alerts is frozen when a filter opens; alerts that other processes store later
are taken in (`take_in`) without moving what the analyst looks at: the rows in view and
the cursor's alert stay in place on screen, and `new_above` counts the ones that arrived
above the view until it is back at the top.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState

from zshield_tui.domain.terminal import printable
from zshield_tui.domain.wording import counted
from zshield_tui.store.query import AlertQuery, AlertRow

from ..failures import report_worker_failure
from ..source import AlertSource, Growth, Snapshot

PAGE = 100
MAX_PAGES = 40  # at most 4,000 rows held, whatever the size of the database
STRIP_CACHE = 500  # lines; a few screens' worth
SEVERITY_LABELS = ("INFO", "LOW", "MED", "HIGH", "CRIT")
SEVERITY_NAMES = ("informational", "low", "medium", "high", "critical")


@dataclass(frozen=True)
class _Columns:
    """Column widths for one list width; narrow terminals drop the least useful first."""

    title: int
    source: int
    technique: int
    ticket: int
    state: int

    @classmethod
    @cache
    def fit(cls, width: int) -> _Columns:
        fixed = 2 + 5 + 12  # marker, severity, time
        source, technique, ticket, state = 14, 11, 20, 13
        for drop in ("ticket", "technique", "state", "source"):
            if width - fixed - source - technique - ticket - state >= 24:
                break
            if drop == "ticket":
                ticket = 0
            elif drop == "technique":
                technique = 0
            elif drop == "state":
                state = 0
            else:
                source = 0
        title = max(8, width - fixed - source - technique - ticket - state)
        return cls(title, source, technique, ticket, state)


def _cell(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(text) >= width:
        return text[: width - 2] + "… " if width > 2 else text[:width]
    return text.ljust(width)


class AlertList(ScrollView, can_focus=True):
    """Alerts for the current filter and sort; marks survive scrolling and refiltering."""

    COMPONENT_CLASSES = {
        "alert-list--cursor", "alert-list--marked", "alert-list--dim", "alert-list--ticket",
    }
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "Top", show=False, id="list.top"),
        Binding("G,end", "last", "Bottom", show=False, id="list.bottom"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("space", "toggle_mark", "Mark", id="list.mark"),
    ]

    cursor: reactive[int] = reactive(0)
    new_above: reactive[int] = reactive(0)   # alerts taken in above the view, unseen yet

    class NewAbove(Message):
        """How many alerts that arrived sit above the view (0: none, or seen)."""

        def __init__(self, count: int) -> None:
            self.count = count
            super().__init__()

    class CursorMoved(Message):
        """The row under the cursor changed (None: the list is empty or still loading)."""

        def __init__(self, row: AlertRow | None) -> None:
            self.row = row
            super().__init__()

    class MarksChanged(Message):
        def __init__(self, count: int) -> None:
            self.count = count
            super().__init__()

    class _Rows(Message):
        def __init__(self, generation: int, page: int, rows: list[AlertRow]) -> None:
            self.generation, self.page, self.rows = generation, page, rows
            super().__init__()

    def __init__(self, source: AlertSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = source
        self.total = 0
        self.marked: set[str] = set()
        # Each marked alert's version as its row last showed it: what a bulk action on
        # the marks carries (store/versions.py), kept for rows scrolled out of the pages.
        self.marked_versions: dict[str, int] = {}
        self._generation = 0
        self._query: AlertQuery | None = None
        self._pages: OrderedDict[int, list[AlertRow]] = OrderedDict()
        self._loading: set[int] = set()
        # The pages as they were before alerts were taken in, and by how many rows they
        # moved down: drawn in their new places until the pages are read again.
        self._moved: tuple[dict[int, list[AlertRow]], int] | None = None
        self._sev_key: tuple[str | None, ...] = ()
        self._sev_styles: tuple[Style, ...] = ()
        # Drawn lines by what they show: Textual redraws the whole list on every layout
        # pass (four before the first frame) and on each scroll step.
        self._strips: dict[tuple[AlertRow, int, bool, bool], Strip] = {}

    # -- data -----------------------------------------------------------------------

    def show(self, snapshot: Snapshot) -> None:
        """Switches to a new filter or sort: the first page is already in the snapshot."""
        self._generation = snapshot.generation
        self._query = snapshot.query
        self._pages.clear()
        self._loading.clear()
        self._moved = None
        self._pages[0] = snapshot.first_page
        self.set_total(snapshot.estimate)
        self.scroll_to(y=0, animate=False)
        self.cursor = 0
        self.new_above = 0
        self.refresh()
        self._announce_cursor()

    def set_total(self, total: int) -> None:
        self.total = total
        self.virtual_size = Size(self.size.width, total)
        if total and self.cursor >= total:
            self.cursor = total - 1

    @property
    def query(self) -> AlertQuery | None:
        """The query behind the rows, over the set as frozen (or last grown)."""
        return self._query

    @property
    def top_row(self) -> AlertRow | None:
        """The first row in view."""
        return self.row_at(self.scroll_offset.y) if self.total else None

    def take_in(self, growth: Growth) -> None:
        """Alerts stored since the set was frozen join the list. Everything moves down by
        the rows that sort ahead of it, and the view and the cursor follow, so the
        analyst sees the same alerts in the same places and the marks stay."""
        self._moved = (dict(self._pages), growth.ahead_of_top)
        self._query = growth.query
        self._pages.clear()
        self._loading.clear()
        self.total += growth.added
        self.virtual_size = Size(self.size.width, self.total)
        top = self.scroll_offset.y + growth.ahead_of_top
        self.scroll_to(y=top, animate=False, immediate=True)
        self.set_reactive(AlertList.cursor, self.cursor + growth.ahead_of_cursor)
        if top:
            self.new_above += growth.ahead_of_top
        self.refresh()

    def row_at(self, index: int) -> AlertRow | None:
        page = self._pages.get(index // PAGE)
        if page is None:
            self._request(index // PAGE)
            return self._moved_row(index)
        self._pages.move_to_end(index // PAGE)
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    def _moved_row(self, index: int) -> AlertRow | None:
        if self._moved is None:
            return None
        pages, shift = self._moved
        before = index - shift
        page = pages.get(before // PAGE) if before >= 0 else None
        return page[before % PAGE] if page and before % PAGE < len(page) else None

    def watch_new_above(self, count: int) -> None:
        self.post_message(self.NewAbove(count))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(new_value) == 0 and self.new_above:
            self.new_above = 0   # back at the top: they are in view

    def refresh_rows(self) -> None:
        """Reads the pages in view again (a push, a sync or a bulk action changed their
        states and tickets); the old rows stay on screen until the new ones arrive."""
        if self._query is None:
            return
        top = self.scroll_offset.y
        for page in range(top // PAGE, (top + self.size.height) // PAGE + 1):
            if page in self._pages and page not in self._loading:
                self._loading.add(page)
                self._fetch(self._generation, self._query, page)

    @property
    def current(self) -> AlertRow | None:
        return self.row_at(self.cursor) if self.total else None

    def _request(self, page: int) -> None:
        if page in self._loading or self._query is None or page * PAGE >= self.total:
            return
        self._loading.add(page)
        self._fetch(self._generation, self._query, page)

    @work(thread=True, group="alert-pages", exit_on_error=False)
    def _fetch(self, generation: int, query: AlertQuery, page: int) -> None:
        rows = self.source.page(query, page * PAGE, PAGE)
        self.post_message(self._Rows(generation, page, rows))

    def on_alert_list__rows(self, message: _Rows) -> None:
        message.stop()
        if message.generation != self._generation:
            return  # the filter changed while this page was in flight
        self._loading.discard(message.page)
        self._pages[message.page] = message.rows
        for row in message.rows:
            if row.id in self.marked:
                self.marked_versions[row.id] = row.version
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.refresh()
        if message.page == self.cursor // PAGE:
            self._announce_cursor()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._loading.clear()  # let the page be asked for again on the next draw
        report_worker_failure(self, event)

    # -- drawing --------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        if row is None:
            style = self.get_component_rich_style("alert-list--dim")
            return Strip([Segment(_cell("  …", width), style)], width)
        key = (row, width, index == self.cursor, row.id in self.marked)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > STRIP_CACHE:
                self._strips.clear()
            strip = self._strips[key] = Strip(self._segments(*key[:3]), width)
        return strip

    def notify_style_update(self) -> None:
        # Theme, focus and component styles are baked into the cached lines.
        super().notify_style_update()
        self._strips.clear()

    def _segments(self, row: AlertRow, width: int, at_cursor: bool) -> list[Segment]:
        cols = _Columns.fit(width)
        base = self.rich_style
        if at_cursor:
            base = base + self.get_component_rich_style("alert-list--cursor")
        sev = self._severity_styles()[row.severity]
        marked = row.id in self.marked
        marker = "✔ " if marked else ("▸ " if row.children else "● ")
        marker_style = self._colour("alert-list--marked") if marked else sev
        # Alert text is escaped once per drawn line; the strip cache keeps it off the
        # scrolling path.
        title = printable(" ".join(row.title.split()))
        if row.children:
            title = f"{title} ({counted(row.children, 'child', 'children')})"
        ticket = printable(row.ticket or "—") if cols.ticket else ""
        segments = [
            Segment(marker, base + Style(color=marker_style.color, bold=True)),
            Segment(_cell(SEVERITY_LABELS[row.severity], 5), base + sev),
            Segment(_cell(row.created_at[5:16].replace("T", " "), 12), base),
            Segment(_cell(title, cols.title), base),
            Segment(_cell(printable(row.source), cols.source), base),
            Segment(_cell(printable(row.mitre_technique or ""), cols.technique), base),
            Segment(_cell(ticket, cols.ticket), base + self._colour("alert-list--ticket")),
            Segment(_cell(row.state.replace("_", " "), cols.state), base),
        ]
        return [s for s in segments if s.text]

    def _severity_styles(self) -> tuple[Style, ...]:
        """Severity colours straight from the theme's $sev-* variables (cheaper at start-up
        than a component class each), rebuilt when the theme changes."""
        variables = self.app.theme_variables
        key = tuple(variables.get(f"sev-{name}") for name in SEVERITY_NAMES)
        if self._sev_key != key:
            self._sev_key = key
            self._sev_styles = tuple(
                Style(color=Color.parse(colour).rich_color, bold=rank >= 3)
                for rank, colour in enumerate(key)
            )
        return self._sev_styles

    def _colour(self, component: str) -> Style:
        """Only the colour of a component style: its background would hide the cursor bar."""
        return Style(color=self.get_component_rich_style(component).color)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old - self.scroll_offset.y)
        self.refresh_line(new - self.scroll_offset.y)
        self.scroll_to_region_of(new)
        self._announce_cursor()

    def refresh_line(self, y: int) -> None:
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def scroll_to_region_of(self, index: int) -> None:
        top, height = self.scroll_offset.y, self.size.height
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif height and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def _announce_cursor(self) -> None:
        self.post_message(self.CursorMoved(self.current))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)

    # -- actions --------------------------------------------------------------------

    def _move(self, to: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, to))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self.total - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self._move(self.cursor - max(1, self.size.height - 1))

    def action_toggle_mark(self) -> None:
        row = self.current
        if row is None:
            return
        self.marked.symmetric_difference_update({row.id})
        if row.id in self.marked:
            self.marked_versions[row.id] = row.version
        else:
            self.marked_versions.pop(row.id, None)
        self.post_message(self.MarksChanged(len(self.marked)))
        self.action_cursor_down()
        self.refresh()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.marked_versions.clear()
        self.post_message(self.MarksChanged(0))
        self.refresh()

    def on_click(self, event) -> None:
        self._move(self.scroll_offset.y + event.y)
