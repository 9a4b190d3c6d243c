"""The build's entry as a script: `python build/pipeline.py [--check] [--force]`
does what `cartel-campaign build` does. The build's code is the subpackage
src/cartel_campaign/build/ (it depends on the package, never the other way round)."""
import sys

from cartel_campaign.build.pipeline import main

if __name__ == "__main__":
    sys.exit(main())
