"""The duplicate-group job: every live lead, contact and account compared by blocking keys
(domain/duplicates/groups.py), the groups stored with their reasons in place of the last run's.

Records are read in batches by id; the comparison runs in memory over the reduced candidates
(a few hundred bytes each), so a million records is minutes (bench/bench_duplicates.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import DuplicateGroup, find_groups
from leadline.domain.duplicates.rules import DEDUPLICATED, parse_record_kind
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import rules_in_force
from leadline.services.duplicates.similarity import rapidfuzz_similarity
from leadline.services.security.access import load_viewer, require_admin


def find_duplicate_groups(ctx: ServiceContext, actor_id: int,
                          record_kinds: Sequence[object] = ()) -> dict[RecordType, int]:
    """Find and store the duplicate groups of each kind (default: leads, contacts and accounts);
    admins only, since groups span every owner's records. Returns the number of groups per kind."""
    kinds = [parse_record_kind(k) for k in record_kinds] or list(DEDUPLICATED)
    with ctx.uow_factory() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        rules = rules_in_force(ctx, uow)
        found = {}
        for kind in kinds:
            groups = find_groups(rules, list(uow.duplicates.all_candidates(kind)), rapidfuzz_similarity)
            uow.duplicates.replace_groups(kind, groups, ctx.now())
            found[kind] = len(groups)
        uow.commit()
        return found


def list_duplicate_groups(ctx: ServiceContext, actor_id: int, record_kind: object = None,
                          limit: int = 100) -> list[tuple[int, DuplicateGroup]]:
    """The stored groups (id, group), best score first; admins only."""
    with ctx.reader() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        return uow.duplicates.groups(parse_record_kind(record_kind) if record_kind else None, limit)
