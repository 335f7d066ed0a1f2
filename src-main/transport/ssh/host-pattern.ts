/**
 * OpenSSH's host patterns, shared by ssh_config `Host` lines and known_hosts entries:
 * `*` and `?` wildcards, comma or space separated lists, and `!` negations that veto a match.
 */

/** True when `text` matches one wildcard pattern (`*` any run, `?` one character), case-insensitively. */
export function matchPattern(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  // Iterative glob with backtracking to the last `*`: linear enough for host names.
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * True when `text` matches at least one positive pattern of the list and no negated one,
 * as OpenSSH decides it (a `!pattern` match rejects the whole list).
 */
export function matchPatternList(patterns: readonly string[], text: string): boolean {
  let matched = false;
  for (const raw of patterns) {
    if (raw === '') continue;
    if (raw.startsWith('!')) {
      if (matchPattern(raw.slice(1), text)) return false;
    } else if (matchPattern(raw, text)) {
      matched = true;
    }
  }
  return matched;
}
