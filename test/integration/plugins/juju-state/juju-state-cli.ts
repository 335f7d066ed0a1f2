/**
 * What the juju-state tests share: the stand-in Juju deployment on the test engine, and a CLI
 * home whose known_hosts knows its machines and whose config has targets for them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDockerRig, type DockerRig } from '../../../env/dockerd.js';
import { createJujuEnv, type JujuEnv, type JujuMachine } from '../../../env/docker/juju-controller.js';
import { createCliHome, type PassphraseCliHome } from '../cli-home.js';
import { PROJECT_DIR, runLifeboat, type CliHome, type CliRun } from '../lifeboat-cli.js';

export const PASSPHRASE = 'juju state test passphrase';

export interface JujuSuite {
  readonly rig: DockerRig;
  readonly env: JujuEnv;
  readonly cli: PassphraseCliHome;
  readonly root: string;
  /** Writes config.yaml with a target per machine given (name → machine, options), and known_hosts with every machine. */
  targets(targets: Readonly<Record<string, { machine: JujuMachine; options?: Record<string, unknown> }>>): Promise<void>;
  lifeboat(args: readonly string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export async function setUpJujuSuite(prefix: string): Promise<JujuSuite> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  const root = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const cli = await createCliHome(root, PASSPHRASE);
  const rig = await startDockerRig();
  const env = await createJujuEnv(rig.docker, { prefix });
  const suite: JujuSuite = {
    rig,
    env,
    cli,
    root,
    async targets(targets) {
      await mkdir(join(cli.home, '.ssh'), { recursive: true });
      await writeFile(join(cli.home, '.ssh', 'known_hosts'), env.knownHostsText());
      await writeFile(join(cli.home, '.ssh', 'config'), '');
      await mkdir(join(cli.configHome, 'lifeboat'), { recursive: true });
      const config = Object.fromEntries(
        Object.entries(targets).map(([name, t]) => [
          name,
          { plugin: 'juju-state', options: { ssh: { host: t.machine.address, user: 'ubuntu', identityFile: env.userKeyPath, useAgent: false }, ...t.options } },
        ]),
      );
      await writeFile(join(cli.configHome, 'lifeboat', 'config.yaml'), stringify({ targets: config }));
    },
    lifeboat: (args) => runLifeboat(cli, args, { env: { SSH_AUTH_SOCK: '' } }),
    async close() {
      await env.remove().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
  return suite;
}

/** Every process's command line in a machine, NULs as spaces. */
export async function cmdlines(m: JujuMachine): Promise<string> {
  return m.exec(['sh', '-c', 'for f in /proc/[0-9]*/cmdline; do tr "\\000" " " < "$f" 2>/dev/null; echo; done; true']);
}

/** A `lifeboat` run the test can signal (Ctrl-C) while it works. */
export function startLifeboat(home: CliHome, args: readonly string[]): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, [join(PROJECT_DIR, 'bin', 'lifeboat.js'), ...args], {
    cwd: PROJECT_DIR,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.home, XDG_DATA_HOME: home.dataHome, XDG_CONFIG_HOME: home.configHome, LIFEBOAT_STORE: home.store, NO_COLOR: '1', SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, out }))) };
}
