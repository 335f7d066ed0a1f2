import { isAbsolute, relative, sep } from 'node:path';

/**
 * Follows a symlink's target through the other symlinks an archive creates, the way the
 * kernel would, and says whether it stays inside the destination. A lexical check is not
 * enough: `a/b/s -> ..` and `a/b/t -> s/../..` each look inside, yet `t` leads out.
 *
 * @param linkDir components of the folder holding the link, relative to the destination
 * @param target the link's target as stored in the archive
 * @param links every symlink the extraction creates: relative path -> target
 * @param destination absolute final destination, to place absolute targets
 */
export function symlinkStaysInside(
  linkDir: readonly string[],
  target: string,
  links: ReadonlyMap<string, string>,
  destination: string,
): boolean {
  return resolveTarget(linkDir, target, links, destination, 0) !== undefined;
}

const MAX_HOPS = 40; // as Linux's ELOOP limit

function resolveTarget(
  from: readonly string[],
  target: string,
  links: ReadonlyMap<string, string>,
  destination: string,
  hops: number,
): string[] | undefined {
  if (hops > MAX_HOPS) return undefined;
  let stack: string[];
  let rest: string;
  if (isAbsolute(target)) {
    const rel = relative(destination, target);
    if (rel === '') return [];
    if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
    stack = [];
    rest = rel.split(sep).join('/');
  } else {
    stack = [...from];
    rest = target;
  }
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return undefined;
      stack.pop();
      continue;
    }
    stack.push(part);
    const next = links.get(stack.join('/'));
    if (next !== undefined) {
      const resolved = resolveTarget(stack.slice(0, -1), next, links, destination, hops + 1);
      if (!resolved) return undefined;
      stack = resolved;
    }
  }
  return stack;
}
