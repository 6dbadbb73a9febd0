# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY: this file may change in any release.

"""The rules every plugin's options are checked by, each in one place, each mistake one sentence naming the option.

Types and defaults come from the declared argument specs (_connection.CONNECTION_ARGUMENT_SPEC, the pod, gate
and watch specs). Modules have AnsibleModule apply them; the lookup and the event source, which are handed a
plain dict, have ansible-core's ArgumentSpecValidator apply them (convert_options). What a spec cannot say
(an integer of 1 or more) is a Bound declared beside the spec and checked by check_bounds().

ansible-core is importable wherever a plugin runs: the controller, and the Python that runs ansible-rulebook
(which finds a collection's sources with ansible-galaxy; its install guide, the decision environment images
and requirements-eda.txt put ansible-core beside it). Only this light part of it is imported.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.runai.platform.plugins.module_utils._errors import RunaiError, shown

# The types convert_options converts. Strings and lists are left as given, for the functions that read them
# (uuid_option, parse_filter, read_watch_fields) to name the value as the user wrote it: a converter would
# turn 7 into '7', and a filter expression holding a comma into two.
CONVERTED_TYPES = ('bool', 'int', 'float', 'path')
# How a message says what an option must be, when no Bound words it.
TYPE_WORDING = {'bool': 'a boolean (true or false)', 'int': 'an integer', 'float': 'a number', 'path': 'a path'}


class Bound:
    """The range an integer (or, with `number`, any finite number) option must lie in, and how a message words it."""

    def __init__(self, low=None, high=None, above=None, number=False, wording=None):
        self.low = low
        self.high = high
        self.above = above
        self.number = number
        self.wording = wording or self._default_wording()

    def _default_wording(self):
        if self.high is not None:
            return 'an integer from %d to %d' % (self.low, self.high)
        return 'an integer %d or more' % self.low

    def holds(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float) if self.number else int):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        return ((self.low is None or value >= self.low) and (self.high is None or value <= self.high)
                and (self.above is None or value > self.above))

    def refusal(self, name, given):
        return RunaiError('%s must be %s, got %s' % (name, self.wording, shown(given)))


def check_bounds(get, bounds):
    """RunaiError naming the first option read through `get(name)` that lies outside its Bound; None is unset."""
    for name, bound in bounds.items():
        value = get(name)
        if value is not None and not bound.holds(value):
            raise bound.refusal(name, value)


def convert_options(spec, values, bounds=None):
    """`values` (a plain dict), its options of a scalar type converted as `spec` declares them and its unset ones (None)
    given their default; RunaiError naming the first that does not convert or lies outside its Bound, as given."""
    bounds = bounds or {}
    converted = dict(values)
    for name, option in spec.items():
        kind = option.get('type', 'str')
        if kind not in CONVERTED_TYPES:
            continue
        given = values.get(name)
        if given is None:
            converted[name] = option.get('default')
            continue
        value = _converted(name, option, given)
        bound = bounds.get(name)
        if value is None or (bound is not None and not bound.holds(value)):
            raise bound.refusal(name, given) if bound else RunaiError('%s must be %s, got %s' % (name, TYPE_WORDING[kind], shown(given)))
        converted[name] = value
    return converted


def _converted(name, option, given):
    """The value in the option's type (ansible-core's conversion, as a module's), or None if it does not convert."""
    if isinstance(given, bool) and option['type'] in ('int', 'float'):
        return None  # ansible-core reads true as 1; an option that counts or measures must not
    result = ArgumentSpecValidator({name: dict(type=option['type'])}).validate({name: given})
    return None if result.error_messages else result.validated_parameters[name]


def environment_value(name, variable, environ, spec, wording):
    """The option's value from its environment variable in `environ`, converted to the option's type; None if unset.

    A value that does not convert is named by its variable, not by the option the user never wrote (SPEC 2):
    `RUNAI_VALIDATE_CERTS='nope' is not a boolean`. `wording` says what the option holds ('a boolean').
    """
    text = environ.get(variable)
    if not text:
        return None
    kind = spec[name].get('type', 'str')
    if kind not in CONVERTED_TYPES:
        return text
    value = _converted(name, spec[name], text)
    if value is None:
        raise RunaiError('%s=%s is not %s' % (variable, shown(text), wording))
    return value
