// An event row's entity and target keys (schema 8): 32-bit hashes of the entity ids, which the
// entity indexes (events_entity, events_target) hold instead of the ids. An index entry is then
// ~12 bytes, not ~50: a sync's events land all over these indexes, so a small sync into a large
// file rewrites most of their pages, and fewer pages is less to write.
//
// A key only narrows the lookup: queries compare the id as well, so ids sharing a key (~100 pairs
// among a million ids) cost a row read, never a wrong answer. One 32-bit lane, not a 63-bit
// fingerprint: a first sync computes ~7M of them (every event's entity, every edge event's target),
// and the second lane was ~1.5 s of it.

/** FNV-1a over the id's UTF-16 code units, finished with murmur's mix: an unsigned 32-bit integer. */
export function entityKey(id: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
