# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ansible's floor: return pods read from a file, no HTTP. What Ansible alone charges for carrying them."""

import json

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={'pods_file': {'type': 'path', 'required': True}}, supports_check_mode=True)
    with open(module.params['pods_file']) as handle:
        pods = json.load(handle)
    module.exit_json(changed=False, pods=pods, count=len(pods))


if __name__ == '__main__':
    main()
