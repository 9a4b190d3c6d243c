"""The wheel's data and the package index's README.

Data: dataset/ (every release), datapackage.json, the source articles and the documents a user
reads (codebook, annotation guide, changelog, citation) go under cartel_campaign/data/, in the same
layout as the checkout, where importlib.resources finds them. An editable install reads the checkout.

README: the package index shows README.md without the repository beside it, so its relative links
and images would break there; the metadata hook turns each link into its text with the path in
backticks (the file is in the source distribution, and the documents above in the wheel's data folder)
and leaves images out."""
import re
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface

DATA = {name: f"cartel_campaign/data/{name}" for name in
        ("dataset", "datapackage.json", "docs/CODEBOOK.md", "seeds/GUIDE.md", "CHANGELOG.md", "CITATION.cff")}
IMAGE = re.compile(r"^!\[[^\]]*\]\((?!https?:)[^)]*\)\n\n?", re.M)
LINK = re.compile(r"\[([^\]]+)\]\((?!https?:|#)([^)]+)\)")


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


def index_readme(text: str) -> str:
    """README.md for a package index: no relative link or image."""
    def unlink(m: re.Match) -> str:
        label, target = m.group(1), m.group(2)
        return label if label.strip("`") == target else f"{label} (`{target}`)"

    return LINK.sub(unlink, IMAGE.sub("", text))


class CustomMetadataHook(MetadataHookInterface):
    def update(self, metadata):
        text = (Path(self.root) / "README.md").read_text(encoding="utf-8")
        metadata["readme"] = {"content-type": "text/markdown", "text": index_readme(text)}
