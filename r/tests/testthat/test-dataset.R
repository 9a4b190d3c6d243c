# The repository's own releases (CARTEL_CAMPAIGN_DATA, or the checkout these tests sit in).

test_that("every table of every release reads with its schema's classes, required columns filled", {
  root <- data_root()
  r_class <- c(string = "character", integer = "integer", date = "Date", boolean = "logical")
  expect_true(length(cc_versions(root, drafts = TRUE)) >= 1)
  for (version in cc_versions(root, drafts = TRUE)) {
    for (table in cc_tables(version, root)) {
      df <- cc_read(table, version, root)
      schema <- cc_schema(table, version, root)
      expect_identical(names(df), schema$column)
      expected <- ifelse(is.na(schema$allowed), r_class[schema$type], "factor")
      expect_identical(unname(vapply(df, function(col) class(col)[1], "")), unname(expected),
                       label = paste(version, table))
      for (column in schema$column[schema$required]) {
        expect_false(anyNA(df[[column]]), label = paste(version, table, column, "has NA"))
      }
    }
  }
})

test_that("every release's foreign keys resolve", {
  root <- data_root()
  for (version in cc_versions(root, drafts = TRUE)) {
    expect_identical(cc_check_foreign_keys(version, root), character(0), label = version)
  }
})
