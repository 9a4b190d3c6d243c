# The release the package carries: every table a dataset, factors and dates, the article texts.

carried <- function() system.file("extdata", package = "cartelcampaign")

test_that("the package carries one release, its version is the package's", {
  expect_identical(cc_versions(carried()), as.character(utils::packageVersion("cartelcampaign")))
})

test_that("every carried table is a dataset equal to cc_read of the carried release", {
  tables <- cc_tables(root = carried())
  expect_true(length(tables) >= 10)
  expect_setequal(data(package = "cartelcampaign")$results[, "Item"], tables)
  for (name in tables) {
    dataset <- getExportedValue("cartelcampaign", name)
    expect_identical(dataset, cc_read(name, root = carried()), label = name)
    env <- new.env()
    data(list = name, package = "cartelcampaign", envir = env)
    expect_identical(env[[name]], dataset, label = paste("data", name))
  }
})

test_that("columns with allowed values are factors with every allowed level, in declared order", {
  for (name in cc_tables(root = carried())) {
    dataset <- getExportedValue("cartelcampaign", name)
    schema <- cc_schema(name, root = carried())
    for (i in seq_len(nrow(schema))) {
      column <- dataset[[schema$column[i]]]
      if (is.na(schema$allowed[i])) {
        expect_false(is.factor(column), label = paste(name, schema$column[i]))
      } else {
        expect_identical(levels(column), strsplit(schema$allowed[i], " | ", fixed = TRUE)[[1]],
                         label = paste(name, schema$column[i]))
      }
      if (schema$type[i] == "date") expect_s3_class(column, "Date")
    }
  }
  # levels hold allowed values no row uses: a factor counts zero for them
  expect_true(any(table(events$event_type) == 0))
})

test_that("a value outside the allowed ones is an error naming the row and column, not NA", {
  fields <- list(field("id"), field("kind", constraints = list(enum = list("x", "y"))))
  root <- one_table_root(fields, "id,kind\na,y\nb,\nc,z\n")
  expect_error(cc_read("t", root = root), "t.csv: row 3, column 'kind': expected one of the allowed values (x, y), found 'z'",
               fixed = TRUE)
  expect_identical(cc_read("t", root = one_table_root(fields, "id,kind\na,y\nb,\n"))$kind, factor(c("y", NA), levels = c("x", "y")))
  expect_identical(cc_read("t", root = root, factors = FALSE)$kind, c("y", NA, "z"))
})

test_that("cc_article_text gives each article's text, which the evidence offsets index", {
  for (id in as.character(articles$article_id)) {
    text <- cc_article_text(id, root = carried())
    expect_identical(nchar(text), articles$n_chars[articles$article_id == id])
  }
  rows <- evidence[!is.na(evidence$char_start), ]
  expect_true(nrow(rows) > 0)
  texts <- vapply(unique(as.character(rows$article_id)), cc_article_text, "", root = carried())
  found <- substr(texts[as.character(rows$article_id)], rows$char_start + 1, rows$char_end)
  expect_identical(unname(found), rows$text)
})

test_that("cc_article_text refuses an unknown article and a changed file", {
  expect_error(cc_article_text("999_0000000000000000", root = carried()), "unknown article '999_0000000000000000'; articles: ")
  root <- tempfile("ccroot")
  dir.create(root)
  file.copy(file.path(carried(), c("dataset", "seeds")), root, recursive = TRUE)
  id <- as.character(articles$article_id[1])
  path <- file.path(root, "seeds", paste0(id, ".txt"))
  writeBin(c(readBin(path, "raw", file.size(path)), charToRaw(" ")), path)
  expect_error(cc_article_text(id, root = root), "the file is damaged or changed")
  unlink(path)
  expect_error(cc_article_text(id, root = root), "file not found")
})

test_that("cc_data_root is CARTEL_CAMPAIGN_DATA when set, else the carried release", {
  withr_env <- Sys.getenv("CARTEL_CAMPAIGN_DATA", unset = NA)
  on.exit(if (is.na(withr_env)) Sys.unsetenv("CARTEL_CAMPAIGN_DATA") else Sys.setenv(CARTEL_CAMPAIGN_DATA = withr_env))
  Sys.unsetenv("CARTEL_CAMPAIGN_DATA")
  expect_identical(cc_data_root(), carried())
  expect_identical(cc_read("designations"), designations)
  Sys.setenv(CARTEL_CAMPAIGN_DATA = "/elsewhere")
  expect_identical(cc_data_root(), "/elsewhere")
})
