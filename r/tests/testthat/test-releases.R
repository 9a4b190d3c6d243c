test_that("cc_versions lists published releases oldest first, by number", {
  root <- make_root(list(resource("t", list(field("id")), "id\na\n")), version = "0.9.0")
  make_root(list(resource("t", list(field("id")), "id\nb\n")), version = "0.10.0", root = root)
  dir.create(file.path(root, "dataset", "1.0.0"))            # no datapackage.json: not published
  dir.create(file.path(root, "dataset", "latest"))
  expect_identical(cc_versions(root), c("0.9.0", "0.10.0"))
  expect_identical(cc_read("t", root = root)$id, "b")       # no version: the newest
  expect_identical(cc_read("t", "0.9.0", root)$id, "a")
})

test_that("a draft release is listed only with drafts = TRUE and read only when named", {
  root <- make_root(list(resource("t", list(field("id")), "id\na\n")), version = "1.0.0")
  make_root(list(resource("t", list(field("id")), "id\nb\n")), version = "1.1.0", root = root)
  path <- file.path(root, "dataset", "1.1.0", "datapackage.json")
  jsonlite::write_json(c(jsonlite::read_json(path), status = "draft"), path, auto_unbox = TRUE, null = "null")
  expect_identical(cc_versions(root), "1.0.0")
  expect_identical(cc_versions(root, drafts = TRUE), c("1.0.0", "1.1.0"))
  expect_identical(cc_read("t", root = root)$id, "a")        # no version: the newest published release
  expect_identical(cc_read("t", "1.1.0", root)$id, "b")      # the draft, named
  expect_error(cc_read("t", "2.0.0", root), "published versions: 1.0.0; draft: 1.1.0", fixed = TRUE)
  unlink(file.path(root, "dataset", "1.0.0"), recursive = TRUE)
  expect_error(cc_read("t", root = root), "no published release", fixed = TRUE)
})

test_that("a root without dataset/ says what root must be and how to find the Python package's", {
  expect_error(cc_versions(tempfile()), "import cartel_campaign; print(cartel_campaign.data_root())", fixed = TRUE)
  empty <- tempfile()
  dir.create(file.path(empty, "dataset"), recursive = TRUE)
  expect_identical(cc_versions(empty), character(0))
  expect_error(cc_tables(root = empty), "no published release")
})

test_that("cc_tables keeps the descriptor's order", {
  root <- make_root(list(resource("b", list(field("id")), "id\n"), resource("a", list(field("id")), "id\n")))
  expect_identical(cc_tables(root = root), c("b", "a"))
})

test_that("cc_schema is the data dictionary: required from constraints and the primary key", {
  fields <- list(field("id", description = "Row id."),
                 field("kind", constraints = list(required = TRUE, enum = list("x", "y")), description = "Kind."),
                 field("n", "integer"))
  root <- one_table_root(fields, "id,kind,n\n", primaryKey = list("id"))
  expect_identical(cc_schema("t", root = root), data.frame(
    column = c("id", "kind", "n"), type = c("string", "string", "integer"), required = c(TRUE, TRUE, FALSE),
    allowed = c(NA, "x | y", NA), description = c("Row id.", "Kind.", NA), stringsAsFactors = FALSE))
})
