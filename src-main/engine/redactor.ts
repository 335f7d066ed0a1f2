/**
 * Secrets never reach a log line or an error shown to the operator: every line passes a
 * redactor that replaces known secret values with `***`.
 */
const globalSecrets = new Set<string>();

export const REDACTED = '***';

/**
 * Secrets shorter than this are redacted only where they stand as a word of their own: a
 * passphrase "p" must not turn "Backing up" into "Backing u***" (garbling every line and
 * showing where the passphrase's letters are). Longer ones are redacted wherever they occur:
 * `mysql -phunter2` must not show a 7-character password because a letter touches it.
 */
export const SHORT_SECRET_LENGTH = 4;

/** Letters, digits, combining marks and `_`: what a longer word is made of. */
const WORD_CHAR = String.raw`[\p{L}\p{N}\p{M}_]`;
const isWordChar = (char: string | undefined): boolean => char !== undefined && new RegExp(`^${WORD_CHAR}$`, 'u').test(char);

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
 *
 * A short secret is replaced where it is not part of a longer word: next to spaces,
 * punctuation, quotes, `=`, `:`, `@` or the ends of the text (`password=p`, `"p"`, `user:p@host`),
 * but not inside "up". An edge of the secret that is itself punctuation needs nothing around it,
 * so `(p!)` and `"p!"` are still redacted.
 */
export function createRedactor(secrets: readonly string[] = []): (text: string) => string {
  const own = secrets.filter((s) => s !== '');
  let compiledFor: string | undefined;
  let pattern: RegExp | undefined;
  return (text) => {
    // Longest first, so a secret containing another one is replaced whole.
    const all = [...new Set([...own, ...globalSecrets])].sort((a, b) => b.length - a.length);
    if (all.length === 0) return text;
    const key = all.join('\0');
    if (key !== compiledFor || !pattern) {
      pattern = new RegExp(all.map(secretPattern).join('|'), 'gu');
      compiledFor = key;
    }
    // One pass over the text: a replacement's stars never decide where a shorter secret stands.
    return text.replace(pattern, REDACTED);
  };
}

function secretPattern(secret: string): string {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const chars = Array.from(secret);
  if (chars.length >= SHORT_SECRET_LENGTH) return escaped;
  const before = isWordChar(chars[0]) ? `(?<!${WORD_CHAR})` : '';
  const after = isWordChar(chars[chars.length - 1]) ? `(?!${WORD_CHAR})` : '';
  return `${before}${escaped}${after}`;
}
