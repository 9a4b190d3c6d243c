# Checking every foreign key of a release against the rows it references.

cc_check_foreign_keys <- function(version = NULL, root = cc_data_root()) {
  release <- .cc_release(version, root)
  names <- vapply(release$descriptor$resources, function(res) res$name, "")
  tables <- lapply(names, cc_read, version = release$version, root = root)
  names(tables) <- names
  problems <- character(0)
  for (res in release$descriptor$resources) {
    for (fk in res$schema$foreignKeys) {
      problems <- c(problems, .cc_foreign_key_problems(res$name, fk, tables))
    }
  }
  problems
}

# One line per row whose (non-missing) key is absent from the referenced key. reference.resource ""
# means the table itself; a composite key is skipped only when all of its fields are missing.
.cc_foreign_key_problems <- function(name, fk, tables) {
  from <- unlist(fk$fields)
  target <- if (identical(fk$reference$resource, "")) name else fk$reference$resource
  to <- unlist(fk$reference$fields)
  if (is.null(tables[[target]])) {
    stop(sprintf("foreign key %s.(%s): referenced table '%s' is not in the release",
                 name, paste(from, collapse = ", "), target), call. = FALSE)
  }
  df <- tables[[name]]
  present <- rowSums(!is.na(as.data.frame(df)[from])) > 0
  missing <- which(present & !(.cc_key(df, from, name) %in% .cc_key(tables[[target]], to, target)))
  vapply(missing, function(i) {
    sprintf("%s row %d: %s = %s not found in %s.%s", name, i, paste(from, collapse = "+"),
            paste(vapply(from, function(col) as.character(df[[col]][i]), ""), collapse = "+"),
            target, paste(to, collapse = "+"))
  }, "")
}

.cc_key <- function(df, cols, name) {
  parts <- lapply(cols, function(col) {
    if (!col %in% names(df)) stop(sprintf("foreign key: no column '%s' in table '%s'", col, name), call. = FALSE)
    ifelse(is.na(df[[col]]), "\036NA", as.character(df[[col]]))
  })
  do.call(paste, c(parts, sep = "\037"))
}
