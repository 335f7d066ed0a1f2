import { describe, expect, it } from 'vitest';
import { countOf, formatAge } from '../../../src-renderer/src/lib/format.js';

describe('counts and ages as the window writes them', () => {
  it('says 1 file, 2 files, 1 entry, 3 entries, 1 match, 2 matches', () => {
    expect([countOf(1, 'file'), countOf(2, 'file'), countOf(0, 'file')]).toEqual(['1 file', '2 files', '0 files']);
    expect([countOf(1, 'entry', 'entries'), countOf(3, 'entry', 'entries')]).toEqual(['1 entry', '3 entries']);
    expect([countOf(1, 'match', 'matches'), countOf(2, 'match', 'matches')]).toEqual(['1 match', '2 matches']);
  });

  it('says 1 day ago, not 1 days ago', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(formatAge('2026-11-22T11:59:30Z', now)).toBe('just now');
    expect(formatAge('2026-11-22T11:59:00Z', now)).toBe('1 minute ago');
    expect(formatAge('2026-11-20T11:00:00Z', now)).toBe('2 days ago');
    expect(formatAge('2026-11-22T10:00:00Z', now)).toBe('2 hours ago');
  });
});
