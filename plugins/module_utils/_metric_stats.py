# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""Statistics over pod metrics: min, max, avg, last and samples per metric type and per label value."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.runai.platform.plugins.module_utils import _dates
from ansible_collections.runai.platform.plugins.module_utils._metric_query import PER_GPU_TYPES, PERCENTILE_TYPES, PERCENTILES


def histogram_percentile_series(histogram, measurements):
    """Series labelled `percentile` made of the histogram entries of the *_PERCENTILES types.

    A control plane may send the percentiles as measurements, as histogram entries, or both (NOTES: the
    document does not say): a sample the measurements already hold (same type, percentile and timestamp)
    is left out here, so that sent both ways it counts once.
    """
    held = set()
    for measurement in measurements:
        percentile = (measurement.get('labels') or {}).get('percentile')
        if measurement.get('type') in PERCENTILE_TYPES and percentile is not None:
            held.update((measurement['type'], percentile, sample.get('timestamp')) for sample in measurement['values'])
    series = []
    for entry in histogram:
        if entry['type'] not in PERCENTILE_TYPES:
            continue
        for percentile in PERCENTILES:
            values = [{'value': sample['data'][percentile], 'timestamp': sample['timestamp']} for sample in entry['values']
                      if percentile in sample['data'] and (entry['type'], percentile, sample['timestamp']) not in held]
            if values:
                series.append({'type': entry['type'], 'labels': {'percentile': percentile}, 'values': values})
    return series


def metric_stats(measurements, metric_types):
    """Per metric type: min, max, avg and samples over every series; last is the mean at the latest timestamp.

    Series that carry labels are also summarised per label value, under `by_<label>` (`by_gpu`, `by_percentile`).
    The whole-type figures of a *_PERCENTILES type would mix p50, p90 and p99: they are null, `samples` still counts.
    """
    return dict((metric_type, _labelled_stats(metric_type, [m for m in measurements if m.get('type') == metric_type]))
                for metric_type in metric_types)


def _labelled_stats(metric_type, series):
    stats = _type_stats(series)
    groups = {}
    if metric_type in PER_GPU_TYPES:
        groups['gpu'] = {}
    if metric_type in PERCENTILE_TYPES:
        groups['percentile'] = {}
        stats.update(min=None, max=None, avg=None, last=None)
    for measurement in series:
        labels = measurement.get('labels')
        for label, value in (labels.items() if isinstance(labels, dict) else ()):
            groups.setdefault(str(label), {}).setdefault(str(value), []).append(measurement)
    for label, by_value in groups.items():
        stats['by_' + label] = dict((value, _type_stats(members)) for value, members in sorted(by_value.items(), key=_label_order))
    return stats


def _label_order(item):
    # GPU indexes in numeric order ('2' before '10'), anything else by its text.
    value = item[0]
    return (0, int(value), '') if value.isdigit() else (1, 0, value)


def _type_stats(series):
    values = [sample['value'] for measurement in series for sample in measurement['values'] if sample['value'] is not None]
    if not values:
        return {'min': None, 'max': None, 'avg': None, 'last': None, 'samples': 0}
    return {'min': min(values), 'max': max(values), 'avg': sum(values) / len(values), 'last': _last(series), 'samples': len(values)}


def _last(series):
    """Mean across series of each one's value at the latest timestamp any of them has."""
    stamped = [(_instant(sample.get('timestamp')), sample['value'])
               for measurement in series for sample in measurement['values'] if sample['value'] is not None]
    stamped = [(instant, value) for instant, value in stamped if instant is not None]
    if not stamped:
        return None
    latest = max(instant for instant, _value in stamped)
    at_latest = [value for instant, value in stamped if instant == latest]
    return sum(at_latest) / len(at_latest)


def _instant(timestamp):
    """The sample's time as a datetime (compared across series whatever zone each was written in); None if unreadable."""
    try:
        return _dates.parse_datetime(timestamp)
    except ValueError:
        return None
