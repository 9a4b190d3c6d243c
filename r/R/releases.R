# Finding the published releases under a data root and their datapackage.json descriptors.

.cc_version_pattern <- "^[0-9]+\\.[0-9]+\\.[0-9]+$"

.cc_root_help <- paste0(
  "root must be the folder holding dataset/<version>/: cc_data_root() (the release this package ",
  "carries, unless CARTEL_CAMPAIGN_DATA is set), a checkout of cartel-campaign-data, or the Python ",
  "package's data folder, printed by ",
  "python -c \"import cartel_campaign; print(cartel_campaign.data_root())\""
)

# The published releases, oldest first; a draft (a release being prepared in a checkout: its datapackage.json
# says "status": "draft") only with drafts = TRUE, as cartel_campaign.versions() in Python.
cc_versions <- function(root = cc_data_root(), drafts = FALSE) {
  base <- file.path(root, "dataset")
  if (!dir.exists(base)) {
    stop(sprintf("no dataset/ folder in '%s'; %s", root, .cc_root_help), call. = FALSE)
  }
  names <- list.files(base)
  found <- names[grepl(.cc_version_pattern, names) & file.exists(file.path(base, names, "datapackage.json"))]
  if (!drafts) found <- found[!vapply(file.path(base, found, "datapackage.json"), .cc_is_draft, TRUE)]
  found[order(numeric_version(found))]
}

.cc_is_draft <- function(path) {
  status <- tryCatch(jsonlite::read_json(path)$status, error = function(e) NULL)  # unreadable: reading it says why
  identical(status, "draft")
}

cc_tables <- function(version = NULL, root = cc_data_root()) {
  release <- .cc_release(version, root)
  vapply(release$descriptor$resources, function(res) res$name, "")
}

# The release's folder and its own datapackage.json (resource paths relative to that folder).
# version NULL means the newest published release; a draft is read only when named.
.cc_release <- function(version, root) {
  published <- cc_versions(root)
  known <- cc_versions(root, drafts = TRUE)
  said <- paste0(paste(published, collapse = ", "), paste0("; draft: ", setdiff(known, published), collapse = ""))
  if (is.null(version) && length(published) == 0) {
    stop(sprintf("no published release in '%s' (no dataset/<version>/datapackage.json without \"status\": \"draft\")%s; %s",
                 file.path(root, "dataset"), paste0("; draft: ", setdiff(known, published), collapse = ""), .cc_root_help), call. = FALSE)
  }
  if (is.null(version)) version <- published[length(published)]
  if (!is.character(version) || length(version) != 1 || !version %in% known) {
    stop(sprintf("unknown dataset version '%s'; published versions: %s",
                 paste(format(version), collapse = ", "), said), call. = FALSE)
  }
  dir <- file.path(root, "dataset", version)
  path <- file.path(dir, "datapackage.json")
  descriptor <- tryCatch(
    jsonlite::read_json(path, simplifyVector = FALSE),
    error = function(e) stop(sprintf("%s: not valid JSON: %s", path, conditionMessage(e)), call. = FALSE)
  )
  if (!is.list(descriptor$resources) || length(descriptor$resources) == 0) {
    stop(sprintf("%s: expected a non-empty \"resources\" list, found none", path), call. = FALSE)
  }
  list(version = version, dir = dir, path = path, descriptor = descriptor)
}

.cc_resource <- function(table, release) {
  names <- vapply(release$descriptor$resources, function(res) res$name, "")
  if (!is.character(table) || length(table) != 1 || !table %in% names) {
    stop(sprintf("unknown table '%s' in release %s; tables: %s",
                 paste(format(table), collapse = ", "), release$version, paste(names, collapse = ", ")), call. = FALSE)
  }
  release$descriptor$resources[[match(table, names)]]
}
