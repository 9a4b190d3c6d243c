# The repository's data root, and small throwaway roots written for one test.

# CARTEL_CAMPAIGN_DATA, else the checkout holding r/ (when the tests run from r/tests/testthat),
# else (R CMD check) the release the package carries.
data_root <- function() {
  root <- Sys.getenv("CARTEL_CAMPAIGN_DATA")
  if (nzchar(root)) return(root)
  checkout <- normalizePath(test_path("..", "..", ".."), mustWork = FALSE)
  if (file.exists(file.path(checkout, "datapackage.json"))) return(checkout)
  system.file("extdata", package = "cartelcampaign")
}

field <- function(name, type = "string", ...) list(name = name, type = type, ...)

resource <- function(name, fields, csv, ...) {
  list(name = name, path = paste0(name, ".csv"), schema = list(fields = fields, ...), csv = csv)
}

# A root with one release; each resource's `csv` text is written byte for byte, and
# `dialect` / `encoding` (when given) go into the resource.
make_root <- function(resources, version = "9.9.9", root = tempfile("ccroot")) {
  dir <- file.path(root, "dataset", version)
  dir.create(dir, recursive = TRUE)
  for (res in resources) writeBin(charToRaw(enc2utf8(res$csv)), file.path(dir, res$path))
  descriptor <- list(name = "test", version = version,
                     resources = lapply(resources, function(res) { res$csv <- NULL; res }))
  jsonlite::write_json(descriptor, file.path(dir, "datapackage.json"), auto_unbox = TRUE, null = "null")
  root
}

one_table_root <- function(fields, csv, dialect = NULL, ...) {
  res <- resource("t", fields, csv, ...)
  if (!is.null(dialect)) res$dialect <- dialect
  make_root(list(res))
}
