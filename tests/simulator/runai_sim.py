"""Run:ai control-plane simulator: `python tests/simulator/runai_sim.py [--pods N] [--seed S] [--tls] ...`.

Prints exactly one JSON line on stdout when ready ({"base_url", "client_id", "client_secret"[, "ca_path"]}),
then serves until SIGTERM or SIGINT. Logs go to stderr. See docs/simulator.md.
"""

import json
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from runai_simulator.app import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from runai_simulator.options import parse_args  # noqa: E402  pylint: disable=wrong-import-position


def main(argv=None):
    options = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if options.verbose else logging.INFO,
                        format='%(asctime)s runai-sim %(levelname)s %(message)s')
    simulator = Simulator(options)
    try:
        simulator.catch_stop_signals()
        simulator.start()
        # The one line a launcher waits for; nothing else is ever written to stdout.
        print(json.dumps(simulator.ready_info()), flush=True)
        simulator.wait_for_signal()
    finally:
        simulator.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
