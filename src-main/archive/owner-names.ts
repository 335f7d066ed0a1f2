import { readFileSync } from 'node:fs';

/**
 * User and group names for numeric ids, from /etc/passwd and /etc/group, so archives carry
 * names like `tar` writes them (GNU tar restores by name when the name exists). Read once;
 * missing files (non-Linux, containers without them) simply give no names.
 */
export interface OwnerNames {
  user(uid: number): string | undefined;
  group(gid: number): string | undefined;
}

function parseIdFile(path: string): Map<number, string> {
  const names = new Map<number, string>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    const n = Number(id);
    // The first entry wins, like getpwuid().
    if (name && id !== undefined && id !== '' && Number.isInteger(n) && !names.has(n)) names.set(n, name);
  }
  return names;
}

let cached: OwnerNames | undefined;

export function systemOwnerNames(): OwnerNames {
  if (!cached) {
    const users = parseIdFile('/etc/passwd');
    const groups = parseIdFile('/etc/group');
    cached = { user: (uid) => users.get(uid), group: (gid) => groups.get(gid) };
  }
  return cached;
}
