# The data dictionary of one table, from its Table Schema.

cc_schema <- function(table, version = NULL, root = cc_data_root()) {
  release <- .cc_release(version, root)
  schema <- .cc_resource(table, release)$schema
  primary_key <- unlist(schema$primaryKey)
  text_or_na <- function(x) if (is.null(x)) NA_character_ else x
  fields <- schema$fields
  data.frame(
    column = vapply(fields, function(f) f$name, ""),
    type = vapply(fields, function(f) if (is.null(f$type)) "string" else f$type, ""),
    # Table Schema: the fields of the primary key are required too
    required = vapply(fields, function(f) isTRUE(f$constraints$required) || f$name %in% primary_key, TRUE),
    allowed = vapply(fields, function(f) {
      allowed <- unlist(f$constraints$enum)
      if (is.null(allowed)) NA_character_ else paste(allowed, collapse = " | ")
    }, ""),
    description = vapply(fields, function(f) text_or_na(f$description), ""),
    stringsAsFactors = FALSE
  )
}
