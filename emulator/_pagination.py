"""maxResults/nextToken pagination as ECR's list operations do it."""

import base64
import binascii
from collections.abc import Sequence
from typing import TypeVar

from moto.ecr.exceptions import InvalidParameterException

T = TypeVar("T")

#: What ECR returns per page when the request sets no maxResults.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
#: GetLifecyclePolicyPreview's ceiling on maxResults in the ECR service model.
MAX_PREVIEW_PAGE_SIZE = 100
_TOKEN_PREFIX = "ecr-emulator:"


def paginate(
    items: Sequence[T],
    max_results: int | None,
    next_token: str | None,
    *,
    max_page_size: int = MAX_PAGE_SIZE,
) -> tuple[list[T], str | None]:
    """Return one page of `items` and the token for the next page, if any.

    Raises InvalidParameterException for a maxResults outside 1..`max_page_size`
    (1000 for the image lists, 100 for the lifecycle preview) or a token this
    emulator did not issue.
    """
    size = DEFAULT_PAGE_SIZE if max_results is None else int(max_results)
    if not 1 <= size <= max_page_size:
        msg = (
            "Invalid parameter at 'maxResults' failed to satisfy constraint: "
            f"'Member must have value between 1 and {max_page_size}'"
        )
        raise InvalidParameterException(msg)
    start = _decode(next_token) if next_token else 0
    page = list(items[start : start + size])
    end = start + len(page)

    return page, (_encode(end) if end < len(items) else None)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{offset}".encode()).decode()


def _decode(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if text.startswith(_TOKEN_PREFIX) and text[len(_TOKEN_PREFIX) :].isdigit():
        return int(text[len(_TOKEN_PREFIX) :])

    msg = "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid'"
    raise InvalidParameterException(msg)
