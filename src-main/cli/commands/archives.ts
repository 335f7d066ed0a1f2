import { listArchives, openArchive } from '../../archive/index.js';
import { inspectEncryption } from '../../crypto/index.js';
import { parse, SECRET_OPTIONS, secretFlags, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { archiveRow, formatBytes, table } from '../format.js';
import { decryptionFor } from '../secrets.js';
import type { ManifestEntry } from '../../shared/models/manifest.js';
import { basename } from 'node:path';

export const ARCHIVES_USAGE = 'Usage: lifeboat archives [--target NAME] [--json] [--store DIR]';
export const LS_USAGE = 'Usage: lifeboat ls ARCHIVE [--json] [--passphrase-file F | --identity KEY.asc]';

/** `lifeboat archives`: the store's complete archives, newest first. */
export async function archivesCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, { target: { type: 'string' } }, ARCHIVES_USAGE);
  let list = await listArchives(await cli.store());
  if (values.target) list = list.filter((a) => a.target === values.target);
  if (cli.json) cli.term.out(JSON.stringify(list, null, 2) + '\n');
  else if (list.length === 0) cli.term.write(`No archives in ${await cli.store()}.\n`);
  else cli.term.out(table([['ARCHIVE', 'TARGET', 'PLUGIN', 'CREATED', 'SIZE', 'ENCRYPTION', 'VERIFIED'], ...list.map(archiveRow)]));
  return 0;
}

const TYPE_CHAR: Record<ManifestEntry['type'], string> = { file: '-', directory: 'd', symlink: 'l', hardlink: 'h' };

function modeString(e: ManifestEntry): string {
  const bits = 'rwxrwxrwx';
  let s = TYPE_CHAR[e.type];
  for (let i = 0; i < 9; i++) s += e.mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

/** `lifeboat ls`: the archive's entries from its index (no pass over the archive when the index exists). */
export async function lsCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...SECRET_OPTIONS }, LS_USAGE);
  const path = await cli.resolveArchive(requirePositional(positionals, 0, 'the archive', LS_USAGE));
  const decryption = await decryptionFor(await inspectEncryption(path), secretFlags(values), cli.term, basename(path));
  const manifest = await openArchive(path, decryption).readManifest();
  if (cli.json) {
    cli.term.out(JSON.stringify(manifest, null, 2) + '\n');
    return 0;
  }
  const rows = manifest.entries.map((e) => [
    modeString(e),
    `${e.uname || e.uid}/${e.gname || e.gid}`,
    e.type === 'file' ? formatBytes(e.size) : '',
    e.mtime.slice(0, 19).replace('T', ' '),
    e.path + (e.type === 'directory' ? '/' : '') + (e.linkname ? ` -> ${e.linkname}` : ''),
  ]);
  cli.term.out(table(rows));
  cli.term.write(`${manifest.totals.entries} entries, ${manifest.totals.files} files, ${formatBytes(manifest.totals.bytes)}; plugin ${manifest.plugin.id}, target ${manifest.target.name}, made ${manifest.startedAt}\n`);
  return 0;
}
