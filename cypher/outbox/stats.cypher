// Both counts come from the count store (no scan).
CALL { MATCH (m:Outbox) RETURN count(m) AS total }
CALL { MATCH (p:PendingOutbox) RETURN count(p) AS pending }
RETURN pending, total - pending AS sent
