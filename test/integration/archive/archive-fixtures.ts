/**
 * Archives for the reader and extraction tests, made with the real tools: tar, gzip, gpg,
 * and Python's tarfile for the malicious ones tar refuses to write.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gpg } from '../helpers/gpg.js';

/** `tar -cz -C dir .` (GNU tar, one gzip member). */
export function tarGz(dir: string, out: string, paths: readonly string[] = ['.']): void {
  execFileSync('tar', ['-czf', out, '-C', dir, ...paths]);
}

/** A tar.gz whose gzip stream is two members (what a parallel writer produces). */
export async function tarGzTwoMembers(dir: string, out: string): Promise<void> {
  const tar = execFileSync('tar', ['-cf', '-', '-C', dir, '.'], { maxBuffer: 1 << 30 });
  const cut = Math.floor(tar.length / 3);
  const a = execFileSync('gzip', ['-c'], { input: tar.subarray(0, cut), maxBuffer: 1 << 30 });
  const b = execFileSync('gzip', ['-c'], { input: tar.subarray(cut), maxBuffer: 1 << 30 });
  await writeFile(out, Buffer.concat([a, b]));
}

/** `gpg --symmetric --cipher-algo AES256` of a file, as BTCPay's backup script does. */
export async function gpgSymmetric(home: string, input: string, out: string, passphrase: string, extra: readonly string[] = []): Promise<void> {
  await gpg(home, ['--symmetric', '--cipher-algo', 'AES256', ...extra, '-o', out, input], passphrase);
}

/** `gpg -e` of a file to a recipient whose public key is in `home`. */
export async function gpgEncryptTo(home: string, recipient: string, input: string, out: string): Promise<void> {
  await gpg(home, ['--trust-model', 'always', '-e', '-r', recipient, '-o', out, input]);
}

/** Flips one byte of a file at `offset` (negative: from the end). */
export async function flipByte(path: string, offset: number): Promise<void> {
  const data = await readFile(path);
  const at = offset < 0 ? data.length + offset : offset;
  data[at] = data[at]! ^ 0x5a;
  await writeFile(path, data);
}

/** One member of a tar written by Python's tarfile. */
export interface PyTarMember {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'fifo';
  readonly data?: string;
  readonly linkname?: string;
  readonly mode?: number;
}

/** Writes a .tar.gz with exactly these members, unsafe ones included. */
export function pythonTarGz(out: string, members: readonly PyTarMember[]): void {
  const script = `
import io, json, sys, tarfile
members = json.loads(sys.argv[2])
types = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE,
         'hardlink': tarfile.LNKTYPE, 'chardev': tarfile.CHRTYPE, 'fifo': tarfile.FIFOTYPE}
with tarfile.open(sys.argv[1], 'w:gz', format=tarfile.PAX_FORMAT) as t:
    for m in members:
        info = tarfile.TarInfo(m['name'])
        info.type = types[m['type']]
        info.mode = m.get('mode', 0o755 if m['type'] == 'dir' else 0o644)
        info.mtime = 1700000000
        if 'linkname' in m:
            info.linkname = m['linkname']
        if m['type'] == 'chardev':
            info.devmajor, info.devminor = 1, 3
        data = m.get('data', '').encode()
        if m['type'] == 'file':
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        else:
            t.addfile(info)
`;
  const r = spawnSync('python3', ['-c', script, out, JSON.stringify(members)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 tarfile failed: ${r.stderr}`);
}

/** Names in a folder, for checking that no staging folder was left behind. */
export async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.includes('lifeboat-staging'));
}

/** Every file under `dir` with its content, relative paths sorted: for comparing trees. */
export async function treeContents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    for (const d of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(p);
      else if (d.isFile()) out[p] = (await readFile(join(dir, p))).toString('base64');
      else if (d.isSymbolicLink()) out[p] = '-> symlink';
    }
  }
  await walk('');
  return out;
}
