/** Quoting for the sh scripts Lifeboat runs on the BTCPay host. */

/** One word for sh, whatever it holds (quotes, spaces, newlines, `$`). */
export function q(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
