// `node scripts/build.mjs` produces what `electron .` loads: a renderer page that runs under
// our CSP, and a preload that a sandboxed renderer can load (it may require only electron).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/app/renderer-files.js';

const repo = resolve(import.meta.dirname, '../../..');
const out = join(repo, 'out');

describe('node scripts/build.mjs', () => {
  beforeAll(() => {
    const run = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`build failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
  });

  it('writes the renderer page to out/renderer/index.html', () => {
    expect(existsSync(join(out, 'renderer', 'index.html'))).toBe(true);
  });

  it('gives the page only external scripts and styles that exist, by relative URL', () => {
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      // An inline script would be blocked by script-src 'self' and the window would stay blank.
      expect(body?.trim()).toBe('');
      expect(attrs).toMatch(/\bsrc="\.\//);
    }
    const refs = [...html.matchAll(/\b(?:src|href)="(\.\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.some((r) => r.endsWith('.css'))).toBe(true);
    for (const ref of refs) expect(existsSync(join(out, 'renderer', ref)), ref).toBe(true);
  });

  it('carries the same CSP in the page as the app:// protocol sends', () => {
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it('builds a CommonJS preload that requires nothing but electron', () => {
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    const required = new Set([...preload.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld("lifeboat"');
  });

  it('builds the main process entry that package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { main: string };
    expect(existsSync(join(repo, pkg.main))).toBe(true);
  });
});
