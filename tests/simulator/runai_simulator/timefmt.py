"""Instants as integer epoch milliseconds, and their ISO 8601 text forms."""

import datetime

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)


def parse_iso8601_ms(text):
    """Epoch milliseconds of an ISO 8601 date or date-time; a zone-less one is UTC.

    Raises ValueError for anything else (the caller turns it into a 400).
    """
    # Python 3.11's fromisoformat accepts the ISO 8601 forms clients send, 'Z' included.
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except OverflowError as exc:
        raise ValueError(str(exc)) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_UTC)
    delta = parsed - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def format_ms(epoch_ms):
    """The API's date-time form: `2022-01-01T03:49:52.531Z` (UTC, milliseconds)."""
    moment = _EPOCH + datetime.timedelta(milliseconds=epoch_ms)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (epoch_ms % 1000)


def format_sample_ms(epoch_ms):
    """A metrics timestamp: whole seconds as in the API's example (`...T14:30:00Z`), else milliseconds."""
    if epoch_ms % 1000:
        return format_ms(epoch_ms)
    return (_EPOCH + datetime.timedelta(milliseconds=epoch_ms)).strftime('%Y-%m-%dT%H:%M:%SZ')


def now_ms():
    """The wall clock, used only for `--anchor now`."""
    return int(datetime.datetime.now(_UTC).timestamp() * 1000)
