types_fields <- list(field("id"), field("n", "integer"), field("day", "date"), field("flag", "boolean"))

test_that("cc_read gives each Table Schema type its R class and empty cells as NA", {
  root <- one_table_root(types_fields, paste0(
    "id,n,day,flag\r\n",
    "a,1,2025-11-24,true\r\n",
    "\"say \"\"hi\"\", then go\",-20,,false\r\n",
    ",,,\r\n",
    "\"\",+3,2024-02-29,\r\n"))
  df <- cc_read("t", root = root)
  expect_s3_class(df, "tbl_df")
  expect_identical(df$id, c("a", "say \"hi\", then go", NA, NA))
  expect_identical(df$n, c(1L, -20L, NA, 3L))
  expect_identical(df$day, as.Date(c("2025-11-24", NA, NA, "2024-02-29")))
  expect_identical(df$flag, c(TRUE, FALSE, NA, NA))
})

test_that("cc_read follows the resource's dialect instead of assuming commas and a header", {
  dialect <- list(delimiter = ";", quoteChar = "'", header = FALSE, lineTerminator = "\n")
  root <- one_table_root(types_fields, "x;1;2025-01-02;1\n'y;z';2;;0\n", dialect = dialect)
  df <- cc_read("t", root = root)
  expect_identical(df$id, c("x", "y;z"))
  expect_identical(df$n, c(1L, 2L))
  expect_identical(df$day, as.Date(c("2025-01-02", NA)))
  expect_identical(df$flag, c(TRUE, FALSE))
})

test_that("cc_read reads a backslash escapeChar and a lone carriage-return terminator", {
  root <- one_table_root(list(field("id"), field("note")), "id,note\r\"a\",\"say \\\"hi\\\"\"\r",
                         dialect = list(escapeChar = "\\", lineTerminator = "\r"))
  expect_identical(cc_read("t", root = root)$note, "say \"hi\"")
})

test_that("cc_read takes missingValues, date formats and trueValues/falseValues from the schema", {
  fields <- list(field("id"), field("day", "date", format = "%d/%m/%Y"),
                 field("flag", "boolean", trueValues = list("yes"), falseValues = list("no")))
  root <- one_table_root(fields, "id,day,flag\n,24/11/2025,yes\nn/a,n/a,no\n", missingValues = list("n/a"))
  df <- cc_read("t", root = root)
  expect_identical(df$id, c("", NA))
  expect_identical(df$day, as.Date(c("2025-11-24", NA)))
  expect_identical(df$flag, c(TRUE, FALSE))
})

test_that("a value that does not parse names the file, row, column and value", {
  bad_values <- list(
    list(type = "integer", value = "1.5", expected = "expected an integer"),
    list(type = "integer", value = "99999999999", expected = "expected an integer"),
    list(type = "date", value = "2025-1-02", expected = "expected a date formatted %Y-%m-%d"),
    list(type = "date", value = "2025-02-30", expected = "expected a date formatted %Y-%m-%d"),
    list(type = "boolean", value = "yes", expected = "expected one of true, True, TRUE, 1, false")
  )
  for (case in bad_values) {
    root <- one_table_root(list(field("id"), field("v", case$type)), sprintf("id,v\na,\nb,%s\n", case$value))
    expect_error(cc_read("t", root = root),
                 sprintf("t.csv: row 2, column 'v': %s", case$expected), fixed = TRUE)
    expect_error(cc_read("t", root = root), sprintf("found '%s'", case$value), fixed = TRUE)
  }
})

test_that("a header that differs from the schema fields is an error naming both", {
  root <- one_table_root(list(field("id"), field("n", "integer")), "id,count\na,1\n")
  expect_error(cc_read("t", root = root), "CSV header (id, count) does not match the schema fields (id, n)", fixed = TRUE)
})

test_that("a row with too many cells is an error naming the row", {
  root <- one_table_root(list(field("id"), field("n", "integer")), "id,n\na,1\nb,2,3\n")
  expect_error(cc_read("t", root = root), "t.csv: row 2: expected 2 columns, found 3 columns", fixed = TRUE)
})

test_that("dialect values the reader cannot follow are errors, not guesses", {
  fields <- list(field("id"))
  expect_error(cc_read("t", root = one_table_root(fields, "id\na\n", dialect = list(skipInitialSpace = TRUE))),
               "dialect skipInitialSpace: expected false")
  expect_error(cc_read("t", root = one_table_root(fields, "id\na\n", dialect = list(lineTerminator = "|"))),
               "dialect lineTerminator: expected")
  expect_error(cc_read("t", root = one_table_root(fields, "id\na\n", dialect = list(quoteChar = "''"))),
               "dialect quoteChar: expected one character, found ''''")
  expect_error(cc_read("t", root = one_table_root(list(field("x", "number")), "x\n1.5\n")),
               "unsupported field type 'number'")
})

test_that("unknown tables and versions list what exists", {
  root <- one_table_root(list(field("id")), "id\na\n")
  expect_error(cc_read("nope", root = root), "unknown table 'nope' in release 9.9.9; tables: t", fixed = TRUE)
  expect_error(cc_read("t", version = "1.0.0", root = root),
               "unknown dataset version '1.0.0'; published versions: 9.9.9", fixed = TRUE)
  unlink(file.path(root, "dataset", "9.9.9", "t.csv"))
  expect_error(cc_read("t", root = root), "resource 't': file not found:")
})
