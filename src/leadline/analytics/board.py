"""The pipeline board: one sales process's stages as columns, each with its count, amount and
weighted amount in the organisation's currency, and the cards of the opportunities the user may
read (the first 50 of an open column, 20 of a closed one; the rest are counted).

Open stages hold the open opportunities, closest close date first; closed stages (the drop
targets that close a deal) hold those closed in the last ``CLOSED_DAYS`` days, latest first.
Amounts are converted at the rate valid today (what the pipeline is worth now; the forecast
converts at each close date's rate); a currency without any rate is counted apart, never guessed.
Computed in the database: a column's figures are sums, its cards one bounded query for the board.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.reasons import Reason, ReasonKind
from leadline.domain.errors import NotFoundError
from leadline.domain.money import currency_places
from leadline.domain.opportunities.opportunity import OpportunityStage, SalesProcess, default_process
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer

#: Cards shown per open column and per closed column; the rest are counted ("n more").
CARDS_PER_COLUMN = 50
CARDS_PER_CLOSED_COLUMN = 20
#: A closed column shows what closed within this many days.
CLOSED_DAYS = 30
ZERO = Decimal(0)


@dataclass(frozen=True)
class BoardCard:
    id: int
    name: str
    #: None when the user may not read the account
    account: str | None
    amount: Decimal | None
    currency: str
    close_date: date | None
    owner: str | None
    version: int


@dataclass
class BoardColumn:
    stage: OpportunityStage
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO
    #: (currency, number of opportunities) left out of the amounts for want of a rate
    unconverted: dict[str, int] = field(default_factory=dict)
    cards: list[BoardCard] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


@dataclass
class Board:
    process: SalesProcess
    processes: list[SalesProcess]
    currency: str
    columns: list[BoardColumn]
    lost_reasons: list[Reason]
    closed_since: date


def pipeline_board(ctx: ServiceContext, actor_id: int, process: str | None = None, *,
                   limit: int = CARDS_PER_COLUMN, closed_limit: int = CARDS_PER_CLOSED_COLUMN) -> Board:
    """The board of ``process`` (a process id or name; default: the default process) as the actor
    may see it. An unknown process is ``NOT_FOUND``."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        config = ctx.config(uow)
        processes = [p for p in config.processes if p.is_active]
        chosen = _process(processes, process)
        stages = sorted((s for s in config.stages if s.process_id == chosen.id and s.is_active),
                        key=lambda s: s.order)
        columns = {s.id: BoardColumn(s) for s in stages}
        open_ids = [s.id for s in stages if not s.is_closed]
        closed_ids = [s.id for s in stages if s.is_closed]
        today = ctx.now().date()
        since = today - timedelta(days=CLOSED_DAYS)
        visible = viewer.readable_owner_ids(RecordType.OPPORTUNITY)
        rates = _rates_on(uow.exchange_rates.list(), today, ctx.currency)
        for stage_id, currency, count, amount, weighted in uow.pipeline.board_sums(open_ids, closed_ids, since,
                                                                                    visible):
            _add(columns[stage_id], currency, count, amount, weighted, rates.get(currency))
        rows = uow.pipeline.board_cards(open_ids, closed_ids, since, (limit, closed_limit), visible)
        for row in sorted(rows, key=lambda r: _card_order(r, columns[r[1]].stage)):
            if len(columns[row[1]].cards) < limit:  # an open stage's undated deals come after its dated ones
                columns[row[1]].cards.append(_card(row, viewer, config.users))
        places = Decimal(1).scaleb(-currency_places(ctx.currency))
        for column in columns.values():
            column.amount, column.weighted = column.amount.quantize(places), column.weighted.quantize(places)
        lost = sorted((r for r in config.reasons if r.kind is ReasonKind.OPPORTUNITY_LOST and r.is_active),
                      key=lambda r: r.order)
        return Board(chosen, processes, ctx.currency, list(columns.values()), lost, since)


def _process(processes: list[SalesProcess], reference: str | None) -> SalesProcess:
    text = (reference or "").strip()
    if not text:
        return default_process(processes)
    for process in processes:
        if str(process.id) == text or process.name.casefold() == text.casefold():
            return process
    raise NotFoundError(f"there is no sales process {reference!r}", field="process")


def _rates_on(rates: Iterable[tuple[str, date, Decimal]], day: date, currency: str) -> dict[str, Decimal]:
    """Each currency's rate valid on ``day``: its latest from that day or before, else its first."""
    chosen: dict[str, tuple[date, Decimal]] = {}
    for code, valid_from, rate in sorted(rates):
        if code not in chosen or valid_from <= day:
            chosen[code] = (valid_from, rate)
    return {currency: Decimal(1)} | {code: rate for code, (_, rate) in chosen.items() if code != currency}


def _add(column: BoardColumn, currency: str, count: int, amount: Decimal, weighted: Decimal,
         rate: Decimal | None) -> None:
    column.count += count
    if rate is None:
        column.unconverted[currency] = column.unconverted.get(currency, 0) + count
        return
    column.amount += amount * rate
    column.weighted += weighted * rate


def _card_order(row: Any, stage: OpportunityStage) -> tuple[Any, ...]:
    close_date: date | None = row[8]
    if stage.is_closed:  # latest first
        return (0, -(close_date or date.min).toordinal(), -row[0])
    return (1, close_date is None, close_date or date.min, row[0])


def _card(row: Any, viewer: Viewer, users: Any) -> BoardCard:
    opportunity_id, _, name, _, account, account_owner, amount, currency, close_date, owner_id, version = row
    owner = users.get(owner_id)
    readable = viewer.can_read(RecordType.ACCOUNT, account_owner)
    return BoardCard(opportunity_id, name, account if readable else None, amount, currency, close_date,
                     owner.name if owner else None, version)
