"""A Run:ai control-plane simulator serving the pods and token paths of openapi-pods.json.

Standard library only, except `cryptography` for the optional TLS certificates.
See docs/simulator.md for what it serves and every choice made where the API spec is silent.
"""
