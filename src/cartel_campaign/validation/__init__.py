"""Validation of a release, one module per job:

* schema      pandera frame checks derived from the Table Schemas;
* rule_runner every rule of cartel_campaign.rules on a release's rows (the build runs the same rules);
* files       manifest, Parquet bytes, CSV/Parquet agreement, the descriptor, the article texts;
* exports     the release's exports (cartel_campaign.exports' registry);
* frictionless_check  Frictionless package validation (a fast path with the stock messages).

`cartel_campaign.validate` puts them together. Nothing here imports the build, and heavy libraries
(pandera, frictionless) are imported inside functions: nothing here is on the load path.
"""
