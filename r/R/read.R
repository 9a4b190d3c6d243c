# Reading one table: the CSV dialect and missing values from the descriptor, then each column
# converted to the R class of its Table Schema type.

# CSV Dialect defaults (Frictionless CSV Dialect spec), used for every key the resource omits.
.cc_dialect_defaults <- list(
  delimiter = ",", quoteChar = "\"", doubleQuote = TRUE, escapeChar = NULL,
  header = TRUE, lineTerminator = "\r\n", skipInitialSpace = FALSE, commentChar = NULL
)

cc_read <- function(table, version = NULL, root = cc_data_root(), factors = TRUE) {
  if (!isTRUE(factors) && !isFALSE(factors)) stop("factors must be TRUE or FALSE", call. = FALSE)
  release <- .cc_release(version, root)
  res <- .cc_resource(table, release)
  path <- .cc_resource_path(res, release)
  .cc_check_file(path, res)
  fields <- res$schema$fields
  raw <- .cc_read_text(path, res, fields)
  for (i in seq_along(fields)) {
    raw[[i]] <- .cc_convert(raw[[i]], fields[[i]], path)
    if (factors) raw[[i]] <- .cc_as_factor(raw[[i]], fields[[i]], path)
  }
  raw
}

# A column with allowed values (the field's enum constraint) as a factor whose levels are every
# allowed value in the declared order, present or not; a value outside them is an error, never NA.
.cc_as_factor <- function(x, field, path) {
  allowed <- field$constraints$enum
  if (is.null(allowed)) return(x)
  levels <- vapply(allowed, as.character, "")
  bad <- which(!is.na(x) & !(as.character(x) %in% levels))
  if (length(bad) > 0) {
    stop(sprintf("%s: row %d, column '%s': expected one of the allowed values (%s), found '%s'",
                 path, bad[1], field$name, paste(levels, collapse = ", "), as.character(x[bad[1]])), call. = FALSE)
  }
  factor(as.character(x), levels = levels)
}

.cc_resource_path <- function(res, release) {
  if (!is.character(res$path) || length(res$path) != 1) {
    stop(sprintf("%s: resource '%s': expected one local CSV path, found %s",
                 release$path, res$name, paste(format(unlist(res$path)), collapse = ", ")), call. = FALSE)
  }
  path <- file.path(release$dir, res$path)
  if (!file.exists(path)) stop(sprintf("resource '%s': file not found: %s", res$name, path), call. = FALSE)
  path
}

# The file is the one the descriptor records (its bytes and hash): a truncated or changed CSV is an
# error before anything is read, never a shorter table.
.cc_check_file <- function(path, res) {
  size <- file.size(path)
  if (!is.null(res$bytes) && !isTRUE(all.equal(as.numeric(size), as.numeric(res$bytes)))) {
    stop(sprintf("%s: expected %s bytes (the resource's bytes in datapackage.json), found %s: the file is truncated or changed",
                 path, format(res$bytes, scientific = FALSE), format(size, scientific = FALSE)), call. = FALSE)
  }
  if (!is.null(res$hash)) {
    parts <- strsplit(res$hash, ":", fixed = TRUE)[[1]]
    algo <- if (length(parts) == 2) parts[1] else "md5"
    if (!algo %in% c("md5", "sha1", "sha256", "sha512")) {
      stop(sprintf("%s: resource '%s': unsupported hash algorithm '%s'", path, res$name, algo), call. = FALSE)
    }
    found <- digest::digest(path, algo = algo, file = TRUE)
    if (!identical(tolower(found), tolower(parts[length(parts)]))) {
      stop(sprintf("%s: expected %s %s (the resource's hash in datapackage.json), found %s: the file is damaged or changed",
                   path, algo, parts[length(parts)], found), call. = FALSE)
    }
  }
}

# The canonical name of an encoding for readr: "utf-8" (as Frictionless writes it) becomes "UTF-8"
# (readr's iconv path crashes the R session on an invalid byte under the lower-case name).
.cc_encoding <- function(encoding) {
  if (is.null(encoding)) return("UTF-8")
  if (tolower(gsub("[-_]", "", encoding)) == "utf8") "UTF-8" else toupper(encoding)
}

# The resource's dialect with the spec defaults filled in; values readr cannot follow are errors.
.cc_dialect <- function(res, path) {
  given <- res$dialect
  if (is.null(given)) given <- list()
  if (!is.list(given)) stop(sprintf("%s: resource '%s': dialect must be an object", path, res$name), call. = FALSE)
  dialect <- .cc_dialect_defaults
  for (key in names(given)) dialect[key] <- list(given[[key]])
  bad <- function(key, expected) {
    stop(sprintf("%s: dialect %s: expected %s, found '%s'", path, key, expected,
                 paste(format(dialect[[key]]), collapse = ", ")), call. = FALSE)
  }
  is_text <- function(x, chars = NULL) is.character(x) && length(x) == 1 && (is.null(chars) || nchar(x) == chars)
  if (!is_text(dialect$delimiter) || nchar(dialect$delimiter) == 0) bad("delimiter", "a non-empty string")
  if (!is_text(dialect$quoteChar, 1)) bad("quoteChar", "one character")
  if (!is.logical(dialect$doubleQuote) || length(dialect$doubleQuote) != 1) bad("doubleQuote", "true or false")
  if (!is.null(dialect$escapeChar) && !identical(dialect$escapeChar, "\\")) bad("escapeChar", "\"\\\\\" (the only escape readr reads) or none")
  if (!is.logical(dialect$header) || length(dialect$header) != 1) bad("header", "true or false")
  if (!is_text(dialect$lineTerminator) || !dialect$lineTerminator %in% c("\r\n", "\n", "\r")) bad("lineTerminator", "\"\\r\\n\", \"\\n\" or \"\\r\"")
  if (!identical(dialect$skipInitialSpace, FALSE)) bad("skipInitialSpace", "false (the reader keeps spaces)")
  if (!is.null(dialect$commentChar) && !is_text(dialect$commentChar, 1)) bad("commentChar", "one character")
  # doubleQuote and escapeChar exclude each other: an escapeChar without doubleQuote turns it off
  if (!is.null(dialect$escapeChar) && is.null(given$doubleQuote)) dialect$doubleQuote <- FALSE
  dialect
}

# Every column as character, with the schema's missing values as NA, header checked against the fields.
.cc_read_text <- function(path, res, fields) {
  dialect <- .cc_dialect(res, path)
  field_names <- vapply(fields, function(f) f$name, "")
  missing_values <- res$schema$missingValues
  if (is.null(missing_values)) missing_values <- list("")
  encoding <- .cc_encoding(res$encoding)
  # structural problems are reported below as one error, so vroom's generic warning is muffled
  df <- withCallingHandlers(readr::read_delim(
    path, delim = dialect$delimiter, quote = dialect$quoteChar,
    escape_double = dialect$doubleQuote, escape_backslash = !is.null(dialect$escapeChar),
    comment = if (is.null(dialect$commentChar)) "" else dialect$commentChar,
    col_names = if (dialect$header) TRUE else field_names,
    col_types = readr::cols(.default = readr::col_character()),
    na = as.character(unlist(missing_values)), trim_ws = FALSE, skip_empty_rows = FALSE,
    locale = readr::locale(encoding = encoding), name_repair = "minimal",
    lazy = FALSE, progress = FALSE, show_col_types = FALSE
  ), vroom_parse_issue = function(w) invokeRestart("muffleWarning"))
  if (!identical(names(df), field_names)) {
    stop(sprintf("%s: CSV header (%s) does not match the schema fields (%s)",
                 path, paste(names(df), collapse = ", "), paste(field_names, collapse = ", ")), call. = FALSE)
  }
  structural <- readr::problems(df)
  if (nrow(structural) > 0) {
    stop(sprintf("%s: row %d: expected %s, found %s", path, structural$row[1] - dialect$header,
                 structural$expected[1], structural$actual[1]), call. = FALSE)
  }
  attr(df, "spec") <- NULL
  attr(df, "problems") <- NULL
  class(df) <- c("tbl_df", "tbl", "data.frame")
  df
}

# One column from character to the R class of its Table Schema type.
.cc_convert <- function(x, field, path) {
  type <- if (is.null(field$type)) "string" else field$type
  converted <- switch(type,
    string = list(value = .cc_unguard(x), bad = rep(FALSE, length(x)), expected = ""),
    integer = .cc_as_integer(x),
    date = .cc_as_date(x, field, path),
    boolean = .cc_as_logical(x, field),
    stop(sprintf("%s: field '%s': unsupported field type '%s' (supported: string, integer, date, boolean)",
                 path, field$name, type), call. = FALSE)
  )
  bad <- which(converted$bad)
  if (length(bad) > 0) {
    stop(sprintf("%s: row %d, column '%s': expected %s, found '%s' (%d value(s) in this column do not parse as %s)",
                 path, bad[1], field$name, converted$expected, x[bad[1]], length(bad), type), call. = FALSE)
  }
  converted$value
}

.cc_as_integer <- function(x) {
  digits <- grepl("^[+-]?[0-9]+$", x)
  number <- suppressWarnings(as.numeric(ifelse(digits, x, NA)))
  fits <- !is.na(number) & abs(number) <= .Machine$integer.max
  list(value = as.integer(ifelse(fits, number, NA)), bad = !is.na(x) & !fits,
       expected = sprintf("an integer between -%d and %d", .Machine$integer.max, .Machine$integer.max))
}

.cc_as_date <- function(x, field, path) {
  format <- if (is.null(field$format) || identical(field$format, "default")) "%Y-%m-%d" else field$format
  if (identical(format, "any")) {
    stop(sprintf("%s: field '%s': date format 'any' is not supported; give a pattern such as %%Y-%%m-%%d",
                 path, field$name), call. = FALSE)
  }
  value <- suppressWarnings(readr::parse_date(x, format = format, na = character()))
  bad <- !is.na(x) & is.na(value)
  if (format == "%Y-%m-%d") bad <- bad | (!is.na(x) & !grepl("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", x))
  attr(value, "problems") <- NULL
  list(value = value, bad = bad, expected = sprintf("a date formatted %s", format))
}

.cc_as_logical <- function(x, field) {
  true_values <- if (is.null(field$trueValues)) c("true", "True", "TRUE", "1") else unlist(field$trueValues)
  false_values <- if (is.null(field$falseValues)) c("false", "False", "FALSE", "0") else unlist(field$falseValues)
  value <- ifelse(x %in% true_values, TRUE, ifelse(x %in% false_values, FALSE, NA))
  list(value = value, bad = !is.na(x) & is.na(value),
       expected = sprintf("one of %s", paste(c(true_values, false_values), collapse = ", ")))
}
