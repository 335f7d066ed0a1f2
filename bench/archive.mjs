// `npm run bench`: Lifeboat's archive path against the shell pipelines operators use today,
// side by side in one run on one deterministic corpus (~1 GiB, `--size 2` for 2 GiB,
// `--dir PATH` to make it there once and reuse it: that folder is kept, all else is removed). Prints a Markdown table of MB/s of input and
// peak RSS (from /usr/bin/time) and the targets. Not part of `npm test`.
//
//   node bench/archive.mjs [--size 1|2] [--dir PATH]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from '../test/env/debian-packages.mjs';
import { makeCorpus } from './make-corpus.mjs';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(PROJECT, 'bin', 'lifeboat.js');
const MB = 1_000_000;
const PASSPHRASE = 'bench passphrase, not a secret';

function parseArgs(argv) {
  const args = { size: 1, dir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') args.size = Number(argv[++i]);
    else if (a === '--dir') args.dir = resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/archive.mjs [--size GiB] [--dir CORPUS_DIR]');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!(args.size > 0)) {
    console.error('bench: --size takes a positive number of GiB');
    process.exit(2);
  }
  return args;
}

/** Sum of file sizes under `dir` (the input every pipeline reads). */
function corpusBytes(dir) {
  const out = execFileSync('du', ['-sb', '--apparent-size', dir], { encoding: 'utf8' });
  return Number(out.split(/\s/)[0]);
}

/**
 * Runs `argv` under `/usr/bin/time -f '%e %M'`. For a `bash -c` pipeline, %M is the peak
 * RSS of its largest process (getrusage of waited-for children), which is what would run
 * out of memory first.
 */
function timed(work, argv, env) {
  const timeFile = join(work, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, ...argv], {
    cwd: PROJECT,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * MB,
  });
  if (r.status !== 0) {
    throw new Error(`bench: ${argv.slice(0, 4).join(' ')}... exited ${r.status}\n${r.stderr.slice(-2000)}`);
  }
  const [seconds, kib] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { seconds, rssMiB: kib / 1024, stdout: r.stdout };
}

/** A pipeline with pipefail, its values passed as positional parameters, never interpolated. */
function shell(script, ...params) {
  return ['bash', '-c', `set -euo pipefail; ${script}`, 'bench', ...params];
}

const GPG = 'gpg --batch --yes --quiet --pinentry-mode loopback --passphrase-file "$PF"';

async function main() {
  const args = parseArgs(process.argv.slice(2));
  ensureDebianPackages({ gpg: 'gnupg', pigz: 'pigz', tar: 'tar', '/usr/bin/time': 'time' });
  if (!existsSync(join(PROJECT, 'out', 'cli', 'main.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT, stdio: 'inherit' });

  const work = mkdtempSync(join(tmpdir(), 'lifeboat-bench-'));
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    await run(args, work);
  } finally {
    cleanup();
  }
}

async function run(args, work) {
  const corpus = args.dir ?? join(work, 'corpus');
  if (!existsSync(corpus) || readdirSync(corpus).length === 0) {
    mkdirSync(corpus, { recursive: true });
    process.stderr.write(`Making a ${args.size} GiB corpus in ${corpus}...\n`);
    await makeCorpus(corpus, args.size);
  }
  const input = corpusBytes(corpus);
  const gnupg = join(work, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  const pf = join(work, 'passphrase');
  writeFileSync(pf, PASSPHRASE + '\n', { mode: 0o600 });
  const env = {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    XDG_DATA_HOME: join(work, 'xdg-data'),
    XDG_CONFIG_HOME: join(work, 'xdg-config'),
    LIFEBOAT_STORE: join(work, 'store'),
    GNUPGHOME: gnupg,
    PF: pf,
    PARENT: dirname(corpus),
    NAME: basename(corpus),
    LANG: 'C.UTF-8',
  };
  for (const d of [env.HOME, env.XDG_DATA_HOME, env.XDG_CONFIG_HOME, env.LIFEBOAT_STORE]) mkdirSync(d, { recursive: true });

  // Warm the page cache so the first contestant does not pay for reading the disk alone.
  timed(work, shell('tar -c -C "$PARENT" "$NAME" > /dev/null'), env);

  const rows = [];
  const lb = timed(work, [process.execPath, BIN, 'backup', '--plugin', 'juju-client', '--opt', `dir=${corpus}`, '--passphrase-file', pf, '--json'], env);
  const archive = JSON.parse(lb.stdout).archive;
  const archivePath = typeof archive === 'string' ? archive : archive.path;
  const btcpayOut = join(work, 'btcpay.tar.gz.gpg');
  const btcpay = timed(work, shell(`tar -cz -C "$PARENT" "$NAME" | ${GPG} --symmetric --cipher-algo AES256 -o "$1"`, btcpayOut), env);
  const pigzOut = join(work, 'pigz.tar.gz.gpg');
  const pigz = timed(work, shell(`tar -c -C "$PARENT" "$NAME" | pigz | ${GPG} --symmetric --cipher-algo AES256 -o "$1"`, pigzOut), env);
  rmSync(pigzOut);
  // gpg compresses its input again by default; this shows what the shell gets without that.
  const pigzZ0 = timed(work, shell(`tar -c -C "$PARENT" "$NAME" | pigz | ${GPG} --symmetric --cipher-algo AES256 -z 0 -o "$1"`, pigzOut), env);
  rmSync(pigzOut);

  const rate = (t) => input / MB / t.seconds;
  const size = (p) => Number(execFileSync('stat', ['-c', '%s', p], { encoding: 'utf8' }));
  rows.push(['`lifeboat backup` (juju-client)', lb, size(archivePath)]);
  rows.push(["`tar -cz | gpg --symmetric --cipher-algo AES256` (BTCPay's script)", btcpay, size(btcpayOut)]);
  rows.push(['`tar -c | pigz | gpg --symmetric`', pigz, undefined]);
  rows.push(['`tar -c | pigz | gpg --symmetric -z 0` (gpg does not compress again)', pigzZ0, undefined]);

  const ls = timed(work, [process.execPath, BIN, 'ls', archivePath, '--json', '--passphrase-file', pf], env);
  const verify = timed(work, [process.execPath, BIN, 'verify', archivePath, '--passphrase-file', pf], env);
  const gpgList = timed(work, shell(`${GPG} -d "$1" | tar -tz > /dev/null`, btcpayOut), env);
  // Lifeboat's archive is plain tar.gz in OpenPGP, so gpg lists it too (the recovery path without Lifeboat).
  const gpgListOwn = timed(work, shell(`${GPG} -d "$1" | tar -tz > /dev/null`, archivePath), env);

  const gib = (input / 1024 ** 3).toFixed(2);
  console.log(`\n### Archive benchmark: ${gib} GiB corpus (${input} bytes), ${os()}\n`);
  console.log(`| run | seconds | MB/s of input | × ${md('`tar -cz | gpg -c`')} | peak RSS (MiB) | output size (MB) |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, t, bytes] of rows) {
    console.log(`| ${md(name)} | ${t.seconds.toFixed(1)} | ${rate(t).toFixed(1)} | ${(rate(t) / rate(btcpay)).toFixed(2)} | ${t.rssMiB.toFixed(0)} | ${bytes ? (bytes / MB).toFixed(0) : '–'} |`);
  }
  console.log('| `lifeboat ls ARCHIVE` | ' + `${ls.seconds.toFixed(2)} | – | – | ${ls.rssMiB.toFixed(0)} | – |`);
  console.log(`| \`lifeboat verify ARCHIVE\` | ${verify.seconds.toFixed(1)} | ${rate(verify).toFixed(1)} | – | ${verify.rssMiB.toFixed(0)} | – |`);
  console.log(`| ${md("`gpg -d X | tar -tz` (BTCPay's archive)")} | ${gpgList.seconds.toFixed(1)} | ${rate(gpgList).toFixed(1)} | – | ${gpgList.rssMiB.toFixed(0)} | – |`);
  console.log(`| ${md("`gpg -d X | tar -tz` (Lifeboat's archive)")} | ${gpgListOwn.seconds.toFixed(1)} | ${rate(gpgListOwn).toFixed(1)} | – | ${gpgListOwn.rssMiB.toFixed(0)} | – |`);

  const targets = [
    ['backup ≥ 1.3× `tar -cz | gpg -c`', `${(rate(lb) / rate(btcpay)).toFixed(2)}×`, rate(lb) >= 1.3 * rate(btcpay)],
    ['backup peak RSS < 300 MB (and no larger at `--size 2`)', `${lb.rssMiB.toFixed(0)} MiB`, lb.rssMiB * 1024 * 1024 < 300 * MB],
    ['`lifeboat ls` < 1 s', `${ls.seconds.toFixed(2)} s`, ls.seconds < 1],
    ['verify ≥ 0.8× `gpg -d | tar -tz`', `${(gpgList.seconds / verify.seconds).toFixed(2)}×`, gpgList.seconds / verify.seconds >= 0.8],
  ];
  console.log('\n| target | measured | met |\n|---|---:|:---:|');
  for (const [what, measured, met] of targets) console.log(`| ${md(what)} | ${measured} | ${met ? 'yes' : '**no**'} |`);
  console.log('\nFigures are noisy (±20 % run to run); the ratios, measured side by side, are what count.');
  if (args.size < 2) console.log('Run `npm run bench -- --size 2` to check that peak RSS does not grow with the corpus.');
}

/** Escapes `|` for a Markdown table cell. */
function md(text) {
  return text.replace(/\|/g, '\\|');
}

function os() {
  const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  return `${cpus} CPUs, Node ${process.version}, ${spawnSync('gpg', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}`;
}

await main();
