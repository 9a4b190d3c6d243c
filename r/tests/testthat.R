library(testthat)
library(cartelcampaign)

test_check("cartelcampaign")
