"""Record ids: time-ordered 63-bit integers made by the application, strictly increasing."""

import re
import threading
import time

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.ids import (
    MAX_ID,
    RECORD_ID_PATTERN,
    IdGenerator,
    id_created_at_ms,
    new_id,
    new_ids,
    parse_record_id,
)


def test_ids_are_strictly_increasing():
    ids = [new_id() for _ in range(2000)]

    assert all(earlier < later for earlier, later in zip(ids, ids[1:], strict=False))


def test_ids_fit_a_signed_bigint():
    assert 0 < new_id() < 2**63


def test_a_batch_of_ids_is_unique_increasing_and_after_the_ids_before_it():
    before = new_id()

    batch = new_ids(500)
    after = new_id()

    assert len(batch) == 500
    assert len(set(batch)) == 500
    assert batch == sorted(batch)
    assert before < batch[0] and batch[-1] < after


def test_an_empty_batch_is_empty_and_does_not_disturb_the_order():
    before = new_id()

    assert new_ids(0) == []
    assert new_id() > before


def test_a_negative_batch_size_is_refused_rather_than_moving_the_cursor_back():
    generator = IdGenerator()
    first = generator.next_id()

    with pytest.raises(ValueError):
        generator.next_ids(-5)

    assert generator.next_id() > first


def test_an_id_tells_when_it_was_made_to_within_a_second():
    before_ms = int(time.time() * 1000)

    made_ms = id_created_at_ms(new_id())

    assert abs(made_ms - before_ms) < 1000


def test_ids_of_a_batch_tell_when_they_were_made():
    now_ms = int(time.time() * 1000)

    assert all(abs(id_created_at_ms(i) - now_ms) < 1000 for i in new_ids(10))


def test_single_ids_and_batches_from_one_generator_interleave_in_order():
    generator = IdGenerator()

    ids = [generator.next_id(), *generator.next_ids(3), generator.next_id(), *generator.next_ids(2)]

    assert ids == sorted(set(ids))


def test_ids_made_on_several_threads_are_all_different():
    generator = IdGenerator()
    made: list[list[int]] = [[] for _ in range(4)]

    def make(bucket):
        bucket.extend(generator.next_id() for _ in range(500))

    threads = [threading.Thread(target=make, args=(bucket,)) for bucket in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every_id = [i for bucket in made for i in bucket]
    assert len(set(every_id)) == 2000
    assert all(bucket == sorted(bucket) for bucket in made)


@pytest.mark.parametrize("text", ["1", "007", "999999999999999999", "1000000000000000000", str(MAX_ID),
                                  "0" + str(MAX_ID), "9223372036854775799", "8999999999999999999"])
def test_the_written_id_pattern_admits_every_id_the_parser_reads(text):
    assert re.fullmatch(RECORD_ID_PATTERN, text) and parse_record_id(text, field="id") == int(text)


@pytest.mark.parametrize("text", ["0", "000", str(MAX_ID + 1), "9223372036854775810", "9300000000000000000",
                                  "9" * 19, "1" * 20, "-1", "1.0", ""])
def test_the_written_id_pattern_refuses_what_the_parser_refuses(text):
    assert not re.fullmatch(RECORD_ID_PATTERN, text)
    with pytest.raises(ValidationError):
        parse_record_id(text, field="id")
