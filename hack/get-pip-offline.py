# Stand-in for the get-pip.py that `ansible-test --venv` downloads from ci-files.testing.ansible.com,
# a host this project's machines cannot reach. ansible-test runs it inside a new, pip-less virtualenv
# with pip's own arguments ("pip==25.2", ...); it installs the same pinned pip from the Python
# standard library's bundled copy and the package index that pip is configured for.
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '--disable-pip-version-check'] + arguments))
