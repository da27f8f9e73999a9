/**
 * Remembers recently applied event ids so a redelivered message (at-least-once delivery) has no
 * second effect. Bounded: the oldest ids are forgotten first. Consumers that need dedupe across
 * restarts pass their own store (e.g. a unique key in their database).
 */
export interface SeenStore {
  has(id: string): boolean | Promise<boolean>;
  add(id: string): void | Promise<void>;
}

export class RecentIds implements SeenStore {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 100_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
}
