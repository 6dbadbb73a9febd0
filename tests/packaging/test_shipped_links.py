# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every relative link in a Markdown file of the built collection points at a file the tarball holds."""

import os
import posixpath
import re
import subprocess
import sys
import tarfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# [text](target) with a target that is not a URL or an in-page anchor.
LINK = re.compile(r'\]\((?!https?://|mailto:|#)([^)\s]+)\)')


def test_links_in_shipped_markdown_resolve_inside_the_tarball(tmp_path):
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)
    with tarfile.open(str(next(tmp_path.glob('runai-platform-*.tar.gz')))) as archive:
        members = dict((member.name, member) for member in archive.getmembers())
        shipped = set(members)
        broken = []
        for name in sorted(name for name in members if name.endswith('.md')):
            text = archive.extractfile(members[name]).read().decode('utf-8')
            for target in LINK.findall(text):
                path = posixpath.normpath(posixpath.join(posixpath.dirname(name), target.split('#')[0]))
                if path.rstrip('/') not in shipped:
                    broken.append('%s -> %s' % (name, target))
    assert broken == []
