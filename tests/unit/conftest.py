# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A scripted HTTP server: the client is tested on the wire, where retries, paging and errors happen."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from scripted_server import ScriptedServer


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()
