"""The duplicate-group job's streamed path against the in-memory one (``find_groups``): blocks
gathered through temporary files are exactly the in-memory blocks, and comparing them block by
block gives the same groups, scores and reasons, large blocks (compared in windows) included."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import MAX_BLOCK, GroupFinder, blocking_keys, find_groups
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.rules import DEFAULT_RULES, DuplicateRule, MatchKind
from leadline.services.duplicates import blocks
from leadline.services.duplicates.blocks import gathered_blocks

LEAD, ACCOUNT = RecordType.LEAD, RecordType.ACCOUNT
FIRST_NAMES = ["Ann", "Anne", "Bob", "Robert", "Cleo", "Dan", "Dana", "Eve"]


def leads() -> list[Candidate]:
    """Leads with shared e-mails, phones (one with an extension) and a last name at one company
    in more than two windows' worth of records, near-duplicates among them."""
    found = []
    for i in range(1, 3 * MAX_BLOCK + 8):
        found.append(Candidate.of(
            LEAD, i * 10, email=f"p{i % 40}@acme.example" if i % 3 == 0 else f"only{i}@acme.example",
            phone=f"+1415555{i % 25:04d}" + (";ext=7" if i == 4 else "") if i % 2 == 0 else None,
            website="https://acme.example", company="Acme Corp" if i % 4 else "ACME, Inc.",
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)], last_name="Okafor" if i % 5 else "Öztürk"))
    found.append(Candidate.of(LEAD, 5, company="Globex", first_name="Zed", last_name="Zulu"))
    found.append(Candidate.of(LEAD, 7, company="Globex Ltd", first_name="Zed", last_name="zulu"))
    return found


def in_memory_blocks(candidates: list[Candidate]) -> list[tuple[int, ...]]:
    found: dict[str, list[int]] = defaultdict(list)
    for candidate in candidates:
        for key in blocking_keys(candidate, tuple(MatchKind)):
            found[key].append(candidate.record_id)
    return sorted(tuple(ids) for ids in found.values() if len(ids) > 1)


def streamed(rules: Sequence[DuplicateRule], candidates: list[Candidate], kind: RecordType) -> GroupFinder:
    finder = GroupFinder(rules, kind)
    for block in gathered_blocks(kind, candidates, finder.matches):
        finder.compare_block(block)
    return finder


def test_a_packed_candidate_unpacks_to_the_same_candidate() -> None:
    ann = Candidate.of(LEAD, 3, owner_id=9, email="Ann@Acme.example", phone="+14155550123;ext=2",
                       website="https://www.acme.example/x", company="ACME, Inc.", first_name="Ann", last_name="Smith")

    again = Candidate.unpacked(LEAD, ann.packed())

    assert again == ann and (again.company_key, again.person, again.phone) == ("acme", "ann smith", "+14155550123")


def test_gathered_blocks_are_the_in_memory_blocks_in_the_order_read() -> None:
    candidates = leads()

    gathered = [tuple(c.record_id for c in block) for block in gathered_blocks(LEAD, candidates, tuple(MatchKind))]

    assert sorted(gathered) == in_memory_blocks(candidates)
    assert max(len(block) for block in gathered) > 2 * MAX_BLOCK  # the common last name at one company
    assert all(all(c.record_kind is LEAD for c in block) for block in gathered_blocks(LEAD, candidates,
                                                                                      tuple(MatchKind)))


def test_gathered_blocks_are_the_same_whatever_the_number_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    candidates = leads()
    many = [tuple(c.record_id for c in b) for b in gathered_blocks(LEAD, candidates, tuple(MatchKind))]
    monkeypatch.setattr(blocks, "BUCKETS", 1)
    monkeypatch.setattr(blocks, "CHUNK", 7)

    one = [tuple(c.record_id for c in b) for b in gathered_blocks(LEAD, candidates, tuple(MatchKind))]

    assert sorted(one) == sorted(many) == in_memory_blocks(candidates)


def test_groups_found_block_by_block_are_the_in_memory_groups_with_their_reasons() -> None:
    candidates = leads()
    expected = find_groups(DEFAULT_RULES, candidates)

    found = streamed(DEFAULT_RULES, candidates, LEAD).groups()

    assert [(g.record_ids, g.score, set(g.reasons)) for g in found] == [
        (g.record_ids, g.score, set(g.reasons)) for g in expected]
    assert all(len(set(g.reasons)) == len(g.reasons) for g in found)
    assert len(expected) >= 3 and (5, 7) in [g.record_ids for g in found]
    assert any(len(g.record_ids) > 2 for g in found)


def test_accounts_are_grouped_by_domain_and_a_similar_name_block_by_block() -> None:
    accounts = [Candidate.of(ACCOUNT, 1, domain="acme.example", company="ACME, Inc."),
                Candidate.of(ACCOUNT, 2, domain="acme.example", company="Acme Incorporated"),
                Candidate.of(ACCOUNT, 3, domain="acme.example", company="Globex"),
                Candidate.of(ACCOUNT, 4, domain="globex.example", company="Globex")]

    (group,) = streamed(DEFAULT_RULES, accounts, ACCOUNT).groups()

    assert group == find_groups(DEFAULT_RULES, accounts)[0]
    assert group.record_ids == (1, 2) and group.reasons == ("website domain acme.example and company name ACME, Inc.",)
