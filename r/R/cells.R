# The CSV format's spreadsheet-formula guard (cartel_campaign.release.Dialect, said in docs/CODEBOOK.md):
# a text value that begins with = + - @, tab or carriage return (after any apostrophes) is written with
# one more apostrophe in front, so a spreadsheet shows it instead of running it. Reading removes it.
.cc_unguard <- function(x) sub("^'('*[=+@\t\r-])", "\\1", x, perl = TRUE)
