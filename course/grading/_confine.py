"""Set resource limits, then become the given command (run as ``python -I -S _confine.py``).

Kept free of imports beyond the standard library's ``os``/``resource``/``sys`` so that it starts
in a few milliseconds. Limits set here are inherited by bubblewrap and everything it starts.
"""
import os
import resource
import sys


def main(argv):
    limits = {"--memory": resource.RLIMIT_AS, "--file-size": resource.RLIMIT_FSIZE,
              "--open-files": resource.RLIMIT_NOFILE}
    i = 0
    while i < len(argv) and argv[i] != "--":
        which, value = limits[argv[i]], int(argv[i + 1])
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
        i += 2
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cmd = argv[i + 1:]
    os.execvpe(cmd[0], cmd, os.environ)


if __name__ == "__main__":
    main(sys.argv[1:])
