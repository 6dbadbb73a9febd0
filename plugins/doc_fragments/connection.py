# -*- coding: utf-8 -*-
# Copyright (c) 2026 runai.platform maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The connection options of every plugin; modules read the environment through env_fallback.
    DOCUMENTATION = r'''
options:
  base_url:
    description:
      - Address of the Run:ai control plane, such as V(https://mytenant.run.ai), or of a self-hosted control plane.
      - Scheme and host (and port) only; a trailing V(/) is ignored.
      - Required. Modules fall back to the E(RUNAI_BASE_URL) environment variable.
    type: str
  client_id:
    description:
      - Client ID of a Run:ai service account or access key; the plugin obtains a bearer token with it
        from C(POST /api/v1/token) once per task, and once more if the API rejects that token as expired.
      - Requires O(client_secret). Mutually exclusive with O(token); one of the two ways is required.
      - Modules fall back to the E(RUNAI_CLIENT_ID) environment variable.
      - What the task (or C(module_defaults)) sets wins over the environment, for each way of authenticating
        as a whole - O(token) given in the task is used although E(RUNAI_CLIENT_ID) and E(RUNAI_CLIENT_SECRET)
        are in the environment (as an AWX credential injects them), and O(client_id) with O(client_secret)
        given in the task win over E(RUNAI_TOKEN). Only both ways set at the same level fail, with a message
        that says where each value came from.
    type: str
  client_secret:
    description:
      - Client secret that goes with O(client_id). Never shown in output.
      - Modules fall back to the E(RUNAI_CLIENT_SECRET) environment variable.
    type: str
  token:
    description:
      - A bearer token obtained elsewhere. Mutually exclusive with O(client_id) and O(client_secret).
      - When the API rejects it (HTTP 401) the task fails at once; it is never renewed.
      - Modules fall back to the E(RUNAI_TOKEN) environment variable.
    type: str
  validate_certs:
    description:
      - Verify the TLS certificate of the control plane. Set to V(false) only for testing.
      - Modules fall back to the E(RUNAI_VALIDATE_CERTS) environment variable.
    type: bool
    default: true
  ca_path:
    description:
      - PEM bundle of the certificate authority that signed the control plane's certificate, for
        self-hosted control planes with a private CA.
      - Modules fall back to the E(RUNAI_CA_PATH) environment variable.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request (connecting and each read), greater than 0.
      - Modules fall back to the E(RUNAI_TIMEOUT) environment variable.
    type: float
    default: 30
  retries:
    description:
      - Extra attempts of one request on connection errors, timeouts and HTTP 429, 500, 502, 503 and 504;
        V(3) means at most 4 attempts, V(0) none. Never on HTTP 400, 401, 403 or 404.
      - Waits between attempts are random up to a ceiling that doubles each attempt (full jitter), so that
        processes refused together do not come back together. A C(Retry-After) answer (seconds or an
        HTTP date) is honoured in full up to 120 seconds, plus a random part of up to as much again; a
        longer one fails at once, saying how long the server asked to wait.
      - A rate limit doing its job is ridden out, not counted as failures. HTTP 429 answers that carry
        C(Retry-After) do not count against O(retries) while one request has waited less than 120 seconds
        on them in all; past that they count like any other failure. With V(0), a 429 is never retried.
    type: int
    default: 3
notes:
  - Proxies follow the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
  - Secrets (O(client_secret), O(token) and the bearer token obtained) never appear in results,
    warnings or error messages, at any verbosity.
requirements:
  - requests >= 2.25
'''

    # For lookups: where each connection option may also come from (Ansible variables, environment).
    PLUGINS = r'''
options:
  base_url:
    env:
      - name: RUNAI_BASE_URL
    vars:
      - name: runai_base_url
  client_id:
    env:
      - name: RUNAI_CLIENT_ID
    vars:
      - name: runai_client_id
  client_secret:
    env:
      - name: RUNAI_CLIENT_SECRET
    vars:
      - name: runai_client_secret
  token:
    env:
      - name: RUNAI_TOKEN
    vars:
      - name: runai_token
  validate_certs:
    env:
      - name: RUNAI_VALIDATE_CERTS
    vars:
      - name: runai_validate_certs
  ca_path:
    env:
      - name: RUNAI_CA_PATH
    vars:
      - name: runai_ca_path
  timeout:
    env:
      - name: RUNAI_TIMEOUT
    vars:
      - name: runai_timeout
  retries:
    vars:
      - name: runai_retries
'''
