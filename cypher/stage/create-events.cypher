// Events created under a staging tenant: it is empty and a sync's event ids are distinct, so a
// CREATE does what events/append.cypher's MERGE would (ids the tenant already has are dropped at
// the switch, stage/switch-events.cypher).
UNWIND $rows AS row
CREATE (e:Event)
SET e = row.props
