import { formatBytes } from '../shared/format-bytes.js';
import type { ArchiveInfo, EncryptionInfo } from '../shared/models/archive.js';
import type { ProgressSnapshot } from '../shared/models/progress.js';

export { formatBytes };

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

export function formatEncryption(e: EncryptionInfo): string {
  switch (e.kind) {
    case 'none':
      return 'none';
    case 'passphrase':
      return 'passphrase';
    case 'keys':
      return 'keys ' + e.recipients.map((r) => r.userIds?.[0] ?? r.keyId).join(', ');
  }
}

/** `12:04 UTC` style short time from ISO. */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

/** A table with left-aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export function archiveRow(a: ArchiveInfo): string[] {
  const v = a.lastVerification;
  return [
    a.fileName,
    a.target,
    a.plugin ?? '-',
    formatTime(a.createdAt),
    formatBytes(a.size),
    formatEncryption(a.encryption),
    v ? `${v.ok ? 'ok' : 'FAILED'} ${formatTime(v.at)}` : 'never',
  ];
}

/** One line of progress: `[####----] 42%  1.2 GiB/2.9 GiB  30 MiB/s  ETA 1m02s  phase  item`. */
export function progressLine(p: ProgressSnapshot, width: number, bar: boolean): string {
  const parts: string[] = [];
  if (p.percent !== undefined) {
    if (bar) {
      const n = 20;
      const filled = Math.round((p.percent / 100) * n);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(n - filled)}]`);
    }
    parts.push(`${p.percent.toFixed(0).padStart(3)}%`);
  }
  parts.push(p.bytesTotal ? `${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}` : formatBytes(p.bytesDone));
  if (p.rate !== undefined) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  parts.push(p.phase);
  let line = parts.join('  ');
  if (p.currentItem) line += `  ${p.currentItem}`;
  return line.length > width - 1 ? line.slice(0, width - 2) + '…' : line;
}
