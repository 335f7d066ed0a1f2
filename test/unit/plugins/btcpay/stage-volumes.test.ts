// The copy of the volumes made while BTCPay is stopped, run for real: the helper's script goes
// to the local sh, with the helper's /volumes mount pointed at a temp folder, and with GNU tar
// and with busybox tar (the helper image may have either). What the archive will hold must be
// every file of the volume, dotfiles and awkward names included, with owners, modes and times,
// except the excluded paths (so chain data and channel state are never even read).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { excludeSet, literalExcludesOf } from '../../../../plugins/btcpay/src/excludes.js';
import { checkStagingSpace, copyToStaging, copyVolume, requireSpace } from '../../../../plugins/btcpay/src/stage-volumes.js';
import { VOLUMES, type Workbench } from '../../../../plugins/btcpay/src/workbench.js';
import { isAppError } from '../../../../src-main/shared/app-error.js';
import { asObject, build, dir, file, link, snapshot, type Node, type Spec, type Tree } from './tree-fixture.js';

/** Every path under `dir`, with (files and folders) mtime in seconds: the copy must keep them. */
const snapshotWithTimes = (dir: string): Record<string, Node> => asObject(snapshot(dir, { mtimes: true }));

const without = (snap: Record<string, Node>, tops: readonly string[]): Record<string, Node> =>
  Object.fromEntries(Object.entries(snap).filter(([p]) => !tops.some((t) => p === t || p.startsWith(`${t}/`))));

// Every group is its owner's uid + 1, so a copy that mixes up owner and group shows.
const d = (mode: number, uid: number): Spec => dir(mode, uid, uid + 1);
const f = (mode: number, uid: number, text?: string): Spec => file(text, mode, uid, uid + 1);
const l = (to: string, uid: number): Spec => link(to, uid, uid + 1);

/** The sources' times: a day in the past, so a copy that does not keep them shows. */
const OLD = new Date('2024-03-01T12:00:00Z');

const LND = 'gen_lnd_bitcoin_datadir';
const BTCPAY = 'gen_btcpay_datadir';
const DASH = 'gen_dash_datadir';
const NBX = 'gen_nbxplorer_datadir';
const BITCOIN = 'gen_bitcoin_datadir';
const STAGING = 'lifeboat-staging-job1';
const AWKWARD = "a b 'c' \"d\"\n$(touch pwned) *";

const TREES: Record<string, Tree> = {
  [LND]: [
    ['_data', d(0o700, 1001)],
    ['_data/.lnd.conf', f(0o600, 1001)],
    ['_data/tls.cert', f(0o644, 1001)],
    [`_data/${AWKWARD}`, f(0o640, 1002)],
    ['_data/data', d(0o750, 1001)],
    ['_data/data/.hidden', f(0o600, 1001)],
    ['_data/data/..two dots', f(0o600, 1001)],
    ['_data/data/-starts with a dash', f(0o600, 1001)],
    [`_data/data/${AWKWARD}`, d(0o1777, 1003)],
    [`_data/data/${AWKWARD}/inside`, f(0o4755, 0)],
    ['_data/data/graphx/not the graph', f(0o600, 1001)],
    ['_data/data/graph', d(0o700, 1001)],
    ['_data/data/graph/mainnet/channel.db', f(0o600, 1001, 'CHANNEL STATE')],
    ['_data/data/chain/bitcoin/mainnet/wallet.db', f(0o600, 1001)],
    ['_data/data/chain/bitcoin/mainnet/channel.backup', f(0o600, 1001)],
    ['_data/data/to-graph', l('graph', 1001)],
    ['_data/data/dangling', l('/nowhere', 1004)],
    ['_data/data/empty', d(0o700, 1001)],
  ],
  [BTCPAY]: [
    ['_data', d(0o755, 0)],
    ['_data/Main/settings.config', f(0o600, 0)],
    ['_data/host_id_rsa', f(0o600, 0)],
    ['_data/.aspnet/DataProtection-Keys/key.xml', f(0o600, 1000)],
    ['_data/current', l('Main', 1000)],
    [`_data/${AWKWARD}`, f(0o644, 1000)],
    ['_data/logs/btcpay.log', f(0o644, 1000)],
  ],
  [DASH]: [
    ['_data', d(0o700, 1000)],
    ['_data/dash.conf', f(0o600, 1000)],
    ['_data/wallet.dat', f(0o600, 1000)],
    ['_data/.cookie', f(0o600, 1000)],
    ['_data/blocks/blk00000.dat', f(0o600, 1000, 'BLOCKS')],
    ['_data/chainstate/000001.ldb', f(0o600, 1000, 'CHAINSTATE')],
    ['_data/indexes/txindex/1.ldb', f(0o600, 1000, 'INDEX')],
    ['_data/debug.log', f(0o600, 1000, 'DEBUG')],
    ['_data/debug.log.old', f(0o600, 1000)],
  ],
  [NBX]: [
    ['_data', d(0o755, 1000)],
    ['_data/Main/settings.config', f(0o600, 1000)],
    ['_data/Main/cache/big/blob', f(0o600, 1000, 'BIG')],
    ['_data/Main/cache/small', f(0o600, 1000)],
    ['_data/Main/.hidden cache', d(0o700, 1000)],
    ["_data/Main/it's a \"cache\" too/x", f(0o600, 1000, 'EXCLUDED TOO')],
    ["_data/Main/it's a \"cache\" too.kept", f(0o600, 1000)],
  ],
  [BITCOIN]: [['_data/blocks/blk00000.dat', f(0o600, 1000, 'BLOCKS')]],
};

// The operator's extra excludes: one two folders deep, one with quotes and spaces, one whose folders do not exist.
const PATTERNS = excludeSet('gen', { extra: ['volumes/gen_nbxplorer_datadir/_data/Main/cache/big', "volumes/gen_nbxplorer_datadir/_data/Main/it's a \"cache\" too", 'volumes/gen_nbxplorer_datadir/_data/nothing/here'] }).patterns;
const EXCLUDED: Record<string, readonly string[]> = {
  [LND]: ['_data/data/graph'],
  [BTCPAY]: [],
  [DASH]: ['_data/blocks', '_data/chainstate', '_data/indexes', '_data/debug.log'],
  [NBX]: ['_data/Main/cache/big', "_data/Main/it's a \"cache\" too"],
};
const COPIED = [LND, BTCPAY, DASH, NBX];

let tmp: string | undefined;
afterEach(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/**
 * The helper, here: its scripts run by the local sh with `tar` being `tarBinary`, the helper's
 * /volumes being `root` (only where a path starts with it, so `.../_data/volumes` stays).
 */
function localBench(root: string, tarBinary: 'gnu' | 'busybox'): Workbench & { scripts: string[] } {
  const bin = join(tmp!, 'bin');
  mkdirSync(bin, { recursive: true });
  rmSync(join(bin, 'tar'), { force: true });
  if (tarBinary === 'busybox') writeFileSync(join(bin, 'tar'), '#!/bin/sh\nexec busybox tar "$@"\n', { mode: 0o755 });
  const scripts: string[] = [];
  const unused = (): never => {
    throw new Error('not used by these tests');
  };
  return {
    id: 'local',
    image: 'local',
    scripts,
    sh: async (script) => {
      const local = script.replace(/(?<=^|[\s'"(=])\/volumes(?=[/'"\s]|$)/gm, root);
      expect(local).not.toMatch(/(?<=^|[\s'"(=])\/volumes(?=[/'"\s]|$)/m);
      scripts.push(local);
      const r = spawnSync('sh', ['-c', local], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
      if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    read: unused,
    write: unused,
    remove: async () => undefined,
  };
}

function fixture(): string {
  tmp = mkdtempSync(join(tmpdir(), 'lbt-stage-'));
  const root = join(tmp, 'volumes');
  expect(root).not.toMatch(/[\s'"$\\]/);
  for (const [volume, tree] of Object.entries(TREES)) build(join(root, volume), tree, { mtime: OLD });
  mkdirSync(join(root, STAGING, '_data'), { recursive: true });
  return root;
}

describe('btcpay copyVolume (script lines)', () => {
  it('copies a volume without literal excludes in one tar', () => {
    expect(copyVolume(BTCPAY, literalExcludesOf(BTCPAY, PATTERNS))).toEqual([`copy '${BTCPAY}' _data`]);
  });

  it('works in the helper\'s volume folder and never names an excluded path as something to copy', () => {
    const lines = copyVolume(LND, literalExcludesOf(LND, PATTERNS));
    expect(lines[0]).toBe(`cd '${VOLUMES}/${LND}'`);
    expect(lines.join('\n')).not.toMatch(/copy \S+ (--no-recursion )?'_data\/data\/graph'/);
  });
});

/** Folders' mtimes left out: busybox tar sets a folder's time before it writes the folder's children. */
const withoutFolderTimes = (snap: Record<string, Node>): Record<string, Node> =>
  Object.fromEntries(Object.entries(snap).map(([p, n]) => [p, n.type === 'dir' ? { ...n, mtime: undefined } : n]));

describe.each(['gnu', 'busybox'] as const)('btcpay copyToStaging with %s tar', (tarBinary) => {
  const copyAndCompare = async (folderTimes: boolean): Promise<void> => {
    const root = fixture();
    const before = Object.fromEntries(Object.keys(TREES).map((v) => [v, snapshotWithTimes(join(root, v))]));
    const bench = localBench(root, tarBinary);
    await copyToStaging(bench, STAGING, COPIED, PATTERNS, new AbortController().signal);

    const staged = join(root, STAGING, '_data', 'volumes');
    expect(readdirSync(staged).sort()).toEqual([...COPIED].sort());
    for (const volume of COPIED) {
      const copy = snapshotWithTimes(join(staged, volume));
      const expected = without(before[volume]!, EXCLUDED[volume]!);
      // The staging folder per volume is Lifeboat's own; what counts is _data and below.
      delete expected[''];
      delete copy[''];
      if (folderTimes) expect(copy, volume).toEqual(expected);
      else expect(withoutFolderTimes(copy), volume).toEqual(withoutFolderTimes(expected));
    }
    // The excluded data was never copied, and the sources are untouched.
    const all = JSON.stringify(Object.keys(snapshotWithTimes(staged)));
    expect(all).not.toContain('channel.db');
    expect(all).not.toContain('blk00000');
    expect(all).not.toContain('cache/big');
    expect(all).not.toContain('too/x');
    expect(readdirSync(tmp!).sort()).toEqual(['bin', 'volumes']);
    for (const volume of Object.keys(TREES)) expect(snapshotWithTimes(join(root, volume)), volume).toEqual(before[volume]);
  };

  it('copies every volume but its excluded paths, keeping owners, modes, file times and links', async () => {
    await copyAndCompare(false);
  });

  // busybox tar sets a folder's time before writing into it: a last pass (touch -r) fixes it.
  it('keeps the folders\' times too', async () => {
    await copyAndCompare(true);
  });

  it('fails, saying which volume, when a volume cannot be read', async () => {
    const root = fixture();
    rmSync(join(root, BTCPAY, '_data'), { recursive: true });
    const bench = localBench(root, tarBinary);
    await expect(copyToStaging(bench, STAGING, [BTCPAY], PATTERNS, new AbortController().signal)).rejects.toThrow(`reading the volume ${BTCPAY} failed`);
  });
});

describe('btcpay staging space', () => {
  it('measures each volume without its literal excludes, and the free space', async () => {
    const root = fixture();
    const bench = localBench(root, 'gnu');
    const check = await checkStagingSpace(bench, COPIED, PATTERNS, new AbortController().signal);
    const du = (path: string): number => Number(spawnSync('du', ['-sk', join(root, path)], { encoding: 'utf8' }).stdout.split('\t')[0]);
    expect(check.sizes.get(LND)).toBe(du(`${LND}/_data`) - du(`${LND}/_data/data/graph`));
    expect(check.sizes.get(BTCPAY)).toBe(du(`${BTCPAY}/_data`));
    expect(check.sizes.get(DASH)).toBe(du(`${DASH}/_data`) - ['blocks', 'chainstate', 'indexes', 'debug.log'].reduce((a, x) => a + du(`${DASH}/_data/${x}`), 0));
    expect(check.neededKiB).toBe([...check.sizes.values()].reduce((a, b) => a + b, 0));
    expect(check.availableKiB).toBeGreaterThan(0);
  });

  it('refuses, before anything stops, a copy that does not fit with its margin', () => {
    const sizes = new Map([[LND, 1000]]);
    expect(() => requireSpace({ sizes, neededKiB: 1000, availableKiB: 1000 + 50 + 256 * 1024 }, 'the copy')).not.toThrow();
    let thrown: unknown;
    try {
      requireSpace({ sizes, neededKiB: 1000, availableKiB: 1000 + 49 + 256 * 1024 }, 'the copy of the volumes');
    } catch (e) {
      thrown = e;
    }
    expect(isAppError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe('io');
    expect((thrown as Error).message).toMatch(/Not enough free space for the copy of the volumes.*Nothing was stopped/);
  });
});
