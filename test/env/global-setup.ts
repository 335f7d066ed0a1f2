// Makes sure the real components the integration tests use are installed, before any test
// runs; fails the run loudly when one cannot be had.
import { ensureDebianPackages } from './debian-packages.mjs';

export function setup(): void {
  ensureDebianPackages();
}
