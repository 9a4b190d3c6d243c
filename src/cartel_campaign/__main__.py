"""`python -m cartel_campaign ARGS` is `cartel-campaign ARGS`."""
import sys

from .cli import main

sys.exit(main())
