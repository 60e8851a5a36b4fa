import sys

from .autograde import main

sys.exit(main())
