"""The wheel's data and the package index's README.

Data: dataset/ (every release), datapackage.json, the source articles and the documents a user
reads (codebook, dataset card, annotation guide, changelog, citation) go under cartel_campaign/data/, in the same
layout as the checkout, where importlib.resources finds them. An editable install reads the checkout.

README: the package index shows README.md without the repository beside it, so its relative links
and images would break there; the metadata hook turns each link into its text with the path in
backticks (the file is in the source distribution, and the documents above in the wheel's data folder)
and leaves images out."""
import hashlib
import json
import re
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface

DATA = {name: f"cartel_campaign/data/{name}" for name in
        ("dataset", "datapackage.json", "docs/CODEBOOK.md", "DATASET_CARD.md", "seeds/GUIDE.md", "seeds/assertions.yaml", "CHANGELOG.md", "CITATION.cff")}
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
        for name in declared_articles(root):
            build_data["force_include"][str(root / name)] = f"cartel_campaign/data/{name}"


def declared_articles(root: Path) -> list[str]:
    """The article files the releases name (the `sources` of every dataset/<version>/datapackage.json), each
    checked to be a regular file in seeds/ (no symlink) with its recorded sha256: nothing else of seeds/ is packed."""
    sources = {}
    for desc in sorted((root / "dataset").glob("*/datapackage.json")):
        for source in json.loads(desc.read_text(encoding="utf-8")).get("sources", []):
            sources[source["path"]] = (source["sha256"], desc.relative_to(root))
    for name, (sha256, desc) in sources.items():
        path = root / name
        if not re.fullmatch(r"seeds/[^/\\]+\.txt", name) or path.is_symlink() or not path.is_file():
            raise FileNotFoundError(f"{desc}: source {name!r}: expected a regular file seeds/<name>.txt (no symlink)")
        if hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            raise ValueError(f"{desc}: source {name}: its sha256 is not the recorded {sha256}")
    return sorted(sources)


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
