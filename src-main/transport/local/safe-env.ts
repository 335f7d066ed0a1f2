/**
 * Lifeboat's own secrets may sit in its environment (`LIFEBOAT_PASSPHRASE`...); programs it
 * runs for plugins, and plugins themselves, must not inherit them.
 */

/** True for `LIFEBOAT_PASSPHRASE` and any other `LIFEBOAT_*` variable whose name contains PASS, SECRET or KEY. */
export function isLifeboatSecretVar(name: string): boolean {
  const upper = name.toUpperCase();
  return upper.startsWith('LIFEBOAT_') && /PASS|SECRET|KEY/.test(upper.slice('LIFEBOAT_'.length));
}

/** A copy of `env` without Lifeboat's secrets. */
export function withoutLifeboatSecrets(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isLifeboatSecretVar(name)) out[name] = value;
  }
  return out;
}
