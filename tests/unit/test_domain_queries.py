"""List queries: a page holds from 1 to 500 records."""

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.queries import MAX_PAGE_SIZE, Page
from tests.unit.builders import raises_error


def test_a_page_holds_fifty_newest_first_by_default():
    page = Page()

    assert (page.limit, page.after_id, page.newest_first) == (50, None, True)


@pytest.mark.parametrize("limit", [1, MAX_PAGE_SIZE])
def test_a_page_limit_from_one_to_five_hundred_is_accepted(limit):
    assert Page(limit=limit).limit == limit


@pytest.mark.parametrize("limit", [0, -5, MAX_PAGE_SIZE + 1])
def test_a_page_limit_outside_one_to_five_hundred_is_refused(limit):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="limit") as caught:
        Page(limit=limit)

    assert "between 1 and 500" in caught.value.message
