import { describe, expect, it } from 'vitest';
import { addHashLines } from '../../../src/storage/neo4j/hash-lines.ts';

describe('addHashLines', () => {
  it('splits each line at its first space: the hash before, the whole id after', () => {
    const into = new Map<string, string>();
    addHashLines(into, 'h1 plain\nh2 with  spaces \nh3  leading\n', []);
    expect([...into]).toEqual([
      ['plain', 'h1'],
      ['with  spaces ', 'h2'],
      [' leading', 'h3'],
    ]);
  });

  it('takes rows whose id holds a newline from odd, whole', () => {
    const into = new Map<string, string>([['kept', 'h0']]);
    addHashLines(into, '', ['h4 two\nlines', 'h5 trailing\n']);
    expect(into).toEqual(
      new Map([
        ['kept', 'h0'],
        ['two\nlines', 'h4'],
        ['trailing\n', 'h5'],
      ]),
    );
  });

  it('adds nothing for an empty answer', () => {
    const into = new Map<string, string>();
    addHashLines(into, '', []);
    expect(into.size).toBe(0);
  });
});
