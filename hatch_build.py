"""Put the data into the wheel: dataset/ (every published release), datapackage.json and the
source articles, under cartel_campaign/data/ where importlib.resources finds them.
An editable install reads them from the checkout instead."""
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DATA = {"dataset": "cartel_campaign/data/dataset", "datapackage.json": "cartel_campaign/data/datapackage.json"}


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if version == "editable":
            return
        root = Path(self.root)
        missing = [name for name in DATA if not (root / name).exists()]
        if missing:
            raise FileNotFoundError(f"{', '.join(missing)} not found in {root}: build the dataset first (make dataset)")
        build_data["force_include"].update({str(root / k): v for k, v in DATA.items()})
        for txt in sorted((root / "seeds").glob("*.txt")):
            build_data["force_include"][str(txt)] = f"cartel_campaign/data/seeds/{txt.name}"
