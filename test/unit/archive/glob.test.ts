import { describe, expect, it } from 'vitest';
import { compileExcludes, matchesOrIsInside } from '../../../src-main/archive/glob.js';

describe('exclude globs', () => {
  it('matches plain paths exactly, relative to the folder', () => {
    const ex = compileExcludes(['local', './tmp/', '/abs']);
    expect(ex('local')).toBe(true);
    expect(ex('tmp')).toBe(true);
    expect(ex('abs')).toBe(true);
    expect(ex('app/local')).toBe(false);
    expect(ex('localx')).toBe(false);
  });

  it('keeps * and ? inside one segment', () => {
    const ex = compileExcludes(['logs/*', '*.tmp', 'v?']);
    expect(ex('logs/a.log')).toBe(true);
    expect(ex('logs/old/b.log')).toBe(false);
    expect(ex('x.tmp')).toBe(true);
    expect(ex('dir/x.tmp')).toBe(false);
    expect(ex('v1')).toBe(true);
    expect(ex('v10')).toBe(false);
  });

  it('lets ** span folders', () => {
    const ex = compileExcludes(['**/cache', 'build/**', 'a/**/z']);
    expect(ex('cache')).toBe(true);
    expect(ex('x/y/cache')).toBe(true);
    expect(ex('cachex')).toBe(false);
    expect(ex('build')).toBe(true);
    expect(ex('build/out/bin')).toBe(true);
    expect(ex('a/z')).toBe(true);
    expect(ex('a/b/c/z')).toBe(true);
  });

  it('treats regular-expression characters literally', () => {
    const ex = compileExcludes(['file(1).txt', 'a+b']);
    expect(ex('file(1).txt')).toBe(true);
    expect(ex('file1.txt')).toBe(false);
    expect(ex('a+b')).toBe(true);
    expect(ex('aab')).toBe(false);
  });

  it('excludes what lies inside an excluded folder when paths come flat', () => {
    const ex = compileExcludes(['db/skip']);
    expect(matchesOrIsInside(ex, 'db/skip/x/y')).toBe(true);
    expect(matchesOrIsInside(ex, 'db/skipped')).toBe(false);
    expect(compileExcludes(undefined)('anything')).toBe(false);
  });
});
