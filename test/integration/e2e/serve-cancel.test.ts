/**
 * A Bitnobi backup through the window, canceled, as an operator on a headless host does it:
 * `lifeboat serve` (the built CLI, the real engine and bitnobi plugin) on a stand-in Bitnobi
 * container on the private test Docker engine, driven in Debian's Chromium. The operator adds
 * the target with the form, presses Back up now, watches the job in Jobs (progress bar, phase)
 * and presses Cancel while Bitnobi is halted: the job says "canceling…" until the plugin has
 * started Bitnobi again, then ends as canceled; no archive is listed, the store holds no
 * partial file, and Bitnobi runs and answers again. A second backup then succeeds and its
 * archive is listed. Screenshots go to out/test-artifacts/e2e-cancel-*.png.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BITNOBI_HOME, answers, bitnobiShell, createBitnobiContainer, ensureBitnobiImages, freePort } from '../../env/docker/bitnobi-image.js';
import { type DockerRig, startDockerRig } from '../../env/dockerd.js';
import { ARTIFACTS, openServedPage, prepareServeTest, showView as showViewOf, startServe, type ServeProcess } from '../helpers/serve.js';
import { removeContainersNamed } from '../plugins/bitnobi/bitnobi-cli.js';
import { type PassphraseCliHome } from '../plugins/cli-home.js';

const PASSPHRASE = 'e2e cancel test passphrase';
/** Containers of this test only: other tests' Bitnobi stand-ins have other prefixes. */
const PREFIX = 'lbt-e2e-cancel-';
const CONTAINER = `${PREFIX}bitnobi`;
const TARGET = 'analytics';
const JOB_TITLE = `Back up ${TARGET}`;
/**
 * While this file exists in Bitnobi's home, its startScript.sh waits before starting
 * anything: it holds the cancel at "starting Bitnobi", so the test sees what the operator
 * sees meanwhile (canceling…, Bitnobi still halted) whatever the machine's speed.
 */
const HOLD_START = `${BITNOBI_HOME}/HOLD_START`;

let rig: DockerRig;
let root: string;
let home: PassphraseCliHome;
let served: ServeProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let problems: string[] = [];

const showView = (name: string): Promise<void> => showViewOf(page, name);
const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `e2e-cancel-${name}.png`), fullPage: true });
const inContainer = (command: string): Promise<string> => bitnobiShell(rig.docker, CONTAINER, command);
const bitnobiAnswers = (): Promise<boolean> => answers(rig.docker, CONTAINER);
const containerRunning = async (): Promise<boolean> => (await rig.docker.getContainer(CONTAINER).inspect()).State.Running;

/** The job's item in a section of the Jobs view ("Running and queued" or "Finished"). */
function jobItem(section: 'Running and queued' | 'Finished'): Locator {
  return page.getByRole('region', { name: section }).locator('li.job', { hasText: JOB_TITLE });
}

/** Every file in the store folder, recursively, relative to it. */
async function storeFiles(): Promise<string[]> {
  const entries = await readdir(home.store, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name).slice(home.store.length + 1)).sort();
}

beforeAll(async () => {
  ({ root, home } = await prepareServeTest('e2e-cancel', PASSPHRASE));
  rig = await startDockerRig();
  const images = await ensureBitnobiImages(rig.docker);
  await removeContainersNamed(rig.docker, PREFIX);
  const hostBackupDir = join(root, 'bitnobiBackup');
  await mkdir(hostBackupDir);
  await createBitnobiContainer(rig.docker, { name: CONTAINER, image: images.v1, hostBackupDir, hostPorts: { web: await freePort(), jupyter: await freePort() } });
  // The stand-in's bitnobiBackup.sh dawdles 30 s with SLOW_BACKUP: long enough to press Cancel in.
  await inContainer('touch SLOW_BACKUP');
  await inContainer(
    `{ head -n 1 startScript.sh; echo 'while [ -f ${HOLD_START} ]; do sleep 0.2; done'; tail -n +2 startScript.sh; } > startScript.new && chmod 755 startScript.new && mv startScript.new startScript.sh`,
  );
  // The operator's shell points DOCKER_HOST at the engine; the target form leaves dockerSocket empty.
  served = await startServe(home, ['--passphrase-file', home.passFile], { DOCKER_HOST: `unix://${rig.socketPath}` });
  ({ browser, page, problems } = await openServedPage(served.url));
});

afterAll(async () => {
  await browser?.close();
  if (served) await served.stop();
  if (rig) await removeContainersNamed(rig.docker, PREFIX);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a Bitnobi backup through the window, canceled, then made', () => {
  it('adds a bitnobi target with the form; its probe finds Bitnobi running', async () => {
    await showView('Targets');
    await page.getByRole('button', { name: 'Add target' }).click();
    const form = page.getByRole('form', { name: 'New target' });
    await form.getByLabel('Name').fill(TARGET);
    await form.getByLabel('What it is').selectOption('bitnobi');
    await form.getByLabel('container', { exact: true }).fill(CONTAINER);
    // Test connection saves the target, then probes it on the stored configuration; Save (with
    // ssh left empty: this machine's Docker) closes the form.
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => form.getByRole('status').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => form.getByRole('status').innerText(), { timeout: 30_000 }).toBe('Connected: running, 1.4.2.');
    await shot('target-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.count()).toBe(0);

    const item = page.locator(`li.target[data-target="${TARGET}"]`);
    await expect.poll(() => item.count()).toBe(1);
    await expect.poll(() => item.innerText(), { timeout: 30_000 }).toMatch(/running · 1\.4\.2/);
    expect(await item.innerText()).toContain('Never backed up.');
    await shot('target');
  });

  it('Back up now shows the running job with a progress bar and its phase, while Bitnobi is halted', async () => {
    await inContainer(`touch ${HOLD_START}`);
    await page.locator(`li.target[data-target="${TARGET}"]`).getByRole('button', { name: 'Back up now' }).click();
    // Back up now brings the Jobs view forward.
    const running = jobItem('Running and queued');
    await expect.poll(() => running.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => running.innerText(), { timeout: 60_000 }).toContain('running bitnobiBackup.sh');
    expect(await running.locator('.badge').first().innerText()).toBe('running');
    await expect.poll(() => running.getByRole('progressbar', { name: `Progress of ${JOB_TITLE}` }).count()).toBe(1);
    expect(await page.getByRole('navigation').innerText()).toContain('1 running');
    expect(await running.getByLabel('Latest log lines').innerText()).toContain(`Backing up "${TARGET}" with the Bitnobi plugin`);
    // The plugin halted Bitnobi for its backup script.
    expect(await bitnobiAnswers()).toBe(false);
    await shot('running');
  });

  it('Cancel shows canceling… until Bitnobi is started again, then the job ends as canceled', async () => {
    const running = jobItem('Running and queued');
    await running.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => running.locator('.badge').first().innerText()).toBe('canceling…');
    expect(await running.innerText()).toContain('Canceling: the plugin puts back what it stopped before the job ends.');
    expect(await running.getByRole('button', { name: 'Canceling…' }).isDisabled()).toBe(true);
    // The plugin is at "starting Bitnobi", held: the job is still canceling and Bitnobi still halted.
    await expect.poll(() => running.innerText(), { timeout: 30_000 }).toContain('starting Bitnobi');
    expect(await running.locator('.badge').first().innerText()).toBe('canceling…');
    expect(await bitnobiAnswers()).toBe(false);
    await shot('canceling');

    await inContainer(`rm -f ${HOLD_START}`);
    const finished = jobItem('Finished');
    await expect.poll(() => finished.count(), { timeout: 120_000 }).toBe(1);
    expect(await running.count()).toBe(0);
    expect(await finished.locator('.badge').first().innerText()).toBe('canceled');
    // Its last log lines, shown with it, say the plugin started Bitnobi again before the job ended.
    expect(await finished.getByLabel('Latest log lines').innerText()).toContain('Bitnobi: it answers on port 8000 again.');
    await shot('canceled');
    await finished.getByRole('button', { name: 'Show log' }).click();
    const log = finished.getByLabel('Full log');
    await expect.poll(() => log.count()).toBe(1);
    const lines = await log.innerText();
    expect(lines).toContain('Bitnobi: it answers on port 8000 again.');
    expect(lines).toMatch(/Canceled\.\s*$/);
    expect(await page.getByRole('navigation').innerText()).not.toContain('running');
    await shot('canceled-log');
  });

  it('after the cancel: no archive listed, no partial file in the store, Bitnobi running and answering', async () => {
    await showView('Archives');
    await expect.poll(() => page.getByText('No archives yet.').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('table tbody tr').count()).toBe(0);
    expect(await storeFiles()).toEqual([]);
    expect(await containerRunning()).toBe(true);
    await expect.poll(bitnobiAnswers, { timeout: 30_000 }).toBe(true);
    // bitnobiBackup.sh was stopped before it made a folder: none is left on the host either.
    expect((await inContainer('ls -1 backup')).trim()).toBe('');
    await shot('no-archive');

    await showView('Targets');
    const item = page.locator(`li.target[data-target="${TARGET}"]`);
    await expect.poll(() => item.innerText()).toContain('Never backed up.');
  });

  it('a second Back up now runs to success and its archive is listed', async () => {
    await inContainer('rm -f SLOW_BACKUP');
    await showView('Targets');
    const target = page.locator(`li.target[data-target="${TARGET}"]`);
    await expect.poll(() => target.getByRole('button', { name: 'Back up now' }).isEnabled()).toBe(true);
    await target.getByRole('button', { name: 'Back up now' }).click();

    const finished = page.getByRole('region', { name: 'Finished' }).locator('li.job', { hasText: JOB_TITLE });
    const succeeded = finished.filter({ has: page.locator('.badge', { hasText: 'succeeded' }) });
    await expect.poll(() => succeeded.count(), { timeout: 180_000 }).toBe(1);
    const facts = await succeeded.innerText();
    expect(facts).toMatch(new RegExp(`${TARGET}-\\d{8}-\\d{6}\\.tar\\.gz\\.gpg`));
    // Bitnobi was halted for its script: under a second here, shown in tenths rather than as 0 s.
    expect(facts).toMatch(/downtime \d+(\.\d)? s/);
    expect(facts).not.toContain('downtime 0 s');
    await shot('succeeded');

    await showView('Archives');
    const row = page.locator('table tbody tr', { hasText: TARGET });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.innerText()).toMatch(/Passphrase/);
    const files = await storeFiles();
    expect(files.filter((f) => f.endsWith('.tar.gz.gpg'))).toEqual([expect.stringMatching(new RegExp(`^${TARGET}-\\d{8}-\\d{6}\\.tar\\.gz\\.gpg$`))]);
    expect(files.filter((f) => /partial|\.lock/.test(f))).toEqual([]);
    expect(await containerRunning()).toBe(true);
    expect(await bitnobiAnswers()).toBe(true);
    await shot('archives');

    await showView('Targets');
    await expect.poll(() => target.innerText()).toContain('Last backup');
  });

  it('showed no console errors', () => {
    expect(problems).toEqual([]);
  });
});
