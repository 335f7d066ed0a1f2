/** Installs the Debian packages the tests need (as root), or throws naming what is missing. */
export function ensureDebianPackages(required?: Record<string, string>): string[];
export const REQUIRED: Record<string, string>;
