import type { GraphEvent } from '../model/index.ts';

// One order for events in every adapter: by timestamp, then sync, then position within the sync.
// Cursors name the last event seen in that order, so pages never skip or repeat under appends.

export type EventPosition = [timestamp: string, syncId: string, sequence: number];

export const positionOf = (e: GraphEvent): EventPosition => [e.timestamp, e.syncId, e.sequence];

export function comparePositions(a: EventPosition, b: EventPosition): number {
  if (a[0] !== b[0]) return Date.parse(a[0]) - Date.parse(b[0]) || (a[0] < b[0] ? -1 : 1);
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] - b[2];
}

export function encodeEventCursor(position: EventPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeEventCursor(cursor: string): EventPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      Number.isInteger(value[2])
    ) {
      return value as EventPosition;
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError(cursor);
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(cursor: string) {
    super(`invalid event cursor: ${cursor.slice(0, 40)}`);
  }
}
