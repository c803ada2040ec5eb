"""The command line from a checkout, without installing: ``python cli.py show 0101`` does what
``iccs show 0101`` does. A thin entry: the commands live in the package (``iccs/cli.py``)."""
import sys

from iccs.entry import main

if __name__ == "__main__":
    sys.exit(main())
