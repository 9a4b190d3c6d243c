# Read the cartel-campaign tables in R with the column types declared in datapackage.json.
# Needs only base R, readr and jsonlite:  source("r/read_cartel_campaign.R")

.cc_col_types <- list(
  string  = function() readr::col_character(),
  integer = function() readr::col_integer(),
  date    = function() readr::col_date(format = "%Y-%m-%d"),
  boolean = function() readr::col_logical()
)

.cc_package <- function(datapackage) {
  if (is.list(datapackage)) return(datapackage)
  if (!file.exists(datapackage)) stop("datapackage file not found: ", datapackage, call. = FALSE)
  jsonlite::read_json(datapackage, simplifyVector = FALSE)
}

# Returns a named list of tibbles, one per resource, in the order of datapackage.json.
read_cartel_campaign <- function(datapackage = "datapackage.json") {
  pkg <- .cc_package(datapackage)
  base <- dirname(datapackage)
  tables <- list()
  for (res in pkg$resources) {
    fields <- res$schema$fields
    field_names <- vapply(fields, function(f) f$name, "")
    spec <- lapply(fields, function(f) {
      make <- .cc_col_types[[if (is.null(f$type)) "string" else f$type]]
      if (is.null(make)) stop(sprintf("resource '%s', field '%s': unknown field type '%s'",
                                      res$name, f$name, f$type), call. = FALSE)
      make()
    })
    names(spec) <- field_names
    path <- file.path(base, res$path)
    if (!file.exists(path)) stop(sprintf("resource '%s': file not found: %s", res$name, path), call. = FALSE)
    header <- names(readr::read_csv(path, n_max = 0, col_types = readr::cols(.default = "c"),
                                    na = "", progress = FALSE))
    if (!identical(header, field_names)) {
      stop(sprintf("resource '%s': CSV header (%s) does not match the schema fields (%s)",
                   res$name, paste(header, collapse = ", "), paste(field_names, collapse = ", ")), call. = FALSE)
    }
    # parse failures are reported below as one error, so readr's generic warning is muffled
    df <- suppressWarnings(readr::read_csv(path, col_types = do.call(readr::cols, spec), na = "",
                                           trim_ws = FALSE, lazy = FALSE, progress = FALSE))
    bad <- readr::problems(df)
    if (nrow(bad) > 0) {
      stop(sprintf("resource '%s': %d value(s) do not parse as the schema type, first: line %d column %d expected %s, got '%s'",
                   res$name, nrow(bad), bad$row[1], bad$col[1], bad$expected[1], bad$actual[1]), call. = FALSE)
    }
    attr(df, "problems") <- NULL
    tables[[res$name]] <- df
  }
  tables
}

# Returns a character vector with one line per foreign-key value (non-missing) that is absent
# from the referenced key; character(0) when every reference resolves. reference.resource ""
# means the resource itself. A composite key is skipped only when all of its fields are missing.
check_foreign_keys <- function(tables, datapackage = "datapackage.json") {
  pkg <- .cc_package(datapackage)
  key <- function(df, cols) {
    parts <- lapply(cols, function(col) {
      if (!col %in% names(df)) stop("no column '", col, "' in a table named by a foreign key", call. = FALSE)
      ifelse(is.na(df[[col]]), "\036NA", as.character(df[[col]]))
    })
    do.call(paste, c(parts, sep = "\037"))
  }
  problems <- character(0)
  for (res in pkg$resources) {
    for (fk in res$schema$foreignKeys) {
      from <- unlist(fk$fields)
      target <- if (identical(fk$reference$resource, "")) res$name else fk$reference$resource
      to <- unlist(fk$reference$fields)
      if (is.null(tables[[res$name]]) || is.null(tables[[target]])) {
        stop(sprintf("foreign key %s.(%s) -> %s: table not in `tables`", res$name,
                     paste(from, collapse = ", "), target), call. = FALSE)
      }
      df <- tables[[res$name]]
      present <- rowSums(!is.na(as.data.frame(df)[from])) > 0
      missing <- present & !(key(df, from) %in% key(tables[[target]], to))
      for (i in which(missing)) {
        problems <- c(problems, sprintf("%s row %d: %s = %s not found in %s.%s", res$name, i,
                                        paste(from, collapse = "+"),
                                        paste(vapply(from, function(col) as.character(df[[col]][i]), ""), collapse = "+"),
                                        target, paste(to, collapse = "+")))
      }
    }
  }
  problems
}
