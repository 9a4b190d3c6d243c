"""The build: a release's tables, exports and docs from seeds/ (pipeline.py is its entry).

Importing it sets ALLOCATOR in the process's environment (a value set already is kept). mimalloc, pyarrow's default
allocator, reads it once, when pyarrow is first imported: the pages Arrow frees are given back to the system at once,
not kept for a second (mimalloc's default). The build frees large tables stage after stage (derived, checked, written,
read back, compared); with the default, the build process and its workers kept what they freed. Measured in
benchmarks/ALLOCATORS.md: the build's peak at 300 times the articles 572 MB against 626 MB, at 1000 times 1,034 MB
against 1,286 MB, with no CPU time added that stands out of the machine's noise. No byte of output depends on it.
Where pyarrow was imported before this package (a notebook that builds in-process) it has no effect.
"""
import os

#: The allocator settings a build's process starts with.
ALLOCATOR = {"MIMALLOC_PURGE_DELAY": "0"}

for _name, _value in ALLOCATOR.items():
    os.environ.setdefault(_name, _value)
