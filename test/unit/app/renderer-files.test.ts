// What the app:// protocol may serve: files of the built renderer, nothing outside it.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveRendererFile } from '../../../src-main/app/renderer-files.js';

const root = resolve('/opt/lifeboat/out/renderer');

describe('resolveRendererFile', () => {
  it('maps app://lifeboat/ URLs to files of the renderer', () => {
    expect(resolveRendererFile('app://lifeboat/', root)).toBe(join(root, 'index.html'));
    expect(resolveRendererFile('app://lifeboat/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveRendererFile('app://lifeboat/assets/index-abc.js?v=1#x', root)).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveRendererFile('app://lifeboat/assets/a%20b.css', root)).toBe(join(root, 'assets', 'a b.css'));
  });

  it('keeps parent segments inside the renderer, as the URL parser resolves them first', () => {
    expect(resolveRendererFile('app://lifeboat/../../etc/passwd', root)).toBe(join(root, 'etc', 'passwd'));
    expect(resolveRendererFile('app://lifeboat/%2e%2e/%2e%2e/etc/passwd', root)).toBe(join(root, 'etc', 'passwd'));
  });

  it.each([
    ['an encoded slash and parent', 'app://lifeboat/assets%2f..%2f..%2f..%2fsecret'],
    ['an encoded backslash and parent', 'app://lifeboat/..%5c..%5csecret'],
    ['a NUL byte', 'app://lifeboat/index.html%00.png'],
    ['malformed escapes', 'app://lifeboat/%E0%A4%A'],
    ['another host', 'app://elsewhere/index.html'],
    ['another scheme', 'file:///opt/lifeboat/out/renderer/index.html'],
  ])('serves nothing for %s', (_what, url) => {
    expect(resolveRendererFile(url, root)).toBeNull();
  });

  it('gives module scripts a JavaScript type, which Chromium requires', () => {
    expect(contentTypeFor('/x/assets/index.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('/x/index.html')).toMatch(/^text\/html/);
    expect(contentTypeFor('/x/assets/index.CSS')).toMatch(/^text\/css/);
    expect(contentTypeFor('/x/unknown.bin')).toBe('application/octet-stream');
  });
});
