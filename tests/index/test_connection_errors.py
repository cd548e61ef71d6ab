"""Which Chroma errors are a server that is briefly away (retried) and which are answers (raised at once)."""

from __future__ import annotations

import pytest

from index.store.connection import is_connection_error


class NotFoundError(Exception):
    pass


class HTTPStatusError(Exception):
    pass


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError("Collection [fresh-empty-bd050286] does not exist"),  # a name holding "502" is no 502
        NotFoundError("Collection [eval-503abc] does not exist"),
    ],
)
def test_an_answer_from_the_server_is_not_a_connection_error(error: Exception) -> None:
    assert not is_connection_error(error)


@pytest.mark.parametrize(
    "error",
    [
        HTTPStatusError("Server error '502 Bad Gateway' for url 'http://127.0.0.1:8000/api/v2'"),
        HTTPStatusError("503"),
        ConnectionRefusedError("[Errno 111] Connection refused"),
    ],
)
def test_a_server_away_is_a_connection_error(error: Exception) -> None:
    assert is_connection_error(error)
