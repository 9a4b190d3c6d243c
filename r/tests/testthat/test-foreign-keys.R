fk <- function(fields, resource, ref_fields) {
  list(fields = as.list(fields), reference = list(resource = resource, fields = as.list(ref_fields)))
}

test_that("cc_check_foreign_keys reports each unresolved reference, missing keys excepted", {
  parents <- resource("parents", list(field("pid"), field("parent_of")), "pid,parent_of\np1,\np2,p1\np3,p9\n",
                      foreignKeys = list(fk("parent_of", "", "pid")))
  children <- resource("children", list(field("cid"), field("pid"), field("n", "integer")),
                       "cid,pid,n\nc1,p1,1\nc2,,2\nc3,p7,3\n",
                       foreignKeys = list(fk("pid", "parents", "pid")))
  pairs <- resource("pairs", list(field("pid"), field("n", "integer")), "pid,n\np1,1\n,\n,3\np2,1\n",
                    foreignKeys = list(fk(c("pid", "n"), "children", c("pid", "n"))))
  root <- make_root(list(parents, children, pairs))
  expect_identical(cc_check_foreign_keys(root = root), c(
    "parents row 3: parent_of = p9 not found in parents.pid",
    "children row 3: pid = p7 not found in parents.pid",
    "pairs row 3: pid+n = NA+3 not found in children.pid+n",
    "pairs row 4: pid+n = p2+1 not found in children.pid+n"
  ))
})

test_that("a foreign key to a table the release lacks is an error", {
  res <- resource("t", list(field("id")), "id\na\n", foreignKeys = list(fk("id", "gone", "id")))
  expect_error(cc_check_foreign_keys(root = make_root(list(res))), "referenced table 'gone' is not in the release")
})
