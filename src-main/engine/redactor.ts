/**
 * Secrets never reach a log line or an error shown to the operator: every line passes a
 * redactor that replaces known secret values with `***`.
 */
const globalSecrets = new Set<string>();

export const REDACTED = '***';

/**
 * Redact `value` from every job's log from now on (e.g. the archive passphrase once it is
 * known). Returns a function that forgets it again.
 */
export function registerSecret(value: string): () => void {
  if (value === '') return () => {};
  globalSecrets.add(value);
  return () => {
    globalSecrets.delete(value);
  };
}

/**
 * A function replacing the given secrets, and the globally registered ones (read at each
 * call, so secrets registered after the job started are still covered), with `***`.
 */
export function createRedactor(secrets: readonly string[] = []): (text: string) => string {
  const own = secrets.filter((s) => s !== '');
  return (text) => {
    const all = [...own, ...globalSecrets];
    if (all.length === 0) return text;
    // Longest first, so a secret containing another one is replaced whole.
    all.sort((a, b) => b.length - a.length);
    let out = text;
    for (const secret of all) out = out.split(secret).join(REDACTED);
    return out;
  };
}
