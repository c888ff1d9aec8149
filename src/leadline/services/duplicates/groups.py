"""The duplicate-group job: every live lead, contact and account compared by blocking keys
(domain/duplicates/groups.py), the groups stored with their reasons in place of the last run's.

Records are read in batches by id and gathered into their blocks through temporary files
(services/duplicates/blocks.py); each block is compared as it comes back, and only the ids that
matched stay in memory, so a million records is minutes and a few hundred megabytes at most
(bench/bench_duplicates.py, docs/adr/0059-duplicate-job-streams-its-blocks.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import DuplicateGroup, GroupFinder, still_standing
from leadline.domain.duplicates.rules import DEDUPLICATED, parse_record_kind
from leadline.services.context import ServiceContext
from leadline.services.duplicates.blocks import gathered_blocks
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
            finder = GroupFinder(rules, kind, rapidfuzz_similarity)
            for block in gathered_blocks(kind, uow.duplicates.all_candidates(kind), finder.matches):
                finder.compare_block(block)
            groups = finder.groups()
            uow.duplicates.replace_groups(kind, groups, ctx.now())
            found[kind] = len(groups)
        uow.commit()
        return found


def list_duplicate_groups(ctx: ServiceContext, actor_id: int, record_kind: object = None,
                          limit: int = 100) -> list[tuple[int, DuplicateGroup]]:
    """The stored groups (id, group), best score first; admins only. A group shows only the
    records that may still be merged (one merged away, deleted or, for a lead, converted since
    the scan is left out), and one left with fewer than two is not listed (``still_standing``);
    ``limit`` counts the groups listed, not those read."""
    with ctx.reader() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        kind = parse_record_kind(record_kind) if record_kind else None
        found: list[tuple[int, DuplicateGroup]] = []
        offset = 0
        while len(found) < limit:  # the limit counts groups still standing: read on past those gone
            stored = uow.duplicates.groups(kind, limit, offset)
            offset += len(stored)
            mergeable: dict[RecordType, set[int]] = {}
            for one in {group.record_kind for _, group in stored}:
                mergeable[one] = uow.duplicates.mergeable_ids(one, [i for _, g in stored if g.record_kind is one
                                                                    for i in g.record_ids])
            standing = [(group_id, still_standing(group, mergeable[group.record_kind])) for group_id, group in stored]
            found += [(group_id, group) for group_id, group in standing if group is not None]
            if len(stored) < limit:
                break
        return found[:limit]
