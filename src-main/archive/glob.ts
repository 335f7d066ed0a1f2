/** Tells whether a relative POSIX path is left out of a backup. */
export type PathFilter = (relativePath: string) => boolean;

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/**
 * One exclude pattern as a regular expression over a whole relative path: `*` and `?`
 * stay inside one path segment, `**` spans any number of segments (`** /x` without the
 * space matches `x` at any depth, `x/**` everything under `x`). A leading `/` or `./`
 * and a trailing `/` are ignored, since every pattern is relative to the folder anyway.
 */
export function globToRegExp(pattern: string): RegExp {
  const glob = pattern.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  let source = '';
  for (let i = 0; i < glob.length; ) {
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 3;
    } else if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      source += '(?:/.*)?';
      i += 3;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 2;
    } else if (glob[i] === '*') {
      source += '[^/]*';
      i += 1;
    } else if (glob[i] === '?') {
      source += '[^/]';
      i += 1;
    } else {
      source += escapeRegExp(glob[i]!);
      i += 1;
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * A filter that matches a path when any pattern matches it. Callers that walk a tree stop
 * at a matched folder; callers that see flat lists use {@link matchesOrIsInside}.
 */
export function compileExcludes(patterns: readonly string[] | undefined): PathFilter {
  const regexps = (patterns ?? []).filter((p) => p.trim() !== '').map(globToRegExp);
  if (regexps.length === 0) return () => false;
  return (relativePath) => regexps.some((re) => re.test(relativePath));
}

/** True when `relativePath` or one of its parent folders matches `filter`. */
export function matchesOrIsInside(filter: PathFilter, relativePath: string): boolean {
  const parts = relativePath.split('/');
  for (let n = 1; n <= parts.length; n++) {
    if (filter(parts.slice(0, n).join('/'))) return true;
  }
  return false;
}
