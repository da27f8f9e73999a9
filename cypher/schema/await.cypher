// Wait (up to 300 s) until every index is online, so the first query does not scan.
CALL db.awaitIndexes(300)
